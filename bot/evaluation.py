"""Grading the brain on a labelled question set (``visitbot eval FILE``).

A question file is a YAML list of items: ``q`` (the message), ``category``, ``intent``
(expected), ``answered`` (expected flag), ``expect`` (strings that must all appear in the
reply; an item may be a list of alternatives), ``forbid`` (strings that must not appear)
and ``context`` (earlier messages of the same chat, for follow-ups). Grading is on facts
in the reply, not on wording.
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
    intent: str
    answered: bool
    expect: list[str | list[str]] = []
    forbid: list[str] = []
    context: list[str] = []


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
            row = table[getattr(r.item, key)]
            row[0] += r.ok
            row[1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(table.items())}

    @property
    def misses(self) -> list[Result]:
        return [r for r in self.results if not r.ok]


def load_items(path: Path) -> list[Item]:
    data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [Item.model_validate(row) for row in data]


def grade(item: Item, answer: Answer) -> list[str]:
    problems = []
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


def evaluate(brain: Brain, items: list[Item]) -> Report:
    report = Report()
    for item in items:
        context = Context()
        for earlier in item.context:
            brain.answer(earlier, context)
        answer = brain.answer(item.q, context)
        report.results.append(Result(item, answer, grade(item, answer)))
    return report


def format_report(report: Report, *, show_misses: bool = True) -> str:
    lines = [
        f"accuracy: {report.accuracy:.1%} ({len(report.results) - len(report.misses)}"
        f"/{len(report.results)})",
        "",
    ]
    for key in ("category", "intent"):
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
