"""Composing replies: the wording around facts, never the facts themselves.

Every factual sentence comes from a topic in the knowledge files; this module only adds the
frame ("The record does not say how many.", "Did you mean ...") and picks the sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from bot.answer import Answer
from bot.brain.retrieve import Candidate
from bot.brain.speech import PARAGRAPH, Choice, Line, Piece, Said, Speech, line
from bot.brain.topics import Topic

# kinds of question whose missing detail has a text of its own ("no_detail.count")
NO_DETAIL_KINDS = frozenset(
    {"count", "how_much", "how_long", "when", "where", "who", "names", "list", "why"}
)
# A quote is worth showing when it has this many content words the answer lacks, and this
# share of its content words: "warmly" alone, or a name, is no reason for four more lines.
QUOTE_NEW_WORDS = 3
QUOTE_NEW_SHARE = 0.25
_WORD = re.compile(r"[A-Za-z][a-z'\u2019]*|[0-9][0-9,.]*")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")
_FUNCTION_WORDS = frozenset(
    [
        "that",
        "this",
        "with",
        "have",
        "from",
        "were",
        "been",
        "their",
        "there",
        "which",
        "about",
        "they",
        "them",
        "into",
        "also",
        "when",
        "what",
        "will",
        "would",
        "said",
        "says",
        "the",
        "and",
        "for",
        "are",
        "was",
        "his",
        "her",
        "its",
        "our",
        "these",
        "those",
    ]
)


def confidence(best: Candidate, runner_up: Candidate | None) -> float:
    """0..1 from the strength of the match and its lead over the next candidate."""
    strength = min(1.0, max(0.0, best.score) / 7.0)
    margin = best.score - (runner_up.score if runner_up else 0.0)
    return round(strength * (0.7 + 0.3 * min(1.0, max(0.0, margin) / 2.0)), 3)


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def spoken(pieces: Iterable[Piece], speech: Speech, **fields: Any) -> Answer:
    """An Answer whose text is ``pieces`` said in ``speech`` (English while deciding); the
    pieces go along, so the brain can say it again in the asker's language."""
    kept = tuple(pieces)
    return Answer(text=speech.render(kept), said=kept, **fields)


@lru_cache(maxsize=1024)
def _content_words(text: str, *, names: bool) -> frozenset[str]:
    """Word stems (first five letters) that carry meaning; ``names=False`` leaves out words
    written with a capital (names, titles: the answer names people its own way). Asked of
    the record's sentences and answers, again and again: kept."""
    found = set()
    for word in _WORD.findall(text):
        lower = word.casefold().replace("\u2019", "'")
        if lower in _FUNCTION_WORDS or (len(lower) < 4 and not lower[0].isdigit()):
            continue
        if names or not word[0].isupper():
            found.add(lower[:5])
    return frozenset(found)


def worth_quoting(text: str, sources: Sequence[str]) -> str:
    """The answer's first source sentence, when quoting it adds something ``text`` (the
    English answer) does not already say, else "".

    A fragment of a list ("MoU on railway sector cooperation") is never quoted: it is what
    the answer says. A sentence is, when enough of its own words are not in the answer."""
    if not sources or not _SENTENCE_END.search(sources[0].strip()):
        return ""
    own = _content_words(sources[0], names=False)
    new = own - _content_words(text, names=True)
    enough = len(new) >= QUOTE_NEW_WORDS and len(new) >= QUOTE_NEW_SHARE * len(own)
    return sources[0] if enough else ""


def from_topic(
    topic: Topic,
    conf: float,
    suggestions: tuple[str, ...],
    speech: Speech,
    *,
    said: Sequence[Piece] | None = None,
    answered: bool | None = None,
    intent: str | None = None,
    sources: Iterable[str] | None = None,
) -> Answer:
    return spoken(
        said if said is not None else (Said(topic.id),),
        speech,
        answered=topic.answered if answered is None else answered,
        intent=intent or topic.intent,
        confidence=conf,
        sources=unique(sources if sources is not None else topic.sources),
        suggestions=suggestions,
        topic=topic.id,
    )


def missing_detail(topic: Topic, qtype: str | None) -> list[Piece]:
    """The record has the topic but not the kind of detail asked (a number, a date, names)."""
    kind = qtype if qtype in NO_DETAIL_KINDS else "other"
    return [Line(f"no_detail.{kind}"), *what_it_says(topic)]


def no_such_count(topic: Topic) -> list[Piece]:
    """ "How many people came?": the record's figures count other things (23 years)."""
    return [Line("no_detail.counted"), *what_it_says(topic)]


def what_it_says(topic: Topic, *, bare: bool = True) -> list[Piece]:
    return [Line("what_it_says"), Said(topic.id, bare=bare)]


def not_mentioned(words: Sequence[str], then: Sequence[Piece] = ()) -> list[Piece]:
    return [line("not_mentioned", thing=_each_once(words)), *then]


def _each_once(words: Sequence[str]) -> str:
    """ "software house ... software exports": the thing named, each word once."""
    return " ".join(dict.fromkeys(words))


def not_among(words: Sequence[str], total: int, named: int) -> list[Piece]:
    """The closed-list answer: the record names some areas of the documents, not all."""
    thing = _each_once(words)
    capital = thing[:1].upper() + thing[1:]
    return [line("not_among_named", thing=thing, Thing=capital, total=total, named=named)]


def combined(parts: list[Topic], *, bare: bool = False) -> list[Piece]:
    return [Said(p.id, bare=bare) for p in parts]


def paragraphs(groups: Iterable[Sequence[Piece]]) -> tuple[Piece, ...]:
    """Answers to separate questions, a blank line apart."""
    out: list[Piece] = []
    for group in groups:
        if out:
            out.append(PARAGRAPH)
        out.extend(group)
    return tuple(out)


def clarify(options: list[Topic], speech: Speech) -> Answer:
    asks = tuple(t.ask for t in options)
    pieces = (Line("clarify"), Choice(tuple(t.id for t in options)))
    return spoken(
        pieces,
        speech,
        answered=False,
        intent="clarify",
        confidence=0.5,
        suggestions=asks,
        candidates=asks,
    )


def reply(
    intent: str,
    said: Sequence[Piece],
    suggestions: tuple[str, ...],
    speech: Speech,
    conf: float = 0.9,
) -> Answer:
    """A reply that gives no fact: greeting, decline, help."""
    return spoken(
        said, speech, answered=False, intent=intent, confidence=conf, suggestions=suggestions
    )
