"""Composing replies: the wording around facts, never the facts themselves.

Every factual sentence comes from a topic in the knowledge files; this module only adds the
frame ("The record does not say how many.", "Did you mean ...") and picks the sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.answer import Answer
from bot.brain.retrieve import Candidate
from bot.brain.speech import PARAGRAPH, Choice, Line, Piece, Said, Speech, line
from bot.brain.topics import Topic

# kinds of question whose missing detail has a text of its own ("no_detail.count")
NO_DETAIL_KINDS = frozenset(
    {"count", "how_much", "how_long", "when", "where", "who", "names", "list", "why"}
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


def what_it_says(topic: Topic, *, bare: bool = True) -> list[Piece]:
    return [Line("what_it_says"), Said(topic.id, bare=bare)]


def not_mentioned(words: Sequence[str], then: Sequence[Piece] = ()) -> list[Piece]:
    return [line("not_mentioned", thing=" ".join(words)), *then]


def not_among(words: Sequence[str], total: int, named: int) -> list[Piece]:
    """The closed-list answer: the record names some areas of the documents, not all."""
    thing = " ".join(words)
    capital = thing[:1].upper() + thing[1:]
    return [line("not_among_named", thing=thing, Thing=capital, total=total, named=named)]


def combined(parts: list[Topic]) -> list[Piece]:
    return [Said(p.id) for p in parts]


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
