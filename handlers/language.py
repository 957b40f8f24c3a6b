"""/language: a chat chooses the language the bot replies in, with one button per language.

Each button names its language in itself (Русский, اردو, Қазақша); the languages are the
bot's language profiles (``knowledge/languages/<code>/profile.yaml``), so a curator's new
language appears here with no code. The choice is kept in the store (bot/chat_languages.py)
through the store writer, so it survives restarts. In a group only its admins (and the
bot's admins) may change it, as for the digest. The confirmation is said in the new language.
A message written in another language still gets its answer in that language; the setting
stays.
"""

from __future__ import annotations

import datetime as dtm
import logging
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot import chat_languages
from bot.keyboards import button, rows
from bot.storewriter import store_writer_of
from handlers.common import (
    CallbackCtx,
    Command,
    answer_press,
    reply_to,
    services,
    speech_for,
    speech_in,
)
from handlers.permissions import ADMINS_ONLY_LANGUAGE, may_manage
from handlers.views import e

log = logging.getLogger(__name__)

PREFIX = "lang:"
PATTERN = r"^lang:"


def language_keyboard(context: CallbackCtx) -> Any:
    speeches = services(context).brain.speeches
    buttons = [button(s.profile.native, f"{PREFIX}{code}") for code, s in speeches.items()]
    return rows(buttons)


async def language_command(update: Update, context: CallbackCtx) -> None:
    """The choice of languages, asked in the chat's current language."""
    chat = update.effective_chat
    if chat is None:
        return
    text = speech_for(update, context).text("language.prompt")
    await context.bot.send_message(
        chat.id,
        text,
        reply_markup=language_keyboard(context),
        reply_parameters=reply_to(update.effective_message),
    )


async def language_pressed(update: Update, context: CallbackCtx) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    lang = (query.data or "").removeprefix(PREFIX)
    if lang not in services(context).brain.speeches:
        await answer_press(context, query, speech_for(update, context).text("button.expired"))
        return
    if not await may_manage(update, context):
        refused = speech_for(update, context).text(ADMINS_ONLY_LANGUAGE)
        await answer_press(context, query, refused, alert=True)
        return
    await _write(context, chat.id, lang)
    await answer_press(context, query)
    speech = speech_in(context, lang)
    done = speech.text("language.chosen", scope=e(speech.term("scope")))
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(done)  # the prompt becomes the confirmation
            return
        except BadRequest as error:  # too old to edit: say it in a message of its own
            log.info("could not edit the /language message: %s", error)
    await context.bot.send_message(chat.id, done)


async def _write(context: CallbackCtx, chat_id: int, lang: str) -> None:
    """The choice, through the store writer (one thread for all writes), or here if none."""
    now = dtm.datetime.now(dtm.UTC)
    writer = store_writer_of(context.bot_data)
    if writer is None:
        chat_languages.choose(services(context).db, chat_id, lang, now)
        return
    await writer.run(lambda db: chat_languages.choose(db, chat_id, lang, now), "language choice")


def register(application: Any) -> None:
    """/language and its buttons (before the general button handler, which would take them)."""
    application.add_handler(Command("language", language_command))
    application.add_handler(CallbackQueryHandler(language_pressed, pattern=PATTERN))
