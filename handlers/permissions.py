"""Who may change a chat's digest or language: anyone in a private chat; in a group, its
administrators (asked of Telegram with getChatMember) and the bot's own admins.

An anonymous group admin posts as the group itself (``sender_chat`` is the chat), which
Telegram allows only to admins, so that counts too. If Telegram cannot be asked, the answer
is no: a group's settings are not changed on a guess.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.services import services_of
from handlers.common import CallbackCtx

log = logging.getLogger(__name__)

MANAGERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
GROUP_ADMINS_ONLY = "Only this group's admins can change its digest."  # English, as before:
# handlers.digest says it; a language's own words are its ``admins_only.digest`` text
ADMINS_ONLY_DIGEST = "admins_only.digest"
ADMINS_ONLY_LANGUAGE = "admins_only.language"


def is_bot_admin(update: Update, context: CallbackCtx) -> bool:
    user = update.effective_user
    return services_of(context.bot_data).is_admin(user.id if user else None)


async def may_manage(update: Update, context: CallbackCtx) -> bool:
    """May the sender of ``update`` change the digest (or the language) of its chat?"""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE or is_bot_admin(update, context):
        return True
    # A button's message is the bot's own, never the sender's; a channel posts as itself.
    message = update.effective_message if update.callback_query is None else None
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin (or the channel itself)
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.info("could not check chat %s admin status of %s: %s", chat.id, user.id, error)
        return False
    return member.status in MANAGERS
