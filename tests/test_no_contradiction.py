"""No reply says the record does not give a kind of detail and then gives it ("The record
does not say who. What it says: Prime Minister Shehbaz Sharif set out...").

Run over every answer to every labelled question and conversation set in tests/."""

from __future__ import annotations

import re
from pathlib import Path

from bot.brain import Brain, Context
from bot.brain.kinds import Slots, says_it_lacks
from bot.evaluation import Tap, is_conversation_file, load_conversations, load_items

TESTS = Path(__file__).resolve().parent
SETS = sorted(TESTS.glob("questions*.yaml")) + sorted(TESTS.glob("conversations*.yaml"))


def _replies(brain: Brain) -> list[tuple[str, str]]:
    out = []
    for path in SETS:
        if is_conversation_file(path):
            for conversation in load_conversations(path):
                context = Context()
                for turn in conversation.turns:
                    if not isinstance(turn, Tap):
                        out.append((turn.q, brain.answer(turn.q, context).text))
            continue
        for item in load_items(path):
            context = Context()
            for earlier in item.context:
                brain.answer(earlier, context)
            out.append((item.q, brain.answer(item.q, context).text))
    return out


def qualified(brain: Brain, question: str) -> bool:
    """ "When will he come AGAIN", "how many DAYS": the date or number in the reply is not
    the one asked, so "does not say when" is no contradiction there."""
    parsed = brain.lexicon.parse(question)
    return any(brain.lexicon.is_qualifier(c) for c in parsed.concepts)


def contradictions(
    slots: Slots, replies: list[tuple[str, str]], brain: Brain | None = None
) -> list[tuple[str, str]]:
    found = []
    for question, text in replies:
        denied = re.match(r"(.+?) is not among the agreement areas", text)
        if denied and re.search(rf"signed an? {re.escape(denied.group(1).lower())}", text.lower()):
            found.append((question, text[:140]))  # "X is not among ... signed a X"
        if brain is not None and qualified(brain, question):
            continue
        for part in text.split("\n\n"):
            kind = says_it_lacks(part)
            rest = re.split(r"(?<=[.:])\s", part, maxsplit=1)[-1]
            if kind and slots.provides(rest, kind):
                found.append((question, part[:140]))
    return found


def test_the_checker_can_fail(brain: Brain) -> None:
    bad = "The record does not say who. What it says: Prime Minister Shehbaz Sharif set out..."
    assert contradictions(Slots.of(brain.record), [("who said that?", bad)])


def test_the_checker_sees_a_denied_area_that_was_signed(brain: Brain) -> None:
    bad = (
        "Joint declaration is not among the agreement areas the record names. ... "
        "The two leaders signed a joint declaration."
    )
    assert contradictions(Slots.of(brain.record), [("was a joint declaration signed?", bad)])


def test_no_reply_denies_a_detail_it_then_gives(brain: Brain) -> None:
    replies = _replies(brain)
    assert len(replies) > 1000
    assert contradictions(Slots.of(brain.record), replies, brain) == []
