"""Inline buttons and their callback data, always within Telegram's 64-byte limit.

Callback data never carries a question's text. It is ``<action>:<ref>``:

* action ``a`` asks a question, ``d`` picks a "did you mean" option, ``s`` shows sources,
  ``v`` votes on an answer (``v:u.<n>`` 👍, ``v:d.<n>`` 👎; ``n`` is the answer's row in the
  question log, so a vote works after a restart too; handled by :mod:`handlers.feedback`);
  ``t`` opens the Topics menu (``t:all``; inside it a group ``t:g.<group id>``, back to
  the groups ``t:back``, the welcome ``t:start``), ``p`` shows the next page of a long
  answer (``p:m.<n>``);
* ref ``t.<topic id>`` is a topic (its canonical ``ask``), ``x.<n>`` the record's n-th
  example question, ``m.<n>`` an entry of the chat's :class:`ButtonMemory` (anything else,
  such as a list of sources), e.g. ``a:t.railway``, ``d:t.visitor``, ``s:m.12``.

Each action has its own ``CallbackQueryHandler`` (``pattern=``); ``a``, ``d`` and ``s`` share
:mod:`handlers.buttons`, ``t`` and ``p`` are :mod:`handlers.navigation`'s.

Topic ids and example positions mean the same thing after a restart, so most buttons keep
working forever; a memory entry is bounded and may expire, and the press then says so.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answer import Answer
from bot.brain import Brain
from bot.brain.speech import Speech

MAX_DATA_BYTES = 64
_NUMBER = re.compile(r"[0-9]{1,9}")
ASK: Final = "a"
PICK: Final = "d"
SOURCES: Final = "s"
TOPICS: Final = "t"  # the Topics menu: handlers.navigation
PAGE: Final = "p"  # the rest of a long answer: handlers.navigation
MENU_ROOT: Final = "t:all"
MENU_BACK: Final = "t:back"  # inside the menu: back to its groups
MENU_START: Final = "t:start"
MAX_SHARE_CHARS = 256  # an inline query's limit
Action = Literal["a", "d", "s"]
ACTIONS: dict[str, Action] = {ASK: ASK, PICK: PICK, SOURCES: SOURCES}
VOTE: Final = "v"
VOTE_UP, VOTE_DOWN = "\U0001f44d", "\U0001f44e"  # 👍 👎: the same in every language
_VOTE_DATA = re.compile(r"v:([ud])\.([0-9]{1,16})")


class ButtonMemory:
    """What a chat's recent buttons mean when the data cannot say it (bounded, per chat)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[int, object] = OrderedDict()
        self._next = 0

    def put(self, value: object) -> int:
        self._next += 1
        self._items[self._next] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return self._next

    def get(self, key: int) -> object | None:
        return self._items.get(key)


@dataclass(frozen=True)
class Pressed:
    """A decoded button press: a question to ask (or pick), or sources to show."""

    action: Action
    question: str | None = None
    sources: tuple[str, ...] = ()
    topic: str | None = None  # the topic a suggestion names: it answers the press


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_DATA_BYTES:
        raise ValueError(f"callback data over {MAX_DATA_BYTES} bytes: {data!r}")
    return data


def topic_data(topic_id: str, action: Action = ASK) -> str:
    return _checked(f"{action}:t.{topic_id}")


def example_data(index: int) -> str:
    return _checked(f"{ASK}:x.{index}")


class QuestionKeys:
    """Turns questions into callback data and back, for one brain."""

    def __init__(self, brain: Brain) -> None:
        self.brain = brain
        self._topic_of = dict(brain.topic_of_ask)  # a topic's question in every language
        self._examples = list(brain.record.examples)
        self._example_at = {  # the record's examples in every language -> their position
            example: i
            for speech in reversed(brain.speeches.values())
            for i, example in enumerate(speech.examples)
        }

    def data(self, question: str, memory: ButtonMemory, action: Action = ASK) -> str:
        topic = self._topic_of.get(question)
        if topic is not None and len(topic.encode("utf-8")) <= MAX_DATA_BYTES - 4:
            return topic_data(topic, action)
        if action == ASK and question in self._example_at:
            return example_data(self._example_at[question])
        return _checked(f"{action}:m.{memory.put(question)}")

    def sources_data(self, sources: tuple[str, ...], memory: ButtonMemory) -> str:
        return _checked(f"{SOURCES}:m.{memory.put(sources)}")

    def decode(self, data: str, memory: ButtonMemory) -> Pressed | None:
        """The press, or None when the data is unknown, forged or its memory entry has expired
        (never an exception: the data comes from the client and may be anything)."""
        prefix, _, ref = data.partition(":")
        kind, _, value = ref.partition(".")
        action = ACTIONS.get(prefix)
        if action is None:
            return None
        topic = value if kind == "t" and value in self.brain.topics else None
        found = self._referred(kind, value, memory)
        if action == SOURCES:
            if isinstance(found, tuple) and all(isinstance(s, str) for s in found):
                return Pressed(SOURCES, sources=found)
            return None
        if isinstance(found, str):
            return Pressed(action, question=found, topic=topic)
        return None

    def _referred(self, kind: str, value: str, memory: ButtonMemory) -> object | None:
        """What ``<kind>.<value>`` refers to: a topic's question, an example, a memory entry."""
        number = int(value) if _NUMBER.fullmatch(value) else None  # not "²", not 5,000 digits
        if kind == "t" and value in self.brain.topics:
            return self.brain.topics[value].ask
        if kind == "x" and number is not None and number < len(self._examples):
            return self._examples[number]
        if kind == "m" and number is not None:
            return memory.get(number)
        return None


def vote_row(ref: int, up: int = 0, down: int = 0) -> list[InlineKeyboardButton]:
    """👍 / 👎 on one answer; after a vote each shows its count (the "thanks" state)."""
    return [
        button(f"{VOTE_UP} {up}" if up else VOTE_UP, f"{VOTE}:u.{ref}"),
        button(f"{VOTE_DOWN} {down}" if down else VOTE_DOWN, f"{VOTE}:d.{ref}"),
    ]


def decode_vote(data: str) -> tuple[int, bool] | None:
    """(the answer's row, True for 👍) of a vote button's data; None for anything else."""
    match = _VOTE_DATA.fullmatch(data)
    return None if match is None else (int(match.group(2)), match.group(1) == "u")


def is_vote_row(row: Sequence[InlineKeyboardButton]) -> bool:
    return any(str(b.callback_data or "").startswith(f"{VOTE}:") for b in row)


def with_votes(
    markup: InlineKeyboardMarkup | None, ref: int, up: int = 0, down: int = 0
) -> InlineKeyboardMarkup:
    """``markup`` with its vote row (re)placed last, the other rows as they were."""
    kept = [list(r) for r in (markup.inline_keyboard if markup else ()) if not is_vote_row(r)]
    return InlineKeyboardMarkup([*kept, vote_row(ref, up, down)])


def menu_group_data(group_id: str) -> str:
    return _checked(f"{TOPICS}:g.{group_id}")


def page_data(memory: ButtonMemory, rest: object) -> str:
    """A "More" button's data: the rest of the answer is kept in the chat's memory."""
    return _checked(f"{PAGE}:m.{memory.put(rest)}")


def remembered(data: str, action: str, memory: ButtonMemory) -> object | None:
    """What ``<action>:m.<n>`` data refers to, or None (forged, other action, expired)."""
    prefix, _, ref = data.partition(":")
    kind, _, value = ref.partition(".")
    if prefix != action or kind != "m" or not _NUMBER.fullmatch(value):
        return None
    return memory.get(int(value))


def button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=_checked(data))


def rows(buttons: list[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def answer_keyboard(
    answer: Answer,
    keys: QuestionKeys,
    memory: ButtonMemory,
    speech: Speech,
    *,
    more: str | None = None,
    share: str | None = None,
    max_suggestions: int = 3,
    vote: int | None = None,
) -> InlineKeyboardMarkup:
    """Every answer's buttons, a row list built here only (labels in ``speech``'s language):
    "More" when the answer has a next page (``more``: its data), the follow-up questions
    (or the "did you mean" options), the sources when the quote shown is not the whole
    story, the way on (the Topics menu, and "Share": ``share``, the inline query), and
    last, with ``vote`` (the answer's row in the question log), 👍 / 👎 (a "did you mean"
    has none: it is a question back, not an answer)."""
    layout = [
        more_row(more, speech),
        *question_rows(answer, keys, memory, max_suggestions),
        sources_row(answer, keys, memory, speech),
        navigation_row(speech, share),
    ]
    markup = InlineKeyboardMarkup([row for row in layout if row])
    if vote is not None and not (answer.intent == "clarify" and answer.candidates):
        return with_votes(markup, vote)
    return markup


def more_row(more: str | None, speech: Speech) -> list[InlineKeyboardButton]:
    return [button(speech.text("button.more"), more)] if more else []


def question_rows(
    answer: Answer, keys: QuestionKeys, memory: ButtonMemory, max_suggestions: int
) -> list[list[InlineKeyboardButton]]:
    """One row per follow-up question, or per "did you mean" option."""
    if answer.intent == "clarify" and answer.candidates:
        return [[button(q, keys.data(q, memory, PICK))] for q in answer.candidates]
    return [[button(q, keys.data(q, memory))] for q in answer.suggestions[:max_suggestions]]


def sources_row(
    answer: Answer, keys: QuestionKeys, memory: ButtonMemory, speech: Speech
) -> list[InlineKeyboardButton]:
    """All the sources when there are several; the one source when no quote shows it."""
    count = len(answer.sources)
    if count > 1:
        label = speech.text("button.all_sources", count=count)
    elif count == 1 and not any(answer.quotes):
        label = speech.text("button.source")
    else:
        return []
    return [button(label, keys.sources_data(answer.sources, memory))]


def navigation_row(speech: Speech, share: str | None) -> list[InlineKeyboardButton]:
    """The way out of any answer (the Topics menu) and, for an answer, sharing it."""
    row = [button(speech.text("button.topics"), MENU_ROOT)]
    if share:
        label = speech.text("button.share")
        row.append(InlineKeyboardButton(label, switch_inline_query=share[:MAX_SHARE_CHARS]))
    return row


def share_query(answer: Answer, brain: Brain, typed: str | None = None) -> str | None:
    """What "Share" types after the bot's name in another chat: the topic's question in the
    answer's language (inline mode answers it the same way), else what the user typed.
    None for replies that give nothing to share (greetings, declines, "did you mean")."""
    if not (answer.answered or answer.topic) or answer.intent == "clarify":
        return None
    speech = brain.speeches.get(answer.lang, brain.speech)
    if answer.topic in brain.topics and answer.intent != "multi":
        return speech.ask(answer.topic)
    words = [w for w in (typed or "").split() if not w.startswith("@")]  # not "@thisbot"
    return " ".join(words)[:MAX_SHARE_CHARS] or None
