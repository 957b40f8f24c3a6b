"""What the commands show, composed from the record (and the brain's topics), never typed in.

Every fact here comes from ``brain.record``, so another record file gives other pages with no
code change. Only the frame (headings, "Ask me...", emoji) is written here. Text from the
record is escaped: it is data, not markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.brain import Brain
from bot.brain.topics import join_words as join
from bot.formatting import excerpt, truncate
from bot.keyboards import button, example_data, rows, topic_data
from knowledge.models import Record


@dataclass(frozen=True)
class View:
    text: str  # Telegram HTML, within the message limit
    keyboard: InlineKeyboardMarkup | None = None


def e(text: str) -> str:
    return escape(text, quote=False)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def quote(sentence: str) -> str:
    return f"<blockquote expandable>\U0001f4c4 {e(sentence)}</blockquote>"


def example_buttons(record: Record) -> list[InlineKeyboardButton]:
    return [button(q, example_data(i)) for i, q in enumerate(record.examples)]


def topic_buttons(brain: Brain, ids: Iterable[str]) -> list[InlineKeyboardButton]:
    """Buttons asking the topics' canonical questions (unknown ids are skipped)."""
    return [button(brain.topics[i].ask, topic_data(i)) for i in ids if i in brain.topics]


def commands_list(commands: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"/{name} \u2013 {e(description)}" for name, description in commands)


def welcome(record: Record, first_name: str | None = None) -> View:
    hello = f"Hello, {excerpt(first_name)}!" if first_name else "Hello!"
    text = (
        f"{hello} I answer questions about {e(record.scope)}.\n\n"
        "Ask in your own words (typos are fine); each answer quotes the sentence of the "
        "source it comes from. Tap a question to start, or see /help."
    )
    return View(text, rows(example_buttons(record)))


def help_page(record: Record, commands: Sequence[tuple[str, str]], username: str | None) -> View:
    sample = record.examples[0] if record.examples else "your question"
    inline = (
        f"\n\nIn any chat, type <code>@{e(username)} {e(sample)}</code> to share an answer there."
        if username
        else ""
    )
    text = (
        f"<b>What to ask</b>\nAnything about {e(record.scope)}. Ask in your own words; "
        "typos are fine, and follow-ups such as \u201cand what did he say?\u201d work. "
        "Tap a suggested question to go on.\n\n"
        f"<b>Commands</b>\n{commands_list(commands)}"
        f"{inline}\n\nIn a group, mention me or reply to one of my messages."
    )
    return View(truncate(text), rows(example_buttons(record)))


def about(record: Record) -> View:
    """The visit in five lines: what, when and where, the headline, where to go next."""
    visit = record.visit
    when = visit.date + (f" {visit.year}" if visit.year else "")
    where = visit.place + (f", {visit.venue}" if visit.venue else "")
    text = (
        f"<b>{e(visit.title)}</b>\n"
        f"\U0001f4c5 {e(when)} \u00b7 \U0001f4cd {e(where)}\n"
        f"{e(visit.headline)}\n"
        "More: /agreements \u00b7 /leaders \u00b7 /targets \u00b7 /source"
    )
    return View(truncate(text), rows(example_buttons(record)))


def agreements(brain: Brain) -> View:
    record = brain.record
    deals = record.agreements
    named = deals.named
    groups: dict[str, list[str]] = {}
    for area in named:
        groups.setdefault(area.group, []).append(e(area.name))
    listed = "\n".join(f"\u2022 <b>{e(g)}</b>: {'; '.join(names)}" for g, names in groups.items())
    text = (
        f"<b>{deals.total} {e(deals.described_as)}</b> signed, covering "
        f"{e(join(deals.sectors))}.\n\n"
        f"The record names {len(named)} of them:\n{listed}\n\n{quote(deals.sources[0])}"
    )
    buttons = [button(capital(area.short), topic_data(area.id)) for area in named]
    return View(truncate(text), rows(buttons, per_row=2))


def leaders(brain: Brain) -> View:
    record = brain.record
    parts = [f"<b>{e(p.name)}</b>, {e(p.role)}\n{e(p.answer)}" for p in record.people]
    buttons: list[InlineKeyboardButton] = []
    for person in record.people:
        buttons.append(button(person.short, topic_data(person.id)))
        said = f"{person.id}_said"
        if said in brain.topics:
            buttons.append(button(brain.topics[said].ask, topic_data(said)))
    return View(truncate("\n\n".join(parts)), rows(buttons, per_row=2))


def targets(brain: Brain) -> View:
    record = brain.record
    if not record.targets:
        return View("The record sets no targets.")
    parts = [
        f"\U0001f3af <b>{e(t.figure)}</b> \u00b7 {e(t.deadline)}\n"
        f"{e(t.answer)}\n{quote(t.sources[0])}"
        for t in record.targets
    ]
    deeper = dict.fromkeys(n for t in record.targets for n in t.next)
    return View(truncate("\n\n".join(parts)), rows(topic_buttons(brain, deeper)))


def source(brain: Brain, sentences: int) -> View:
    record = brain.record
    visit = record.visit
    text = (
        "<b>Where the facts come from</b>\n"
        f"Everything I say comes from one document on {e(visit.title)} ({e(visit.date)}, "
        f"{e(visit.place)}), kept word for word in <code>{e(record.source_file)}</code> "
        f"({sentences} sentences). "
        "Every answer quotes the sentence it rests on, and I say so when the source does "
        "not tell.\n\nIt begins:\n"
        f"{quote(visit.sources[0])}"
    )
    return View(truncate(text))
