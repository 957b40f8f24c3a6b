"""Which language a message is written in: its script first, then letters and words.

Cyrillic is Russian or Kazakh, Latin is English or Roman Urdu, Arabic script is Urdu: within a
script, the letters only one language uses (Kazakh's ә, қ, ұ...) and the words of each
language's profile decide. A message with no telling letter or word ("37?", "Tokayev?") has
no language of its own: the chat's language answers it. Profiles are data
(``knowledge/languages/<code>/profile.yaml``), so adding a language needs no code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.text import words as split_words

if TYPE_CHECKING:
    from knowledge.models import LanguageProfile

SCRIPTS = {  # Unicode blocks of the scripts profiles may name
    "latin": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F)),
    "cyrillic": ((0x400, 0x52F),),
    "arabic": ((0x600, 0x6FF), (0x750, 0x77F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
}
CLEAR_LEAD = 2  # telling words (a letter of its own counts 2) to leave the chat's language
NAMES_SCRIPT = "latin"  # names of people and places are typed in it whatever the language
# beside letters of another script, the names' letters count this much: Urdu and Russian
# messages carry English nouns ("Maritime sector میں Kazakhstan کے ساتھ کوئی MoU ہوا؟"), English
# ones hardly ever Urdu or Cyrillic words
NAMES_SCRIPT_SHARE = 0.5


@dataclass(frozen=True)
class Detected:
    """``lang``: the message's language when it tells; ``script``: its letters' script."""

    lang: str | None
    script: str | None
    lead: float = 0.0  # how far its evidence is ahead of the next language of its script
    alone: bool = False  # no other language of its script has any evidence in the message


def _letters_of(blocks: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    return re.compile(
        "[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in blocks) + "]"
    )


_SCRIPT_LETTERS = {script: _letters_of(blocks) for script, blocks in SCRIPTS.items()}
# runs of them: counted by the length of each run, not one match per letter
_SCRIPT_RUNS = {script: re.compile(f"{one.pattern}+") for script, one in _SCRIPT_LETTERS.items()}


_ASCII_LETTER = re.compile("[A-Za-z]")


def script_of(char: str) -> str | None:
    return next((s for s, letters in _SCRIPT_LETTERS.items() if letters.match(char)), None)


_ASCII_SCRIPT = script_of("a")  # the only script with ASCII letters


def main_script(text: str) -> str | None:
    """The script most of the message's letters are written in (None: no letters)."""
    if text.isascii():  # most messages: no letter but ASCII ones, of one script
        return _ASCII_SCRIPT if _ASCII_LETTER.search(text) else None
    counts = {
        script: sum(map(len, runs.findall(text)))
        * (NAMES_SCRIPT_SHARE if script == NAMES_SCRIPT else 1)
        for script, runs in _SCRIPT_RUNS.items()
    }
    best = max(counts, key=lambda script: counts[script])
    return best if counts[best] else None


def everyday_telling(
    everyday: Mapping[str, Iterable[str]], common: Iterable[str]
) -> dict[str, set[str]]:
    """Each language's everyday words but those the default language has too."""
    excluded = frozenset(w.casefold() for w in common)
    return {code: {w.casefold() for w in words} - excluded for code, words in everyday.items()}


def _both_spellings(words: Iterable[str], plain: Mapping[str, str]) -> frozenset[str]:
    """Each word as written and as typed without its language's own letters."""
    table = str.maketrans(dict(plain))
    return frozenset(form for w in words for form in (w.casefold(), w.casefold().translate(table)))


class Detector:
    """Built once from the profiles; ``detect`` is cheap."""

    def __init__(
        self,
        profiles: Iterable[LanguageProfile],
        plain: Mapping[str, str] | None = None,
        everyday: Mapping[str, Iterable[str]] | None = None,
        common: Iterable[str] = (),
        usual: Iterable[str] = (),
    ) -> None:
        """``plain``: a language's own letters as typed without them (Kazakh "қ" as "к"):
        its words count in both spellings. ``everyday``: a language's everyday words by code
        (Roman Urdu "pe", "koi"), which tell it too, except the ``common`` words of the
        default language that look the same ("is", "to", "the"). ``usual``: the default
        language's own words ("thanks", "bye", "date"; not "ok" or a name), which in a chat
        of another script tell that it switched to the names' script's usual language."""
        self.profiles = tuple(profiles)
        self._usual_words = frozenset(w.casefold() for w in usual)
        extra = everyday_telling(everyday or {}, common)
        words = {
            p.code: _both_spellings([*p.words, *extra.get(p.code, ())], plain or {})
            for p in self.profiles
        }
        # a word two languages of one script both list ("не") tells neither
        shared = {
            w
            for p in self.profiles
            for q in self.profiles
            if p.code < q.code and p.script == q.script
            for w in words[p.code] & words[q.code]
        }
        self._words = {code: found - shared for code, found in words.items()}
        self._by_code = {p.code: p for p in self.profiles}
        self._letters = {p.code: frozenset(p.letters) for p in self.profiles}
        self._grammar = {
            p.code: _both_spellings(p.grammar_words, plain or {}) for p in self.profiles
        }

    def detect(self, text: str) -> Detected:
        script = main_script(text)
        if script is None:
            return Detected(None, None)
        rivals = [p for p in self.profiles if p.script == script]
        if len(rivals) == 1:
            return Detected(rivals[0].code, script)
        tokens = split_words(text)
        lowered = text.casefold()
        scores = {p.code: self._score(p, lowered, tokens) for p in rivals}
        # On a tie the less usual language wins: "kya ... the?" is Roman Urdu, since English
        # grammar words turn up in Roman Urdu ("the", were) far more than the reverse.
        usual = {p.code: p.default_for_script for p in rivals}
        ranked = sorted(scores, key=lambda code: (-scores[code], usual[code]))
        best, second = scores[ranked[0]], scores[ranked[1]]
        lead = best - second + (0.5 if best == second and usual[ranked[1]] else 0.0)
        found = ranked[0] if best > 0 and lead > 0 else None
        return Detected(found, script, lead, alone=second == 0)

    def _score(self, profile: LanguageProfile, lowered: str, tokens: list[str]) -> float:
        """``lowered``: the message casefolded (once for all rivals)."""
        letters = 2 * sum(lowered.count(ch) for ch in self._letters[profile.code])
        words, grammar = self._words[profile.code], self._grammar[profile.code]
        return letters + sum(1 + (t in grammar) for t in tokens if t in words or t in grammar)

    def choose(self, text: str, preferred: str | None) -> str:
        """The reply's language: the message's own if it tells clearly; else the preferred
        one (the chat's) if it writes this script (or the message has no letters, or only
        Latin ones: "Tokayev?" names, it does not tell; one loanword like "ok" does not
        either); else the message's own if it tells at all; else the usual one for the
        script; else the first profile's (English)."""
        found = self.detect(text)
        kept = self._chats_own(text, found, self._by_code.get(preferred or ""))
        if kept is not None:
            return kept
        if found.lang is not None:
            return found.lang
        return self._usual_for(found.script) or self.profiles[0].code

    def _chats_own(self, text: str, found: Detected, pref: LanguageProfile | None) -> str | None:
        """The chat's language where the message's script fits it and the message does not
        clearly tell another ("ok", "great, thx" in a Roman Urdu chat: still Roman Urdu)."""
        if pref is None or found.script not in (None, pref.script, NAMES_SCRIPT):
            return None
        switched = self._switched_to_names_script(text, found, pref)
        if switched is not None:
            return switched
        if found.lang is not None and (found.lead >= CLEAR_LEAD or self._only(found)):
            return found.lang
        return pref.code

    def _only(self, found: Detected) -> bool:
        """ "shukriya", "Allah hafiz" in an English chat: in the names' script, all the
        message tells is another language than the usual one (whose words turn up in every
        other: "ok, great, thx" in a Roman Urdu chat stays Roman Urdu). Not in Cyrillic,
        where Russian speakers say the Kazakh "рахмет" as their own."""
        profile = self._by_code.get(found.lang or "")
        usual = profile is None or profile.default_for_script
        return found.alone and found.script == NAMES_SCRIPT and not usual

    def _switched_to_names_script(
        self, text: str, found: Detected, pref: LanguageProfile
    ) -> str | None:
        """ "thanks bro", "and petroleum?" in an Urdu-script or Cyrillic chat: a message
        typed all in the names' script is a switch to the language it tells, or else to
        that script's usual one if it has a word of it; names and words every language
        types ("Tokayev?", "ok") are not a switch, nor is a message with a word in the
        chat's own script ("ok thanks یار")."""
        if found.script != NAMES_SCRIPT or pref.script == NAMES_SCRIPT:
            return None
        if _SCRIPT_LETTERS[pref.script].search(text):
            return None
        if found.lang is not None:
            return found.lang
        if not any(len(w) > 1 and w in self._usual_words for w in split_words(text.casefold())):
            return None
        return self._usual_for(NAMES_SCRIPT)

    def _usual_for(self, script: str | None) -> str | None:
        """The code of the language usual for a script (English for Latin letters)."""
        return next(
            (p.code for p in self.profiles if p.script == script and p.default_for_script), None
        )
