"""The error handler: log what failed with enough context to find it, tell the user, go on.

Transport trouble (Telegram unreachable, timeouts, 429s that outlasted the retries) is logged
as a warning without a traceback and not reported to the user: a read timeout usually means
the reply *was* delivered, and when Telegram is unreachable a notice would not arrive
either. Anything else is a bug: logged with its traceback and the update's ids (not the
user's text, not the token), and the user hears that something went wrong.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from handlers.common import CallbackCtx, speech_for

log = logging.getLogger(__name__)

SORRY = "error.sorry"  # the fixed text's key (knowledge/languages/<code>/ui.yaml)


def describe(update: object) -> str:
    """Where an error happened: update id, kind, chat and user ids (no message text)."""
    if not isinstance(update, Update):
        return "no update" if update is None else type(update).__name__
    kind = next(
        (
            k
            for k in ("message", "edited_message", "callback_query", "inline_query")
            if getattr(update, k) is not None
        ),
        "update",
    )
    chat = update.effective_chat.id if update.effective_chat else None
    user = update.effective_user.id if update.effective_user else None
    return f"update {update.update_id} ({kind}, chat {chat}, user {user})"


async def on_error(update: object, context: CallbackCtx) -> None:
    error = context.error
    where = describe(update)
    if isinstance(error, Forbidden):
        log.info("%s: the user blocked the bot or removed it (%s)", where, error)
        return
    if isinstance(error, Conflict):
        log.error("another instance is using this bot token (%s); stop one of them", error)
        return
    transport = isinstance(error, NetworkError | RetryAfter) and not isinstance(error, BadRequest)
    if transport:
        log.warning("%s: Telegram transport trouble: %r", where, error)
        return
    log.error("%s: handler failed", where, exc_info=error)
    if isinstance(update, Update):
        await _tell_user(update, context)


async def _tell_user(update: Update, context: CallbackCtx) -> None:
    sorry = speech_for(update, context).text(SORRY)  # a store error reads as no choice
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(sorry)
                return
            except BadRequest:
                pass  # already answered: fall back to a message in the chat
        if update.effective_chat is not None and update.inline_query is None:
            await context.bot.send_message(update.effective_chat.id, sorry)
    except TelegramError as error:
        log.warning("could not tell the user about the error: %r", error)
