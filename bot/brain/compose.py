"""Composing replies: the wording around facts, never the facts themselves.

Every factual sentence comes from a topic in the knowledge files; this module only adds the
frame ("The record does not say how many.", "Did you mean ...") and picks the sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.answer import Answer
from bot.brain.retrieve import Candidate
from bot.brain.topics import Topic

QTYPE_WORDS = {
    "count": "how many",
    "how_much": "how much",
    "how_long": "how long",
    "when": "when",
    "where": "where",
    "who": "who",
    "names": "the names",
    "list": "which",
    "why": "why",
}


def confidence(best: Candidate, runner_up: Candidate | None) -> float:
    """0..1 from the strength of the match and its lead over the next candidate."""
    strength = min(1.0, max(0.0, best.score) / 7.0)
    margin = best.score - (runner_up.score if runner_up else 0.0)
    return round(strength * (0.7 + 0.3 * min(1.0, max(0.0, margin) / 2.0)), 3)


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def from_topic(
    topic: Topic,
    conf: float,
    suggestions: tuple[str, ...],
    *,
    text: str | None = None,
    answered: bool | None = None,
    intent: str | None = None,
    sources: Iterable[str] | None = None,
) -> Answer:
    return Answer(
        text=text if text is not None else topic.answer,
        answered=topic.answered if answered is None else answered,
        intent=intent or topic.intent,
        confidence=conf,
        sources=unique(sources if sources is not None else topic.sources),
        suggestions=suggestions,
        topic=topic.id,
    )


def strip_yes(text: str) -> str:
    """'Yes. An MoU on railway...' -> 'An MoU on railway...' when 'yes' was not the question."""
    return text[5:] if text.startswith("Yes. ") else text


def missing_detail(topic: Topic, qtype: str) -> str:
    """The record has the topic but not the kind of detail asked (a number, a date, names)."""
    return f"The record does not say {QTYPE_WORDS.get(qtype, 'that')}. What it says: " + strip_yes(
        topic.answer
    )


def not_mentioned(words: Sequence[str], then: str = "") -> str:
    thing = " ".join(words)
    text = f"The record does not mention \u201c{thing}\u201d."
    return f"{text} {then}".strip()


def combined(parts: list[Topic]) -> str:
    return " ".join(p.answer for p in parts)


def clarify(options: list[Topic], text: str) -> Answer:
    asks = tuple(t.ask for t in options)
    body = text + " " + " or ".join(f"\u201c{a}\u201d" for a in asks)
    return Answer(
        text=body,
        answered=False,
        intent="clarify",
        confidence=0.5,
        suggestions=asks,
        candidates=asks,
    )


def reply(intent: str, text: str, suggestions: tuple[str, ...], conf: float = 0.9) -> Answer:
    """A reply that gives no fact: greeting, decline, help."""
    return Answer(
        text=text, answered=False, intent=intent, confidence=conf, suggestions=suggestions
    )
