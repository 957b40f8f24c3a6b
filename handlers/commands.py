"""The commands: /start, /help, /about, /agreements, /leaders, /targets, /source.

``MENU_COMMANDS`` is the command menu registered with ``set_my_commands`` at start-up and
listed by /help. Other features add their commands to it from their ``register()``
(e.g. ``MENU_COMMANDS.append(("digest", "..."))``); duplicates are dropped by name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import MessageEntityType
from telegram.error import TelegramError

from bot.brain import Brain
from bot.formatting import excerpt
from handlers.common import (
    App,
    CallbackCtx,
    conversation,
    reply_to,
    send_answer,
    services,
)
from handlers.views import View, about, agreements, help_page, leaders, source, targets, welcome
from knowledge.store import split_sentences

log = logging.getLogger(__name__)

MENU_COMMANDS: list[tuple[str, str]] = [
    ("start", "Welcome and example questions"),
    ("help", "What to ask and how"),
    ("about", "The visit in five lines"),
    ("agreements", "The agreements signed"),
    ("leaders", "The leaders and what they said"),
    ("targets", "The targets set"),
    ("source", "Where the facts come from"),
]


def menu_commands() -> list[tuple[str, str]]:
    """MENU_COMMANDS without duplicate names (first wins), for the menu and /help."""
    seen: dict[str, str] = {}
    for name, description in MENU_COMMANDS:
        seen.setdefault(name, description)
    return list(seen.items())


async def show(update: Update, context: CallbackCtx, view: View) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(
        chat.id, view.text, reply_markup=view.keyboard, reply_parameters=reply_to(message)
    )


def _brain(context: CallbackCtx) -> Brain:
    return services(context).brain


async def start(update: Update, context: CallbackCtx) -> None:
    """Welcome; ``/start <topic id>`` (a deep link from a shared answer) answers that topic."""
    brain = _brain(context)
    chat = update.effective_chat
    topic = brain.topics.get(context.args[0]) if context.args else None
    if topic is not None and chat is not None:
        answer = brain.answer(topic.ask, conversation(context.chat_data))
        await send_answer(context, chat.id, answer, heading=topic.ask)
        return
    user = update.effective_user
    await show(update, context, welcome(brain.record, user.first_name if user else None))


async def help_command(update: Update, context: CallbackCtx) -> None:
    record = _brain(context).record
    await show(update, context, help_page(record, menu_commands(), context.bot.username))


async def about_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, about(_brain(context).record))


async def agreements_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, agreements(_brain(context)))


async def leaders_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, leaders(_brain(context)))


async def targets_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, targets(_brain(context)))


async def source_command(update: Update, context: CallbackCtx) -> None:
    brain = _brain(context)
    sentences = len(split_sentences(brain.knowledge.source_text))
    await show(update, context, source(brain, sentences))


async def unknown_command(update: Update, context: CallbackCtx) -> None:
    """A command nobody handles: a hint in private, and in groups only if it names us."""
    message = update.effective_message
    if message is None or not message.text:
        return
    commands = message.parse_entities([MessageEntityType.BOT_COMMAND])
    command = next(iter(commands.values()), "")
    name, _, target = command.partition("@")
    username = context.bot.username or ""
    if message.chat.type != "private" and target.lower() != username.lower():
        return  # in a group, "/cmd" without our name may be meant for another bot
    text = f"I don't know {excerpt(name)}. See /help for what I can do."
    await show(update, context, View(text))


COMMANDS: dict[str, Callable[[Update, CallbackCtx], Coroutine[Any, Any, None]]] = {
    "start": start,
    "help": help_command,
    "about": about_command,
    "agreements": agreements_command,
    "leaders": leaders_command,
    "targets": targets_command,
    "source": source_command,
}


async def register_menu(application: App) -> None:
    """Register the command menu. Not essential: if Telegram refuses, warn and go on."""
    commands = [BotCommand(name, description) for name, description in menu_commands()]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as error:
        log.warning("could not register the command menu (%s); the bot runs without it", error)
