"""The summary digest, composed from the record: nothing in it is written here.

Every fact comes from ``knowledge`` (the visit's headline, the agreements and their groups,
the targets, the key statements, the dated updates), and every line carries a ``[n]`` mark
pointing at the record sentence (or the update's source) it rests on, listed under
"Sources". When the knowledge changes, the digest changes with it.

Three shapes: the on-demand digest (``/digest``, ``visitbot digest``), the scheduled one
(what is new since the subscriber's last digest, then the summary in brief; one line when
nothing is new) and the admin's broadcast (what is new, then the summary in brief). Each is
rendered as Telegram HTML (split cleanly at 4,096 characters) or as plain text.
"""

from __future__ import annotations

import datetime as dtm
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from bot.brain.topics import join_words
from bot.formatting import TELEGRAM_LIMIT, split_message
from knowledge.loading import normalise_quotes
from knowledge.models import Record, Statement, Target, Update
from knowledge.store import split_sentences

Style = Literal["", "b", "i"]
Span = tuple[Style, str]
Line = list[Span]
Kind = Literal["on_demand", "scheduled", "broadcast"]

LATEST_UPDATES = 5  # updates listed in the on-demand digest (newest first)
SOURCES_PER_BLOCK = 12  # a longer source list becomes several quote blocks (clean splits)


@dataclass
class Block:
    """A paragraph: lines that stay together. ``quote``: an expandable quote (sources)."""

    lines: list[Line]
    quote: bool = False


@dataclass
class Citations:
    """Numbered sources, each listed once however many lines cite it. ``quoted`` sources
    are sentences of the record; the others name where an update comes from."""

    items: list[tuple[str, bool]] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def cite(self, sources: Iterable[str], *, quoted: bool = True) -> Span:
        numbers: list[int] = []
        for source in sources:
            key = normalise_quotes(source)
            if key not in self._index:
                self.items.append((source, quoted))
                self._index[key] = len(self.items)
            if self._index[key] not in numbers:
                numbers.append(self._index[key])
        if not numbers:
            return ("", "")
        return ("", f" [{_ranges(sorted(numbers))}]")


def _ranges(numbers: list[int]) -> str:
    """'1,2' and '3–9': consecutive marks shown as a range."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


@dataclass
class Digest:
    """A composed digest: blocks, rendered on request."""

    blocks: list[Block]
    tail: int | None = None  # index of the first block of the sources section, if any

    def html(self) -> str:
        return _html(self.blocks)

    def html_parts(self, limit: int = TELEGRAM_LIMIT) -> list[str]:
        """Messages within Telegram's limit, split only between blocks (tags never cut);
        when it must be split, the sources start a message of their own."""
        whole = self.html()
        if len(whole) <= limit:
            return [whole]
        if self.tail is None:
            return split_message(whole, limit)
        body, tail = self.blocks[: self.tail], self.blocks[self.tail :]
        return split_message(_html(body), limit) + split_message(_html(tail), limit)

    def plain(self) -> str:
        return "\n\n".join(_plain_block(b) for b in self.blocks)


# -- rendering -----------------------------------------------------------------------------


def _html_line(line: Line) -> str:
    out = []
    for style, text in line:
        text = escape(text, quote=False)
        out.append(f"<{style}>{text}</{style}>" if style and text else text)
    return "".join(out)


def _html(blocks: Sequence[Block]) -> str:
    return "\n\n".join(_html_block(b) for b in blocks)


def _html_block(block: Block) -> str:
    body = "\n".join(_html_line(line) for line in block.lines)
    return f"<blockquote expandable>{body}</blockquote>" if block.quote else body


def _plain_block(block: Block) -> str:
    lines = ["".join(text for _, text in line) for line in block.lines]
    return "\n".join(("  " + line) if block.quote else line for line in lines)


# -- wording helpers -----------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in '.!?\u201d"' else text + "."


def update_date(update: Update) -> str:
    """'12 Mar 2025' from the update's YYYY-MM-DD."""
    day = dtm.date.fromisoformat(update.date)
    return f"{day.day} {day:%b %Y}"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9$]+", text.lower()) if len(w) > 3}


def _covered(context: str, clause: str) -> bool:
    """Whether the clause already says the context (then it is not repeated)."""
    wanted = _words(context)
    return bool(wanted) and len(wanted & _words(clause)) >= 0.6 * len(wanted)


# -- sections ------------------------------------------------------------------------------


def _header(record: Record) -> Block:
    visit = record.visit
    when = f"{visit.date} {visit.year}" if visit.year else visit.date
    return Block([[("b", f"\U0001f4f0 {visit.title}")], [("i", f"{visit.place}, {when}")]])


def _headline(record: Record, cites: Citations) -> Block:
    """The visit in two lines: the record's own headline, one sentence a line."""
    lines: list[Line] = [[("", s)] for s in split_sentences(record.visit.headline)]
    lines[-1].append(cites.cite(record.visit.sources))
    return Block(lines)


def _agreements(record: Record, cites: Citations) -> Block:
    agreements = record.agreements
    lines: list[Line] = [
        [("b", f"\U0001f4dd {agreements.total} {agreements.described_as}")],
        [("", _sentence(f"covering {join_words(agreements.sectors)}")),
         cites.cite(agreements.sources)],
    ]  # fmt: skip
    return Block(lines)


def _areas(record: Record, cites: Citations) -> Block:
    """The named areas, grouped by their ``group`` (in the record's order)."""
    groups: dict[str, list[tuple[str, list[str]]]] = {}
    for area in record.agreements.named:
        groups.setdefault(area.group, []).append((area.short, area.sources))
    lines: list[Line] = [[("b", "Areas the record names")]]
    for group, areas in groups.items():
        sources = [s for _, srcs in areas for s in srcs]
        shorts = join_words([short for short, _ in areas])
        lines.append([("", "\u2022 "), ("i", group), ("", f": {shorts}"), cites.cite(sources)])
    return Block(lines)


def _target(record: Record, target: Target, cites: Citations) -> Block:
    lines: list[Line] = [[("b", f"\U0001f3af {target.figure} by {target.deadline}")]]
    person = record.person(target.person).short if target.person else None
    if target.clause and person:
        said = _sentence(f"{person} {target.clause}")
    else:
        said = split_sentences(target.answer)[0]
    lines.append([("", said), cites.cite(target.sources)])
    if target.context and not _covered(target.context, said):
        lines.append([("i", "Context: "), ("", target.context)])
    return Block(lines)


def _statements(record: Record, cites: Citations) -> Block | None:
    """The key statements, grouped by speaker."""
    by_speaker: dict[str | None, list[Statement]] = {}
    for statement in record.statements:
        if statement.key:
            by_speaker.setdefault(statement.speaker, []).append(statement)
    if not by_speaker:
        return None
    lines: list[Line] = [[("b", "\U0001f5e3 What the leaders said")]]
    for speaker, statements in by_speaker.items():
        name = record.person(speaker).short if speaker else "Both leaders"
        lines.append([("b", name)])
        for st in statements:
            lines.append([("", "\u2022 " + _sentence(st.clause)), cites.cite(st.sources)])
    return Block(lines)


def _updates(title: str, updates: Sequence[Update], cites: Citations) -> Block:
    lines: list[Line] = [[("b", title)]]
    for update in sorted(updates, key=lambda u: (u.date, u.id), reverse=True):
        lines.append(
            [("", "\u2022 "), ("i", update_date(update)), ("", f": {update.text}"),
             cites.cite([update.source], quoted=False)]
        )  # fmt: skip
    return Block(lines)


def _sources(cites: Citations) -> list[Block]:
    if not cites.items:
        return []
    blocks = [Block([[("b", "\U0001f4c4 Sources")]])]
    numbered: list[Line] = [
        [("", f"[{n}] \u201c{normalise_quotes(text)}\u201d" if quoted else f"[{n}] {text}")]
        for n, (text, quoted) in enumerate(cites.items, start=1)
    ]
    for start in range(0, len(numbered), SOURCES_PER_BLOCK):
        blocks.append(Block(numbered[start : start + SOURCES_PER_BLOCK], quote=True))
    return blocks


def _summary(record: Record, cites: Citations) -> list[Block]:
    blocks = [_headline(record, cites), _agreements(record, cites), _areas(record, cites)]
    blocks += [_target(record, t, cites) for t in record.targets]
    statements = _statements(record, cites)
    if statements is not None:
        blocks.append(statements)
    return blocks


def _brief(record: Record, cites: Citations) -> list[Block]:
    areas = [a.short for a in record.agreements.named]
    sources = [s for a in record.agreements.named for s in a.sources]
    lines: list[Line] = [[("b", "In brief")]]
    lines += _headline(record, cites).lines
    lines.append([("i", "Areas named: "), ("", join_words(areas)), cites.cite(sources)])
    lines.append([("", "/digest shows the full digest with the leaders' statements.")])
    return [Block(lines)]


# -- the three digests ---------------------------------------------------------------------


def on_demand(record: Record) -> Digest:
    """The full digest (``/digest``): summary, latest updates, sources."""
    cites = Citations()
    blocks = [_header(record), *_summary(record, cites)]
    if record.updates:
        latest = sorted(record.updates, key=lambda u: (u.date, u.id))[-LATEST_UPDATES:]
        blocks.append(_updates("\U0001f195 Latest updates", latest, cites))
    tail = len(blocks)
    blocks += _sources(cites)
    blocks.append(Block([[("", "Ask me anything about it, or /subscribe for regular digests.")]]))
    return Digest(blocks, tail)


def nothing_new(record: Record, last: dtm.date) -> Digest:
    """One line: the subscriber has everything already."""
    when = f"{last.day} {last:%b}"
    text = (
        f"Nothing new about {record.visit.title} since your last digest ({when}). "
        "/digest shows the full summary."
    )
    return Digest([Block([[("", text)]])])


def personal(
    record: Record,
    kind: Kind,
    new: Sequence[Update],
    last: dtm.date | None,
) -> Digest:
    """A subscriber's digest: what is new to them, then the summary in brief (the full one
    is a /digest away). ``new``: updates they have not received; ``last``: the date of their
    last digest (None: this is their first). A scheduled digest with nothing new is one line;
    the admin's broadcast (``kind="broadcast"``) always carries the summary."""
    if kind == "on_demand":
        return on_demand(record)
    if kind == "scheduled" and last is not None and not new:
        return nothing_new(record, last)
    cites = Citations()
    blocks = [_header(record)]
    if new:
        title = (
            f"\U0001f195 New since your last digest ({last.day} {last:%b})"
            if last is not None
            else "\U0001f195 Updates"
        )
        blocks.append(_updates(title, new, cites))
    blocks += _brief(record, cites)
    tail = len(blocks)
    blocks += _sources(cites)
    blocks.append(Block([[("", "/subscription to change when these come, /unsubscribe to stop.")]]))
    return Digest(blocks, tail)
