"""The brain's output: everything a front end (console, CLI, Telegram) needs to show an answer.

Kept free of any Telegram import so every front end shares one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One reply to one message.

    ``answered`` is True only when the reply gives information from the record that addresses
    the question (including an honest "not among the named agreements"); declines, "the record
    does not say", greetings and "did you mean" are not answers.
    """

    text: str
    answered: bool
    intent: str
    confidence: float
    sources: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    topic: str | None = None
    candidates: tuple[str, ...] = field(default=())  # "did you mean" options, as questions
    rule: str = ""  # which stage or rule decided the reply (for --explain and curators)
    said: tuple[Any, ...] = ()  # the reply as pieces (bot.brain.speech), to say in any language
    lang: str = "en"  # the language of ``text``, ``suggestions`` and ``candidates``
    # the source sentence to quote under each part of the reply ("" = none: it would only
    # repeat what the part says), one per paragraph of ``text``; see compose.worth_quoting
    quotes: tuple[str, ...] = ()

    def to_json(self, question: str) -> dict[str, Any]:
        """The machine-readable form printed by ``visitbot ask --json``."""
        return {
            "question": question,
            "answered": self.answered,
            "intent": self.intent,
            "topic": self.topic,
            "confidence": round(self.confidence, 3),
            "lang": self.lang,
            "text": self.text,
            "sources": list(self.sources),
            "suggestions": list(self.suggestions),
        }
