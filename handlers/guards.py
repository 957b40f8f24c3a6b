"""Who the bot listens to: flood control for every chat, and addressing rules in groups.

In a group the bot answers commands, messages that mention it and replies to its own
messages, and stays quiet otherwise (other people are talking to each other).
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Chat, Message, Update
from telegram.constants import MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.ratelimit import FloodKey
from handlers.common import (
    CallbackCtx,
    answer_press,
    is_group,
    reply_to,
    speech_for,
    state_of,
)

log = logging.getLogger(__name__)

SLOW_DOWN = "flood.notice"  # the one notice of a burst: each question skipped after it is
# covered by it (the keys of fixed texts, knowledge/languages/<code>/ui.yaml)
SLOW_DOWN_SHORT = "flood.short"


async def flood_guard(update: Update, context: CallbackCtx) -> None:
    """Runs before every other handler (group -1). Holds a message back briefly when its
    sender goes over their rate, drops it when far over, telling them once per burst (a
    dropped button press always hears it). In a group each member has their own rate, so one
    member's spam never costs the others their answers."""
    gate = state_of(context.bot_data).gate
    chat = update.effective_chat
    if gate is None or chat is None or not wants_reply(update, context):
        return
    key = flood_key(update, chat)
    verdict = gate.admit(key)
    if verdict.admit:
        if verdict.wait:
            await asyncio.sleep(verdict.wait)
        return
    log.info("%s is flooding; dropped update %s", key, update.update_id)
    if update.callback_query is not None:
        text = speech_for(update, context).text(SLOW_DOWN_SHORT)
        await answer_press(context, update.callback_query, text)
    elif verdict.warn:
        try:
            message = update.effective_message
            text = speech_for(update, context).text(SLOW_DOWN)
            await context.bot.send_message(chat.id, text, reply_parameters=reply_to(message))
        except TelegramError as error:
            log.info("could not tell %s to slow down: %s", key, error)
    raise ApplicationHandlerStop


def flood_key(update: Update, chat: Chat) -> FloodKey:
    """Whose rate an update counts against: the chat in private, the member in a group (the
    sender chat for anonymous admins and channels posting there)."""
    if not is_group(chat):
        return chat.id
    message = update.effective_message
    sender = message.sender_chat if message is not None else None
    user = update.effective_user
    who = sender.id if sender is not None else user.id if user is not None else chat.id
    return (chat.id, who)


def wants_reply(update: Update, context: CallbackCtx) -> bool:
    """Updates the bot acts on (only these count against a chat's rate): button presses, and
    messages in private chats or addressed to the bot in groups. A busy group talking among
    itself is not flooding the bot."""
    if update.callback_query is not None:
        return True
    message = update.effective_message
    if message is None or update.inline_query is not None:
        return False  # membership changes and the like
    return addressed(message, context) or is_command_for_us(message, context.bot.username)


def is_command_for_us(message: Message, username: str | None) -> bool:
    """``/cmd`` or ``/cmd@ourbot`` at the start of the message (not ``/cmd@otherbot``)."""
    entities = message.entities or ()
    if not entities or entities[0].type != MessageEntityType.BOT_COMMAND or entities[0].offset:
        return False
    command = message.parse_entity(entities[0])
    _, _, target = command.partition("@")
    return not target or target.lower() == (username or "").lower()


def mentions_bot(message: Message, username: str | None, bot_id: int) -> bool:
    text_entities = message.parse_entities() or message.parse_caption_entities()
    wanted = f"@{username.lower()}" if username else None
    for entity, text in text_entities.items():
        if entity.type == MessageEntityType.MENTION and text.lower() == wanted:
            return True
        user = entity.user if entity.type == MessageEntityType.TEXT_MENTION else None
        if user is not None and user.id == bot_id:
            return True
    return False


def replies_to_bot(message: Message, bot_id: int) -> bool:
    original = message.reply_to_message
    return bool(original and original.from_user and original.from_user.id == bot_id)


def addressed(message: Message, context: CallbackCtx) -> bool:
    """Private chats always; groups only when the bot is mentioned or replied to."""
    if not is_group(message.chat):
        return message.chat.type == "private"
    bot = context.bot
    return mentions_bot(message, bot.username, bot.id) or replies_to_bot(message, bot.id)


def without_mention(text: str, username: str | None) -> str:
    """'@visit_bot, when was it?' -> 'when was it?'"""
    if not username:
        return text.strip()
    stripped = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return stripped.strip(" \t\n,:;-")
