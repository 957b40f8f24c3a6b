"""No English fixed text reaches a user who speaks Urdu, Roman Urdu, Russian or Kazakh, and
Urdu reads right to left.

The English catalog is every English fixed text (``knowledge/languages/en/*.yaml``, of each
file the language has its own version of: a language's file must be complete) cut into its
phrases (between slots, tags and sentence marks), plus every topic's English answer and
question. A walk through Telegram (every command, every page's buttons, a suggestion, "did you
mean", all sources, a 👎 and its "what was wrong?", the Topics menu, "More", /language) and
every topic answer in each language must show none of those phrases. Quotes of the source stay
English by design, so its sentences are taken out first; proper names are in no phrase of the
catalog.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import article
from bot.brain import Brain, Context
from bot.brain.speech import slots
from bot.formatting import html
from bot.keyboards import VOTE_DOWN, ButtonMemory, QuestionKeys, answer_keyboard
from handlers import commands
from knowledge.loading import DEFAULT_LANGUAGES_DIR, DEFAULT_RECORD
from knowledge.store import split_sentences
from tests.fake_botapi import FakeBotAPI, parse_html
from tests.test_telegram_languages import USER, choose_language, labels, running

LANGUAGES = ("ur", "ur-Latn", "ru", "kk")
_SLOT = re.compile(r"\{[^{}]*\}")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z]{3,}")
# Names the same in Latin letters in every language: the record's, the time zones' cities and
# the months (Roman Urdu writes them as English does).
_RECORD_TEXT = (DEFAULT_RECORD.parent / "pakistan-kazakhstan-visit.txt").read_text("utf-8")
NAMES = set(re.findall(r"\b[A-Z][a-z]{2,}\b", _RECORD_TEXT)) | set(calendar.month_name[1:])
NAMES |= set(calendar.month_abbr[1:]) | {"Kazakhstan", "Pakistan", "Karachi", "Almaty", "Dubai"}
_CODE = re.compile(r"<code>.*?</code>", re.S)
_ACRONYMS = re.compile(r"^([A-Z]{2,5}|[A-Z][a-z]+/[A-Za-z_]+)$")  # UTC, Asia/Almaty: names


def texts_file(lang: str, name: str) -> dict[str, str]:
    path = DEFAULT_LANGUAGES_DIR / lang / name
    if not path.exists():
        return {}
    texts = yaml.safe_load(path.read_text(encoding="utf-8"))["texts"]
    return {str(k): str(v) for k, v in texts.items()}


def shared_files(lang: str) -> list[str]:
    """The English texts files this language has its own version of (ui.yaml at least)."""
    own = {p.name for p in (DEFAULT_LANGUAGES_DIR / lang).glob("*.yaml")} - {"profile.yaml"}
    english = {p.name for p in (DEFAULT_LANGUAGES_DIR / "en").glob("*.yaml")} - {"profile.yaml"}
    assert "ui.yaml" in own
    return sorted(own & english)


def phrases(text: str) -> set[str]:
    """A text's English phrases: between slots, tags and sentence marks, without /commands."""
    found: set[str] = set()
    text = _CODE.sub("\n", text)  # commands and typed examples are code, not English
    for piece in _SLOT.split(_TAG.sub("\n", text)):
        for part in re.split(r"[.!?;:\n()\u201c\u201d\u00b7\u2013]", piece):
            words = [w for w in part.split() if not w.startswith(("/", "@"))]
            phrase = " ".join(words).strip(" ,'\"")
            if _WORD.search(phrase) and not _ACRONYMS.match(phrase) and phrase not in NAMES:
                found.add(phrase)
    return found


def english_catalog(brain: Brain, lang: str) -> set[str]:
    found: set[str] = set()
    for name in shared_files(lang):
        for text in texts_file("en", name).values():
            found |= phrases(text)
    for topic in brain.topics:
        found |= {s for s in split_sentences(brain.speech.answer(topic)) if _WORD.search(s)}
        found.add(brain.speech.ask(topic))
    source = brain.knowledge.source_text
    return {p for p in found if p not in source}


def without_sources(brain: Brain, text: str) -> str:
    for sentence in sorted(split_sentences(brain.knowledge.source_text), key=len, reverse=True):
        text = text.replace(sentence, " ")
    for item in brain.record.visit.sources + brain.record.agreements.sources:
        text = text.replace(item, " ")
    return text


def english_in(brain: Brain, catalog: set[str], text: str) -> list[str]:
    rest = without_sources(brain, text)
    return sorted(
        p for p in catalog if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", rest)
    )


# -- every key, every language --------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_fixed_text_is_translated_with_its_slots(lang: str) -> None:
    """Every key of an English file the language has, with the same slots, and different
    from the English wherever the English has words (a copied text is not a translation)."""
    for name in shared_files(lang):
        english, own = texts_file("en", name), texts_file(lang, name)
        assert set(own) == set(english), (name, set(own) ^ set(english))
        for key, text in english.items():
            assert slots(own[key]) == slots(text), (lang, key)
            if phrases(text):
                assert own[key] != text, (lang, key)
                assert not phrases(text) & phrases(own[key]), (lang, key)


# -- Urdu reads right to left ---------------------------------------------------------------


def is_urdu_letter(char: str) -> bool:
    return ("\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff") and char.isalpha()


def first_strong(text: str) -> str:
    """The first letter with a direction of its own: it sets a paragraph's direction (digits,
    punctuation, bullets and emoji have none)."""
    return next((c for c in text if unicodedata.bidirectional(c) in ("L", "R", "AL")), "")


def rtl_problems(text: str, exempt: tuple[str, ...] = ()) -> list[str]:
    """Lines of a displayed Urdu text whose first strong letter is not Urdu, so a client
    would lay them out left to right. ``exempt``: lines that are English on purpose."""
    problems = []
    for line in text.split("\n"):
        strong = first_strong(line)
        if not strong or any(part in line for part in exempt):
            continue
        if not is_urdu_letter(strong):
            problems.append(line)
    strong = first_strong(text)
    if strong and not is_urdu_letter(strong):
        problems.append(f"(message) {text[:40]}")
    return problems


def urdu_sample(template: str) -> str:
    values: dict[str, object] = {
        n: 3 if n in ("count", "total", "sentences", "chars") else "مثال" for n in slots(template)
    }
    return parse_html(template.format(**values), strict_ampersand=False)[0]


def test_every_urdu_text_and_answer_starts_with_an_urdu_letter(brain: Brain) -> None:
    """Telegram sets a paragraph's direction by how it starts: an Urdu text that starts with
    a digit, a Latin name, an emoji or a tag is shown left to right."""
    ur = brain.speeches["ur"]
    problems: list[str] = []
    for path in sorted((DEFAULT_LANGUAGES_DIR / "ur").glob("*.yaml")):
        if path.name == "profile.yaml":
            continue
        for key, text in texts_file("ur", path.name).items():
            if not re.search(r"[^\W\d_]", _SLOT.sub("", text)):
                continue  # a separator: punctuation only, never a text's start
            problems += [f"{key}: {p}" for p in rtl_problems(urdu_sample(text))]
    for topic in brain.topics:
        problems += [f"{topic}: {p}" for p in rtl_problems(ur.answer(topic))]
        problems += [f"{topic} ask: {p}" for p in rtl_problems(ur.ask(topic))]
    problems += [f"example: {p}" for e in ur.examples for p in rtl_problems(e)]
    assert not problems, "\n".join(problems)


# -- every topic answer --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_topic_answer_says_english_fixed_text(brain: Brain, lang: str) -> None:
    catalog = english_catalog(brain, lang)
    speech = brain.speeches[lang]
    keys = QuestionKeys(brain)
    for topic in brain.topics:
        answer = brain.answer_topic(topic, Context(), lang)
        assert answer.lang == lang
        text = parse_html(html(answer, speech, heading=speech.ask(topic)))[0]
        markup = answer_keyboard(answer, keys, ButtonMemory(), speech)
        buttons = [b.text for row in markup.inline_keyboard for b in row] if markup else []
        found = english_in(brain, catalog, "\n".join([text, *buttons]))
        assert not found, (topic, found)
        if lang == "ur":
            sources = tuple(answer.sources)
            assert not rtl_problems(text, sources), (topic, rtl_problems(text, sources))


# -- a walk through Telegram ----------------------------------------------------------------


class ClarifyingBrain:
    """The real brain, except that "history" always gets its "did you mean" reply (said in
    the chat's language), whatever the understanding of other languages makes of it: the
    walk tests the front end's words, not the brain's reading."""

    def __init__(self, brain: Brain) -> None:
        self._brain = brain

    def __getattr__(self, name: str) -> Any:
        return getattr(self._brain, name)

    def answer(self, text: str, context: Context | None = None, lang: str | None = None) -> Any:
        if text == "history":
            found = self._brain.answer(text, Context())
            assert found.intent == "clarify", "'history' is no longer ambiguous: pick another"
            return self._brain.say(found, lang or "en")
        return self._brain.answer(text, context, lang)


def data_of(message: dict[str, Any], prefix: str) -> list[str]:
    """The callback data of a message's buttons that start with ``prefix``."""
    markup = message.get("reply_markup") or {}
    found = [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]
    return [d for d in found if d.startswith(prefix)]


async def walk(server: FakeBotAPI, brain: Brain, lang: str) -> list[str]:
    """Everything a user of ``lang`` reads: messages, buttons, button notices."""
    seen: list[str] = []

    async def next_message(*, edits: bool = False) -> dict[str, Any]:
        message = await server.await_message(USER, include_edits=edits)
        seen.append(message["plain_text"])
        seen.extend(labels(message))
        return message

    seen.append((await choose_language(server, brain, lang, user_id=USER))["plain_text"])
    pages = {}
    for command in ("start", "help", "about", "agreements", "leaders", "targets", "source"):
        server.send_command(command, chat_id=USER, user_id=USER)
        pages[command] = await next_message()
    for command in ("frobnicate", "language"):
        server.send_command(command, chat_id=USER, user_id=USER)
        await next_message()
    server.send_sticker(chat_id=USER, user_id=USER)
    await next_message()
    for args in ("", "trade", "zqxv", "railwya"):  # usage, found (and more), a hint, a try
        server.send_command("find", args, chat_id=USER, user_id=USER)
        pages[f"find {args}"] = await next_message()
    server.press_button(pages["find trade"], text=labels(pages["find trade"])[0])
    await next_message()
    server.send_command("card", chat_id=USER, user_id=USER)  # the photo's caption
    await next_message()
    server.press_button(pages["about"], text=labels(pages["about"])[0])  # the card again
    await next_message()
    server.press_button(pages["source"], text=labels(pages["source"])[0])  # the full text
    for _ in article.full_text_parts(brain):
        await next_message()
    for name in ("start", "agreements", "leaders", "targets"):
        for label in labels(pages[name]):
            server.press_button(pages[name], text=label)
            answer = await next_message()
    suggestion = labels(answer)[0]
    server.press_button(answer, text=suggestion)
    await next_message()
    server.press_button(pages["leaders"], text=labels(pages["leaders"])[0])
    person = await next_message()
    server.press_button(person, data_of(person, "s:")[0])  # all sources
    await next_message()
    server.press_button(person, "t:all")  # the Topics menu, each of its groups, the start
    menu = await next_message()
    for data in [*data_of(menu, "t:g."), "t:back", "t:start"]:
        server.press_button(menu, data, strict=False)  # the menu changes in place
        await next_message(edits=True)
    server.send_text(brain.speeches[lang].ask("sharif_said"), chat_id=USER, user_id=USER)
    long = await next_message()
    server.press_button(long, data_of(long, "p:")[0])  # "More"
    await server.await_message(USER, include_edits=True)  # its buttons move on
    await next_message()
    mark = server.mark()  # 👎, its notice, "what was wrong?", a reply to it and the thanks
    server.press_button(person, text=VOTE_DOWN)
    seen.append((await server.await_for(method="answerCallbackQuery", since=mark)).params["text"])
    why = await next_message()
    seen.append(why["reply_markup"]["input_field_placeholder"])
    server.send_text("?!", chat_id=USER, user_id=USER, reply_to_message=why)
    await next_message()
    server.send_text("history", chat_id=USER, user_id=USER)
    choice = await next_message()
    server.press_button(choice, text=labels(choice)[0])
    seen.append((await server.await_message(USER, include_edits=True))["plain_text"])
    await next_message()
    stale = server.press_button(pages["start"], "a:m.999", strict=False)
    expired = await server.await_for(method="answerCallbackQuery", since=server.mark() - 1)
    assert expired.params["callback_query_id"] == stale["callback_query"]["id"]
    seen.append(expired.params.get("text", ""))
    for code in brain.speeches[lang].profile.telegram:
        seen += [c["description"] for c in server.commands(language_code=code)]
        seen += [server.description(code), server.description(code, short=True)]
    return seen


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_walk_through_every_command_and_button_finds_no_english(
    server: FakeBotAPI, brain: Brain, store_path: Path, lang: str
) -> None:
    async with running(server, ClarifyingBrain(brain), store_path):
        seen = await walk(server, brain, lang)

    assert len(seen) > 40
    catalog = english_catalog(brain, lang)
    found = {text[:60]: english_in(brain, catalog, text) for text in seen}
    assert not {k: v for k, v in found.items() if v}
    if lang == "ur":
        sources = tuple(split_sentences(brain.knowledge.source_text))
        names = {s.profile.native for s in brain.speeches.values()}  # /language's buttons
        untranslated = [  # English fallbacks of files Urdu does not have yet (kb check's job)
            p
            for name in {f.name for f in (DEFAULT_LANGUAGES_DIR / "en").glob("*.yaml")}
            - {f.name for f in (DEFAULT_LANGUAGES_DIR / "ur").glob("*.yaml")}
            for t in texts_file("en", name).values()
            for p in phrases(t)
        ]
        # a feature that adds a menu entry with a literal description (not a text key) is
        # not translatable by files; handlers.digest's entries become keys with its texts
        literal = tuple(
            d
            for _, d in commands.MENU_COMMANDS
            if d and not brain.speech.has(d) and _WORD.search(d)
        )
        skip = names | set(literal)
        shown = [t for t in seen if t and t not in skip and not any(p in t for p in untranslated)]
        problems = [p for text in shown for p in rtl_problems(text, sources + literal)]
        assert not problems, "\n".join(problems)
