"""Grading the brain on a labelled question set (``visitbot eval FILE``).

A question file is a YAML list of items: ``q`` (the message), ``category``, ``intent``
(expected), ``answered`` (expected flag), ``expect`` (strings that must all appear in the
reply; an item may be a list of alternatives), ``forbid`` (strings that must not appear)
and ``context`` (earlier messages of the same chat, for follow-ups). Grading is on facts
in the reply, not on wording. ``todo: true`` marks an item a curator has yet to complete
(``visitbot kb misses`` writes them): it is graded as it stands, and the report counts it.

A conversation file is a YAML list of ``{id, persona, turns}``; each turn is an item as
above (without ``context``: the earlier turns are the context), or ``{tap: N, category}``:
the user taps the N-th suggestion of the previous reply, which must be answered by the
topic it names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from bot.answer import Answer
from bot.brain import Brain, Context


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str
    category: str
    intent: str = ""
    answered: bool
    expect: list[str | list[str]] = []
    forbid: list[str] = []
    context: list[str] = []
    lang: str | None = None  # the language of the message: the reply must be in it
    todo: bool = False  # exported by ``visitbot kb misses``, not yet completed by a curator


@dataclass
class Result:
    item: Item
    answer: Answer
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.ok for r in self.results) / max(1, len(self.results))

    def by(self, key: str) -> dict[str, tuple[int, int]]:
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            row = table[getattr(r.item, key) or "-"]
            row[0] += r.ok
            row[1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(table.items())}

    @property
    def misses(self) -> list[Result]:
        return [r for r in self.results if not r.ok]

    @property
    def todo(self) -> int:
        return sum(r.item.todo for r in self.results)


class Tap(BaseModel):
    """A tap on the N-th suggestion button of the previous reply."""

    model_config = ConfigDict(extra="forbid")

    tap: int
    category: str = "button_tap"
    intent: str = "tap"
    lang: str | None = None


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    persona: str = ""
    turns: list[Item | Tap]


def _load(path: Path) -> Any:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []


def is_conversation_file(path: Path) -> bool:
    data = _load(path)
    return (
        isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "turns" in data[0]
    )


def load_items(path: Path) -> list[Item]:
    return [Item.model_validate(row) for row in _load(path)]


def load_conversations(path: Path) -> list[Conversation]:
    return [Conversation.model_validate(row) for row in _load(path)]


def grade_language(brain: Brain, lang: str, answer: Answer) -> list[str]:
    """The reply is in the asker's language: said in it, and its text reads as it (a text
    with no telling word, such as a bare figure, reads as any)."""
    if answer.lang != lang:
        return [f"replied in {answer.lang}, expected {lang}"]
    reads_as = brain.detector.detect(answer.text).lang
    if reads_as not in (None, lang):
        return [f"reply text reads as {reads_as}, expected {lang}"]
    return []


def grade(item: Item, answer: Answer, brain: Brain | None = None) -> list[str]:
    problems = grade_language(brain, item.lang, answer) if brain and item.lang else []
    text = answer.text.casefold()
    if answer.answered != item.answered:
        problems.append(f"answered={answer.answered}, expected {item.answered}")
    for want in item.expect:
        options = [want] if isinstance(want, str) else want
        if not any(o.casefold() in text for o in options):
            problems.append(f"missing {' / '.join(options)!r}")
    for bad in item.forbid:
        if bad.casefold() in text:
            problems.append(f"contains forbidden {bad!r}")
    return problems


def _as_labelled(brain: Brain, lang: str | None, answer: Answer) -> Answer:
    """An item with no ``lang`` comes from a set written when every reply was English: its
    expectations are English words, so the same decision is graded as said in English."""
    return answer if lang else brain.say(answer, "en")


def evaluate(brain: Brain, items: list[Item]) -> Report:
    report = Report()
    for item in items:
        context = Context()
        for earlier in item.context:
            brain.answer(earlier, context)
        answer = _as_labelled(brain, item.lang, brain.answer(item.q, context))
        report.results.append(Result(item, answer, grade(item, answer, brain)))
    return report


def grade_tap(brain: Brain, offered: tuple[str, ...], n: int, answer: Answer) -> list[str]:
    if not 0 < n <= len(offered):
        return [f"no suggestion {n} was offered (offered {len(offered)})"]
    want = brain.topic_of_ask.get(offered[n - 1])
    if want is not None and answer.topic != want:
        return [f"tap on {offered[n - 1]!r} answered by {answer.topic}, not {want}"]
    if want is None and answer.intent in ("off_topic", "not_understood", "empty"):
        return [f"tap on {offered[n - 1]!r} was declined"]
    return []


def evaluate_conversations(brain: Brain, conversations: list[Conversation]) -> Report:
    """Each turn graded alone, after all the earlier turns of its conversation."""
    report = Report()
    for conversation in conversations:
        context = Context()
        offered: tuple[str, ...] = ()
        for turn in conversation.turns:
            if isinstance(turn, Tap):
                pick = offered[turn.tap - 1] if 0 < turn.tap <= len(offered) else ""
                answer = brain.tap(pick, context)
                item = Item(q=f"[tap {turn.tap}: {pick}]", category=turn.category,
                            intent=turn.intent, answered=answer.answered,
                            lang=turn.lang)  # fmt: skip
                problems = grade_tap(brain, offered, turn.tap, answer)
                problems += grade_language(brain, turn.lang, answer) if turn.lang else []
            else:
                answer = _as_labelled(brain, turn.lang, brain.answer(turn.q, context))
                item = turn.model_copy(update={"context": [conversation.id]})
                problems = grade(turn, answer, brain)
            offered = answer.suggestions
            report.results.append(Result(item, answer, problems))
    return report


def evaluate_file(brain: Brain, path: Path) -> Report:
    """A question file, a conversation file, or a file with both (``questions:`` and
    ``conversations:``), whichever ``path`` holds."""
    data = _load(path)
    if isinstance(data, dict):
        questions = [Item.model_validate(row) for row in data.get("questions") or []]
        talks = [Conversation.model_validate(row) for row in data.get("conversations") or []]
        report = evaluate(brain, questions)
        report.results += evaluate_conversations(brain, talks).results
        return report
    if is_conversation_file(path):
        return evaluate_conversations(brain, load_conversations(path))
    return evaluate(brain, load_items(path))


def format_report(report: Report, *, show_misses: bool = True) -> str:
    lines = [
        f"accuracy: {report.accuracy:.1%} ({len(report.results) - len(report.misses)}"
        f"/{len(report.results)})",
        "",
    ]
    if report.todo:
        lines += [
            f"todo: {report.todo} items are still marked `todo: true` (from `visitbot kb "
            "misses`): complete their `answered` and `expect`, then delete the mark",
            "",
        ]
    for key in ("lang", "category", "intent"):
        lines.append(f"by {key}:")
        for name, (ok, total) in report.by(key).items():
            lines.append(f"  {name:<22} {ok:>3}/{total:<3} {ok / total:6.1%}")
        lines.append("")
    if show_misses and report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for r in report.misses:
            context = f" (after {' / '.join(r.item.context)})" if r.item.context else ""
            lines.append(f"- [{r.item.category}/{r.item.intent}] {r.item.q!r}{context}")
            lines.append(f"    got [{r.answer.intent}] {r.answer.text[:160]!r}")
            lines.append(f"    {'; '.join(r.problems)}")
    return "\n".join(lines)
