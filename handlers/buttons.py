"""Button presses: ask a suggested question, pick a "did you mean" option, show sources.
The answer to a press is logged like a typed question's (marked as a tap), so it can be
voted on too.

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
from bot.brain.speech import Speech
from bot.formatting import sources_html
from bot.keyboards import PICK, SOURCES, Pressed
from bot.questionlog import BUTTON
from handlers.chat_action import typing_shown
from handlers.common import (
    EXPIRED,
    CallbackCtx,
    answer_press,
    button_memory,
    conversation,
    language_of,
    record_question,
    reply_to,
    send_answer,
    services,
    speech_in,
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
    lang = language_of(update, context)
    if found is None or not isinstance(message, Message):
        await answer_press(context, query, speech_in(context, lang).text(EXPIRED))
        return
    await answer_press(context, query)
    chat_id = message.chat_id
    if found.action == SOURCES:
        await context.bot.send_message(
            chat_id,
            sources_html(found.sources, speech_in(context, lang)),
            reply_parameters=reply_to(message, always=True),
        )
        return
    label = pressed_label(message, query.data or "") or found.question or ""
    if found.action == PICK:
        await _close_choice(message, label, speech_in(context, lang))
    async with typing_shown(context.bot, chat_id), state.chat_lock(chat_id):
        answer = _answer(context, found, label, lang)
        heading = None if found.action == PICK else label
        if found.topic is not None:
            heading = None if heading is None else speech_in(context, answer.lang).ask(found.topic)
        ref = record_question(context, chat_id, label, answer, chat_lang=lang, via=BUTTON)
        await send_answer(context, chat_id, answer, heading=heading, vote=ref)


def _answer(context: CallbackCtx, found: Pressed, label: str, lang: str | None) -> Answer:
    """A suggestion is answered by its topic, not re-read, in the language its button was
    written in (a Russian button in an English chat answers in Russian); other buttons
    (examples, "did you mean" options) are asked as written."""
    brain, memory = services(context).brain, conversation(context.chat_data)
    if found.topic is None:
        return brain.tap(label, memory, lang)
    written = next(
        (code for code, s in brain.speeches.items() if label == s.ask(found.topic)), None
    )
    if written is None:  # a page's button ("Railway"): its words tell, else the chat's language
        written = brain.detector.choose(label, lang) if label else lang
    return brain.answer_topic(found.topic, memory, written)


def pressed_label(message: Message, data: str) -> str | None:
    """The label of the button that was pressed: the question as the user read it."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup is not None else ():
        for found in row:
            if found.callback_data == data:
                return found.text
    return None


async def _close_choice(message: Message, question: str, speech: Speech) -> None:
    """Turn the "did you mean" prompt into a record of the choice (its buttons go)."""
    text = speech.text("choice.made", question=escape(question, quote=False))
    try:
        await message.edit_text(text)
    except BadRequest as error:  # too old to edit, or pressed twice: the answer still follows
        log.info("could not edit the did-you-mean message: %s", error)
