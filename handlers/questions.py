"""Text messages are questions for the brain; other messages get a hint (or silence).

Thin on purpose: take the text, ask the brain with the chat's conversation memory, send the
answer. All understanding is in the brain; all wording of facts is in the record.
"""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.outbox import outbox_of
from handlers.chat_action import typing_shown
from handlers.common import (
    CallbackCtx,
    conversation,
    language_of,
    record_question,
    reply_to,
    send_answer,
    services,
    speech_for,
    state_of,
)
from handlers.guards import addressed, without_mention


async def question(update: Update, context: CallbackCtx) -> None:
    """Any text (new or edited) addressed to the bot is a question, and so is the caption of
    a photo or other media: people send a screenshot and ask about it underneath."""
    message = update.effective_message
    said = (message.text or message.caption) if message is not None else None
    if message is None or not said or not addressed(message, context):
        return
    text = without_mention(said, context.bot.username)
    chat_id = message.chat_id
    brain = services(context).brain
    lang = language_of(update, context)
    # "typing…" while the reply waits for the chat's previous one or for Telegram
    async with typing_shown(context.bot, chat_id), state_of(context.bot_data).chat_lock(chat_id):
        answer = brain.answer(text, conversation(context.chat_data), lang)
        # logged whatever happens to the reply; its row is what the reply's 👍 / 👎 rate
        ref = record_question(context, chat_id, text, answer, chat_lang=lang)
        await outbox_of(context.bot_data).deliver(  # an outage delays the answer, never loses it
            chat_id,
            lambda: send_answer(context, chat_id, answer, question_message=message, vote=ref),
        )


async def not_text(update: Update, context: CallbackCtx) -> None:
    """Stickers, photos, voice, locations...: a hint in private chats or when addressed."""
    message = update.effective_message
    if message is None or not addressed(message, context):
        return
    speech = speech_for(update, context)
    example = speech.examples[0] if speech.examples else speech.text("help.sample")
    await context.bot.send_message(
        message.chat_id,
        escape(speech.text("text_only", example=example), quote=False),
        reply_parameters=reply_to(message),
    )


async def joined_group(update: Update, context: CallbackCtx) -> None:
    """Added to a group: say how to talk to the bot there, once."""
    message = update.effective_message
    if message is None or not message.new_chat_members:
        return
    if not any(member.id == context.bot.id for member in message.new_chat_members):
        return
    text = speech_for(update, context).text("joined")  # the member who added the bot
    await context.bot.send_message(message.chat_id, escape(text, quote=False))
