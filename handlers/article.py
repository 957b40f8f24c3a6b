"""The record itself in Telegram: its full text (a button under /source), /find WORD... in its
sentences, and /card, the visit on one picture (also a button under /about).

Buttons carry short data the catch-all button handler never sees (registered before it):

    ft          the full text               cd          the card
    fd:<n>:<m>  /find's next sentences, from the n-th, for the words in button memory m

A card is drawn once per record fingerprint and language; after its first upload Telegram's
``file_id`` is sent instead of the picture (kept in ``bot_data``, so a restart uploads once
more). Drawing takes a fraction of a second of CPU, so it runs in a thread, after the
"sending a photo" chat action.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot import article
from bot.article import Found
from bot.brain import Brain
from bot.brain.speech import Speech
from bot.card import card_language, card_png
from bot.formatting import excerpt, truncate
from bot.keyboards import button, rows
from handlers.chat_action import typing_shown
from handlers.common import (
    CallbackCtx,
    Command,
    answer_press,
    button_memory,
    language_of,
    reply_to,
    services,
    speech_for,
    speech_in,
)
from handlers.views import CARD, FULL_TEXT

log = logging.getLogger(__name__)

MORE = "fd:"
_MORE = re.compile(r"fd:([0-9]{1,4}):([0-9]{1,9})")
CARDS_KEY = "cards"


@dataclass
class CardFiles:
    """Telegram's file_id of each card sent: (record fingerprint, language) -> file_id."""

    file_ids: dict[tuple[str, str], str] = field(default_factory=dict)


def cards_of(bot_data: Any) -> CardFiles:
    found = bot_data.get(CARDS_KEY)
    if not isinstance(found, CardFiles):
        found = bot_data[CARDS_KEY] = CardFiles()
    return found


def _brain(context: CallbackCtx) -> Brain:
    return services(context).brain


def example_word(brain: Brain) -> str:
    """A word of the record to show in /find's hints: the guest's family name."""
    record = brain.record
    guest = next((p for p in record.people if p.id == record.visit.guest), None)
    person = guest or (record.people[0] if record.people else None)
    return person.name.split()[-1] if person else ""


# -- /find ---------------------------------------------------------------------------------


def found_page(found: Found, speech: Speech, start: int, memory_key: int) -> tuple[str, Any]:
    """One message of a search: the title, up to SHOWN sentences, and a "more" button."""
    words = excerpt(" ".join(found.words))
    shown = found.sentences[start : start + article.SHOWN]
    count = len(found.sentences)
    lines = [f"<b>{speech.text('find.title', words=words, count=count)}</b>"]
    lines += [f"\u2022 {article.marked_html(s)}" for s in shown]
    end = start + len(shown)
    markup = None
    if end < count:
        lines.append(speech.text("find.more_left", shown=end, count=count))
        data = f"{MORE}{end}:{memory_key}"
        markup = rows([button(speech.text("find.more_button"), data)])
    return truncate("\n\n".join(lines)), markup


def not_found(found: Found, speech: Speech, example: str) -> str:
    """Nothing found: say so politely, and what to try (a corrected or English word)."""
    said = speech.text("find.none", words=excerpt(" ".join(found.words)))
    if found.suggestions:
        searches = speech.text("find.try_separator").join(
            f"<code>/find {escape(s, quote=False)}</code>" for s in found.suggestions
        )
        return f"{said} {speech.text('find.try', searches=searches)}"
    return f"{said}\n\n{speech.text('find.hint', example=escape(example, quote=False))}"


async def find_command(update: Update, context: CallbackCtx) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    brain, speech = _brain(context), speech_for(update, context)
    words = article.query_words(context.args or [])
    example = example_word(brain)
    markup: InlineKeyboardMarkup | None = None
    if not words:
        text = speech.text("find.usage", example=escape(example, quote=False))
    else:
        found = article.find(brain, words)  # in this thread: the store connection is its
        if found.sentences:
            key = button_memory(context.chat_data).put(found.words)
            text, markup = found_page(found, speech, 0, key)
        else:
            text = not_found(found, speech, example)
    await context.bot.send_message(
        chat.id, text, reply_markup=markup, reply_parameters=reply_to(update.effective_message)
    )


async def more_pressed(update: Update, context: CallbackCtx) -> None:
    """The next sentences of a search (the words are in the chat's button memory)."""
    query = update.callback_query
    if query is None:
        return
    speech = speech_for(update, context)
    match = _MORE.fullmatch(query.data or "")
    words = button_memory(context.chat_data).get(int(match[2])) if match else None
    chat = update.effective_chat
    if match is None or not isinstance(words, tuple) or chat is None:
        await answer_press(context, query, speech.text("find.expired"))
        return
    await answer_press(context, query)
    found = article.find(_brain(context), words)
    start = int(match[1])
    if start >= len(found.sentences):
        return
    text, markup = found_page(found, speech, start, int(match[2]))
    await context.bot.send_message(chat.id, text, reply_markup=markup)


# -- the full text -------------------------------------------------------------------------


async def full_text_pressed(update: Update, context: CallbackCtx) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    await answer_press(context, query)
    brain, speech = _brain(context), speech_for(update, context)
    parts = article.full_text_parts(brain)
    title = escape(speech.term("title"), quote=False)
    for n, part in enumerate(parts, 1):
        heading = speech.text("source.part", title=title, n=n, total=len(parts))
        await context.bot.send_message(chat.id, f"{heading}\n\n{escape(part, quote=False)}")


# -- /card ---------------------------------------------------------------------------------


async def send_card(
    update: Update, context: CallbackCtx, chat_id: int, question: Message | None = None
) -> None:
    """The card in the chat's language: Telegram's file_id if it has been sent before, else
    drawn and uploaded (and its file_id kept)."""
    brain = _brain(context)
    lang = card_language(language_of(update, context))
    speech = speech_in(context, lang)
    key = (brain.knowledge.fingerprint, speech.lang)
    caption = speech.text("card.caption", title=escape(speech.term("title"), quote=False))
    files = cards_of(context.bot_data)
    known = files.file_ids.get(key)
    reply = reply_to(question)
    if known is not None:
        try:
            await context.bot.send_photo(chat_id, known, caption=caption, reply_parameters=reply)
            return
        except BadRequest as error:  # a file_id Telegram no longer knows: upload again
            log.info("card file_id refused (%s); uploading the card again", error)
            files.file_ids.pop(key, None)
    try:
        # the client shows "sending a photo..." while the card is drawn in a thread
        async with typing_shown(context.bot, chat_id, after=0, action=ChatAction.UPLOAD_PHOTO):
            _, png = await asyncio.to_thread(card_png, brain, speech.lang)
    except Exception:
        log.exception("could not draw the card (%s)", speech.lang)
        await context.bot.send_message(chat_id, speech.text("card.failed"), reply_parameters=reply)
        return
    sent = await context.bot.send_photo(
        chat_id, png, caption=caption, filename="visit.png", reply_parameters=reply
    )
    if sent.photo:
        files.file_ids[key] = sent.photo[-1].file_id


async def card_command(update: Update, context: CallbackCtx) -> None:
    chat = update.effective_chat
    if chat is not None:
        await send_card(update, context, chat.id, update.effective_message)


async def card_pressed(update: Update, context: CallbackCtx) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    await answer_press(context, query)
    await send_card(update, context, chat.id)


def register(application: Any) -> None:
    """/find and /card, their buttons and the full-text button (before the catch-all button
    handler; the menu lists them in ``handlers.commands.MENU_COMMANDS``)."""
    application.add_handler(Command("find", find_command))
    application.add_handler(Command("card", card_command))
    application.add_handler(CallbackQueryHandler(full_text_pressed, pattern=f"^{FULL_TEXT}$"))
    application.add_handler(CallbackQueryHandler(card_pressed, pattern=f"^{CARD}$"))
    application.add_handler(CallbackQueryHandler(more_pressed, pattern=f"^{MORE}"))
