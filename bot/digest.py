"""The summary digest, composed from the record: nothing in it is written here.

Every fact comes from ``knowledge`` (the visit's headline, the agreements and their groups,
the targets, the key statements, the dated updates), and every line carries a ``[n]`` mark
pointing at the record sentence (or the update's source) it rests on, listed under
"Sources". When the knowledge changes, the digest changes with it.

Three shapes: the on-demand digest (``/digest``, ``visitbot digest``), the scheduled one
(what is new since the subscriber's last digest, then the summary in brief; one line when
nothing is new) and the admin's broadcast (what is new, then the summary in brief). Each is
rendered as Telegram HTML (split cleanly at 4,096 characters) or as plain text.

Every digest is said in one language by a :class:`~bot.brain.speech.Speech`: its frame
(headings, dates, footers) comes from ``knowledge/languages/<code>/digest.yaml`` (keys
``digest.*``, where ``<b>`` and ``<i>`` mark bold and italic), the facts from the record's
translation (``visit.<code>.yaml``: its terms and topic answers). English is composed from the
record itself. Source quotes stay in the record's English, under a heading that says so; an
update the translation lacks is shown in English, labelled as the original.
"""

from __future__ import annotations

import datetime as dtm
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import Literal

from bot.brain.speech import ENGLISH, Speech, group_key
from bot.brain.topics import join_words
from bot.formatting import TELEGRAM_LIMIT, split_message
from knowledge.loading import DEFAULT_LANGUAGES_DIR, Knowledge, load_languages, normalise_quotes
from knowledge.models import LanguagePack, Record, Statement, Target, Update
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


# -- speaking ------------------------------------------------------------------------------


@cache
def default_packs() -> dict[str, LanguagePack]:
    return load_languages(DEFAULT_LANGUAGES_DIR)


def english(record: Record) -> Speech:
    """The bot's own English texts, for a digest composed without a brain (tests, tools)."""
    return Speech(ENGLISH, default_packs(), record, None, {})


def speeches(knowledge: Knowledge) -> dict[str, Speech]:
    """One Speech per language of ``knowledge``, as the brain builds them (for tools that
    compose digests without a brain: ``visitbot digest``)."""
    from bot.brain.topics import build_topics

    said = {t.id: (t.ask, t.answer) for t in build_topics(knowledge.record).values()}
    return {
        code: Speech(code, knowledge.languages, knowledge.record,
                     knowledge.translations.get(code), said)
        for code in knowledge.languages
    }  # fmt: skip


_TAG = re.compile(r"<(b|i)>(.*?)</\1>", re.S)
_SLOT = re.compile("\x00([0-9]+)\x00")


def styled(speech: Speech, key: str, **params: object) -> Line:
    """A fixed text as spans: its ``<b>``/``<i>`` mark the style, and the values filled in
    are never read as markup (a title with a "<" in it stays text)."""
    values = [str(v) for v in params.values()]
    marked = speech.text(key, **{k: f"\x00{n}\x00" for n, k in enumerate(params)})
    spans: Line = []
    at = 0
    for match in _TAG.finditer(marked):
        spans.append(("", marked[at : match.start()]))
        spans.append((match.group(1), match.group(2)))  # type: ignore[arg-type]
        at = match.end()
    spans.append(("", marked[at:]))
    return [(style, _SLOT.sub(lambda m: values[int(m.group(1))], text))
            for style, text in spans if text]  # fmt: skip


def translated(speech: Speech, key: str, english_text: str) -> str | None:
    """A record term said in the speech's language (``title``, ``area.railway``: see
    :func:`bot.brain.speech.english_terms`); None when its translation lacks it."""
    value = speech.term(key)
    if value == key or (speech.lang != ENGLISH and value == english_text):
        return None
    return value


def _term(speech: Speech, key: str, english_text: str) -> str:
    return translated(speech, key, english_text) or english_text


def _answer(speech: Speech, topic: str) -> str | None:
    """A topic's translated answer (None in English, or when the language lacks it)."""
    if speech.lang == ENGLISH:
        return None
    try:
        return speech.answer(topic)
    except KeyError:
        return None


# -- wording helpers -----------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in '.!?\u201d"' else text + "."


def day_month(speech: Speech, day: dtm.date) -> str:
    """'5 Feb', '5 февраля', '5 ақпан'."""
    return speech.text("digest.date", day=day.day, month=speech.text(f"digest.month.{day.month}"))


def full_date(speech: Speech, day: dtm.date) -> str:
    """'12 Mar 2025', '2025 жылғы 12 наурыз'."""
    month = speech.text(f"digest.month.{day.month}")
    return speech.text("digest.date_year", day=day.day, month=month, year=day.year)


def update_date(update: Update, speech: Speech) -> str:
    """'12 Mar 2025' from the update's YYYY-MM-DD."""
    return full_date(speech, dtm.date.fromisoformat(update.date))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9$]+", text.lower()) if len(w) > 3}


def _covered(context: str, clause: str) -> bool:
    """Whether the clause already says the context (then it is not repeated)."""
    wanted = _words(context)
    return bool(wanted) and len(wanted & _words(clause)) >= 0.6 * len(wanted)


# -- sections ------------------------------------------------------------------------------


@dataclass
class _Compose:
    """One digest being composed: the record, the language and the numbered sources."""

    record: Record
    speech: Speech
    cites: Citations = field(default_factory=Citations)

    def line(self, key: str, **params: object) -> Line:
        return styled(self.speech, key, **params)

    def header(self) -> Block:
        visit, speech = self.record.visit, self.speech
        date = speech.term("date")
        when = (
            speech.text("digest.visit_date_year", date=date, year=visit.year)
            if visit.year
            else date
        )
        title = _term(speech, "title", visit.title)
        place = speech.term("place")
        return Block([self.line("digest.header", title=title),
                      self.line("digest.header_place", place=place, when=when)])  # fmt: skip

    def headline(self) -> Block:
        """The visit in two lines: the record's own headline, one sentence a line."""
        text = _term(self.speech, "headline", self.record.visit.headline)
        lines: list[Line] = [[("", s)] for s in split_sentences(text)]
        lines[-1].append(self.cites.cite(self.record.visit.sources))
        return Block(lines)

    def agreements(self) -> Block:
        agreements, speech = self.record.agreements, self.speech
        sectors = _term(speech, "sectors", join_words(agreements.sectors))
        covering = self.line("digest.covering", sectors=sectors)
        return Block([
            self.line("digest.agreements", total=agreements.total,
                      described_as=speech.term("described_as")),
            [*covering, self.cites.cite(agreements.sources)],
        ])  # fmt: skip

    def areas(self) -> Block:
        """The named areas, grouped by their ``group`` (in the record's order)."""
        groups: dict[str, list[tuple[str, list[str]]]] = {}
        for area in self.record.agreements.named:
            short = _term(self.speech, f"area_short.{area.id}", area.short)
            groups.setdefault(area.group, []).append((short, area.sources))
        lines: list[Line] = [self.line("digest.areas")]
        for group, areas in groups.items():
            sources = [s for _, srcs in areas for s in srcs]
            shorts = self._join([short for short, _ in areas])
            name = _term(self.speech, group_key(group), group)
            lines.append([*self.line("digest.area_group", group=name, areas=shorts),
                          self.cites.cite(sources)])  # fmt: skip
        return Block(lines)

    def _join(self, items: list[str]) -> str:
        if self.speech.lang == ENGLISH:
            return join_words(items)
        return self.speech.text("digest.list_separator").join(items)

    def target(self, target: Target) -> Block:
        speech = self.speech
        figure = _term(speech, f"figure.{target.id}", target.figure)
        deadline = _term(speech, f"deadline.{target.id}", target.deadline)
        heading = speech.text("digest.target_phrase", figure=figure, deadline=deadline)
        lines: list[Line] = [self.line("digest.target", target=heading)]
        said = _answer(self.speech, target.id)
        if said is not None:
            lines.append([("", said), self.cites.cite(target.sources)])
            return Block(lines)
        person = self.record.person(target.person).short if target.person else None
        if target.clause and person:
            said = _sentence(f"{person} {target.clause}")
        else:
            said = split_sentences(target.answer)[0]
        lines.append([("", said), self.cites.cite(target.sources)])
        if target.context and not _covered(target.context, said):
            lines.append(self.line("digest.context", context=target.context))
        return Block(lines)

    def statements(self) -> Block | None:
        """The key statements, grouped by speaker."""
        by_speaker: dict[str | None, list[Statement]] = {}
        for statement in self.record.statements:
            if statement.key:
                by_speaker.setdefault(statement.speaker, []).append(statement)
        if not by_speaker:
            return None
        lines: list[Line] = [self.line("digest.statements")]
        for speaker, statements in by_speaker.items():
            if speaker:
                name = self.speech.term(f"person.{speaker}")
            else:
                name = self.speech.text("digest.both_leaders")
            lines.append(self.line("digest.speaker", name=name))
            for st in statements:
                text = _answer(self.speech, st.id) or _sentence(st.clause)
                lines.append([*self.line("digest.bullet", text=text), self.cites.cite(st.sources)])
        return Block(lines)

    def updates(self, title: Line, updates: Sequence[Update]) -> Block:
        lines: list[Line] = [title]
        for update in sorted(updates, key=lambda u: (u.date, u.id), reverse=True):
            text = translated(self.speech, f"update.{update.id}", update.text)
            if text is None:  # not translated: the English, labelled as the original
                text = self.speech.text("digest.original", text=update.text)
            line = self.line("digest.update", date=update_date(update, self.speech),
                             text=text or update.text)  # fmt: skip
            lines.append([*line, self.cites.cite([update.source], quoted=False)])
        return Block(lines)

    def sources(self) -> list[Block]:
        if not self.cites.items:
            return []
        blocks = [Block([self.line("digest.sources")])]
        numbered: list[Line] = [
            self.line("digest.source_quote", n=n, text=normalise_quotes(text))
            if quoted
            else self.line("digest.source_named", n=n, text=text)
            for n, (text, quoted) in enumerate(self.cites.items, start=1)
        ]
        for start in range(0, len(numbered), SOURCES_PER_BLOCK):
            blocks.append(Block(numbered[start : start + SOURCES_PER_BLOCK], quote=True))
        return blocks

    def summary(self) -> list[Block]:
        blocks = [self.headline(), self.agreements(), self.areas()]
        blocks += [self.target(t) for t in self.record.targets]
        statements = self.statements()
        if statements is not None:
            blocks.append(statements)
        return blocks

    def brief(self) -> list[Block]:
        named = self.record.agreements.named
        areas = self._join([_term(self.speech, f"area.{a.id}", a.short) for a in named])
        sources = [s for a in named for s in a.sources]
        lines: list[Line] = [self.line("digest.brief")]
        lines += self.headline().lines
        lines.append([*self.line("digest.areas_named", areas=areas), self.cites.cite(sources)])
        lines.append(self.line("digest.brief_more"))
        return [Block(lines)]


# -- the three digests ---------------------------------------------------------------------


def on_demand(record: Record, speech: Speech | None = None) -> Digest:
    """The full digest (``/digest``): summary, latest updates, sources."""
    c = _Compose(record, speech or english(record))
    blocks = [c.header(), *c.summary()]
    if record.updates:
        latest = sorted(record.updates, key=lambda u: (u.date, u.id))[-LATEST_UPDATES:]
        blocks.append(c.updates(c.line("digest.latest_updates"), latest))
    tail = len(blocks)
    blocks += c.sources()
    blocks.append(Block([c.line("digest.footer_on_demand")]))
    return Digest(blocks, tail)


def nothing_new(record: Record, last: dtm.date, speech: Speech | None = None) -> Digest:
    """One line: the subscriber has everything already."""
    c = _Compose(record, speech or english(record))
    title = _term(c.speech, "title", record.visit.title)
    line = c.line("digest.nothing_new", title=title, date=day_month(c.speech, last))
    return Digest([Block([line])])


def personal(
    record: Record,
    kind: Kind,
    new: Sequence[Update],
    last: dtm.date | None,
    speech: Speech | None = None,
) -> Digest:
    """A subscriber's digest: what is new to them, then the summary in brief (the full one
    is a /digest away). ``new``: updates they have not received; ``last``: the date of their
    last digest (None: this is their first). A scheduled digest with nothing new is one line;
    the admin's broadcast (``kind="broadcast"``) always carries the summary."""
    if kind == "on_demand":
        return on_demand(record, speech)
    if kind == "scheduled" and last is not None and not new:
        return nothing_new(record, last, speech)
    c = _Compose(record, speech or english(record))
    blocks = [c.header()]
    if new:
        if last is not None:
            title = c.line("digest.new_since", date=day_month(c.speech, last))
        else:
            title = c.line("digest.updates")
        blocks.append(c.updates(title, new))
    blocks += c.brief()
    tail = len(blocks)
    blocks += c.sources()
    blocks.append(Block([c.line("digest.footer_personal")]))
    return Digest(blocks, tail)
