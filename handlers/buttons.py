"""Button presses: ask a suggested question, pick a "did you mean" option, show sources.

Every press is answered (``answerCallbackQuery``) once, first, so the user's client stops
its spinner; best effort, as a late press can no longer be answered but still acts. Data
that is forged, stale or empty gets a short "expired" answer and changes nothing.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Message, Update
from telegram.error import BadRequest

from bot.answer import Answer
from bot.formatting import sources_html
from bot.keyboards import PICK, SOURCES
from handlers.common import (
    EXPIRED,
    CallbackCtx,
    answer_press,
    button_memory,
    conversation,
    reply_to,
    send_answer,
    services,
    state_of,
)

log = logging.getLogger(__name__)

__all__ = ["EXPIRED", "pressed"]


async def pressed(update: Update, context: CallbackCtx) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message
    state = state_of(context.bot_data)
    found = state.keys.decode(query.data or "", button_memory(context.chat_data))
    if found is None or not isinstance(message, Message):
        await answer_press(context, query, EXPIRED)
        return
    await answer_press(context, query)
    chat_id = message.chat_id
    if found.action == SOURCES:
        await context.bot.send_message(
            chat_id,
            sources_html(Answer("", False, "sources", 1.0, sources=found.sources)),
            reply_parameters=reply_to(message, always=True),
        )
        return
    question = found.question or ""
    if found.action == PICK:
        await _close_choice(message, question)
    lock = state.chat_lock(chat_id)
    async with lock:
        brain, memory = services(context).brain, conversation(context.chat_data)
        if found.topic is not None:  # a suggestion is answered by its topic, not re-read
            answer = brain.answer_topic(found.topic, memory)
        else:
            answer = brain.answer(question, memory)
        await send_answer(
            context, chat_id, answer, heading=None if found.action == PICK else question
        )


async def _close_choice(message: Message, question: str) -> None:
    """Turn the "did you mean" prompt into a record of the choice (its buttons go)."""
    text = f"You chose: <b>{escape(question, quote=False)}</b>"
    try:
        await message.edit_text(text)
    except BadRequest as error:  # too old to edit, or pressed twice: the answer still follows
        log.info("could not edit the did-you-mean message: %s", error)
