"""What the commands show, composed from the record (and the brain's topics), never typed in.

Every fact here comes from ``brain.record``, said in one language by a
:class:`~bot.brain.speech.Speech`: the record's phrases from its translation (``visit.<code>.yaml``,
English from the record itself), the frame (headings, "Ask me...") from the language's
``ui.yaml``. So another record file or another language gives other pages with no code
change. Text from the record is escaped: it is data, not markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.brain import Brain
from bot.brain.speech import Speech, group_key
from bot.formatting import excerpt, quote_html, truncate
from bot.keyboards import (
    MENU_BACK,
    MENU_ROOT,
    MENU_START,
    button,
    example_data,
    menu_group_data,
    rows,
    topic_data,
)

CARD = "cd"  # the button data of /card's picture (handlers.article answers it)
FULL_TEXT = "ft"  # the button data of the record's full text (handlers.article)


@dataclass(frozen=True)
class View:
    text: str  # Telegram HTML, within the message limit
    keyboard: InlineKeyboardMarkup | None = None


def e(text: str) -> str:
    return escape(text, quote=False)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def quote(sentence: str, speech: Speech) -> str:
    return quote_html(sentence, speech)


def example_buttons(speech: Speech) -> list[InlineKeyboardButton]:
    return [button(q, example_data(i)) for i, q in enumerate(speech.examples)]


def topic_buttons(brain: Brain, speech: Speech, ids: Iterable[str]) -> list[InlineKeyboardButton]:
    """Buttons asking the topics' canonical questions (unknown ids are skipped)."""
    return [button(speech.ask(i), topic_data(i)) for i in ids if i in brain.topics]


def commands_list(speech: Speech, commands: Sequence[tuple[str, str]]) -> str:
    return "\n".join(
        speech.text("help.command", name=name, description=e(text)) for name, text in commands
    )


def term(speech: Speech, key: str) -> str:
    """A record phrase in ``speech``'s language, escaped for HTML."""
    return e(speech.term(key))


def welcome(speech: Speech, first_name: str | None = None) -> View:
    if first_name:
        hello = speech.text("welcome.hello_name", name=excerpt(first_name))
    else:
        hello = speech.text("welcome.hello")
    text = f"{hello} {speech.text('welcome.body', scope=term(speech, 'scope'))}"
    topics = button(speech.text("button.topics"), MENU_ROOT)  # everything, from the start
    return View(text, rows([*example_buttons(speech), topics]))


def help_page(speech: Speech, commands: Sequence[tuple[str, str]], username: str | None) -> View:
    sample = speech.examples[0] if speech.examples else speech.text("help.sample")
    inline = (
        "\n\n" + speech.text("help.inline", username=e(username), sample=e(sample))
        if username
        else ""
    )
    text = (
        f"<b>{speech.text('help.title')}</b>\n"
        f"{speech.text('help.body', scope=term(speech, 'scope'))}\n\n"
        f"<b>{speech.text('help.commands')}</b>\n{commands_list(speech, commands)}"
        f"{inline}\n\n{speech.text('help.groups')}"
    )
    return View(truncate(text), rows(example_buttons(speech)))


def about(brain: Brain, speech: Speech) -> View:
    """The visit in five lines: what, when and where, the headline, where to go next."""
    visit = brain.record.visit
    when = term(speech, "date") + (f" {term(speech, 'year')}" if visit.year else "")
    where = term(speech, "place") + (f", {term(speech, 'venue')}" if visit.venue else "")
    text = (
        f"<b>{term(speech, 'title')}</b>\n"
        f"{speech.text('about.when_where', when=when, where=where)}\n"
        f"{term(speech, 'headline')}\n"
        f"{speech.text('about.more')}"
    )
    card = button(speech.text("card.button"), CARD)
    return View(truncate(text), rows([card, *example_buttons(speech)]))


def agreements(brain: Brain, speech: Speech) -> View:
    deals = brain.record.agreements
    named = deals.named
    groups: dict[str, list[str]] = {}
    for area in named:
        groups.setdefault(area.group, []).append(term(speech, f"area.{area.id}"))
    separator = speech.text("agreements.separator")
    listed = "\n".join(
        speech.text("agreements.group", group=term(speech, group_key(g)), names=separator.join(n))
        for g, n in groups.items()
    )
    summary = speech.text(
        "agreements.summary",
        total=deals.total,
        described_as=term(speech, "described_as"),
        sectors=term(speech, "sectors"),
    )
    text = (
        f"{summary}\n\n{speech.text('agreements.named', count=len(named))}\n{listed}\n\n"
        f"{quote(deals.sources[0], speech)}"
    )
    buttons = [
        button(capital(speech.term(f"area_short.{area.id}")), topic_data(area.id)) for area in named
    ]
    return View(truncate(text), rows(buttons, per_row=2))


def leaders(brain: Brain, speech: Speech) -> View:
    record = brain.record
    parts = [
        speech.text(
            "leaders.person",
            name=term(speech, f"name.{p.id}"),
            role=term(speech, f"role.{p.id}"),
            answer=e(speech.answer(p.id)),
        )
        for p in record.people
    ]
    buttons: list[InlineKeyboardButton] = []
    for person in record.people:
        buttons.append(button(speech.term(f"person.{person.id}"), topic_data(person.id)))
        said = f"{person.id}_said"
        if said in brain.topics:
            buttons.append(button(speech.ask(said), topic_data(said)))
    return View(truncate("\n\n".join(parts)), rows(buttons, per_row=2))


def targets(brain: Brain, speech: Speech) -> View:
    record = brain.record
    if not record.targets:
        return View(speech.text("targets.none"))
    parts = [
        speech.text(
            "targets.target",
            figure=term(speech, f"figure.{t.id}"),
            deadline=term(speech, f"deadline.{t.id}"),
            answer=e(speech.answer(t.id)),
        )
        + f"\n{quote(t.sources[0], speech)}"
        for t in record.targets
    ]
    deeper = dict.fromkeys(n for t in record.targets for n in t.next)
    return View(truncate("\n\n".join(parts)), rows(topic_buttons(brain, speech, deeper)))


def source(brain: Brain, speech: Speech, sentences: int) -> View:
    record = brain.record
    visit = record.visit
    body = speech.text(
        "source.body",
        title=term(speech, "title"),
        date=term(speech, "date"),
        place=term(speech, "place"),
        file=e(record.source_file),
        sentences=sentences,
    )
    text = (
        f"<b>{speech.text('source.title')}</b>\n{body}\n\n{speech.text('source.begins')}\n"
        f"{quote(visit.sources[0], speech)}"
    )
    return View(truncate(text), rows([button(speech.text("source.full_button"), FULL_TEXT)]))


def topics_menu(brain: Brain, speech: Speech) -> View:
    """Everything the bot knows, one button per group of the record's menu (a group of one
    topic asks it at once), and the way back to the start."""
    buttons = [
        button(speech.term(g.label), topic_data(g.topics[0]))
        if len(g.topics) == 1
        else button(speech.term(g.label), menu_group_data(g.id))
        for g in brain.menu
    ]
    buttons.append(button(speech.text("button.home"), MENU_START))
    return View(speech.text("topics.title"), rows(buttons, per_row=2))


def topics_group(brain: Brain, speech: Speech, group_id: str) -> View | None:
    """One group's questions, and the way back to all topics; None for an unknown group."""
    group = next((g for g in brain.menu if g.id == group_id), None)
    if group is None:
        return None
    buttons = topic_buttons(brain, speech, group.topics)
    buttons.append(button(speech.text("button.back"), MENU_BACK))
    text = speech.text("topics.group", group=term(speech, group.label))
    return View(text, rows(buttons))
