"""The commands: /start, /help, /about, /agreements, /leaders, /targets, /source (/find and
/card are handlers.article's).

``MENU_COMMANDS`` is the command menu registered with ``set_my_commands`` at start-up (once
per language, for each of its Telegram ``language_code`` values) and listed by /help. An
entry's description is the key of a fixed text (``knowledge/languages/<code>/``), or empty
for ``menu.<name>``; a description that is no key is shown as it is. Other features add
their commands to it from their ``register()`` (e.g. ``MENU_COMMANDS.append(("digest",
"digest.menu.digest"))``); duplicates are dropped by name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import MessageEntityType
from telegram.error import TelegramError

from bot.brain import Brain
from bot.brain.speech import Speech
from bot.formatting import excerpt
from bot.services import services_of
from handlers.common import (
    App,
    CallbackCtx,
    conversation,
    language_of,
    reply_to,
    send_answer,
    services,
    speech_for,
    speech_in,
)
from handlers.views import View, about, agreements, help_page, leaders, source, targets, welcome
from knowledge.store import split_sentences

log = logging.getLogger(__name__)

MENU_COMMANDS: list[tuple[str, str]] = [
    ("start", ""),
    ("help", ""),
    ("about", ""),
    ("agreements", ""),
    ("leaders", ""),
    ("targets", ""),
    ("source", ""),
    ("find", ""),
    ("card", ""),
    ("language", ""),
]


def menu_commands(speech: Speech) -> list[tuple[str, str]]:
    """MENU_COMMANDS without duplicate names (first wins), for the menu and /help, each
    described in ``speech``'s language: an entry's description is the key of a fixed text
    (``digest.menu.digest``), or empty for the ``menu.<name>`` text; any other description is
    shown as it is."""
    seen: dict[str, str] = {}
    for name, description in MENU_COMMANDS:
        key = description or f"menu.{name}"
        seen.setdefault(name, speech.text(key) if speech.has(key) else description)
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
    lang = language_of(update, context)
    topic = brain.topics.get(context.args[0]) if context.args else None
    if topic is not None and chat is not None:
        answer = brain.answer_topic(topic.id, conversation(context.chat_data), lang)
        heading = speech_in(context, answer.lang).ask(topic.id)
        await send_answer(context, chat.id, answer, heading=heading)
        return
    user = update.effective_user
    await show(
        update, context, welcome(speech_in(context, lang), user.first_name if user else None)
    )


async def help_command(update: Update, context: CallbackCtx) -> None:
    speech = speech_for(update, context)
    await show(update, context, help_page(speech, menu_commands(speech), context.bot.username))


async def about_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, about(_brain(context), speech_for(update, context)))


async def agreements_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, agreements(_brain(context), speech_for(update, context)))


async def leaders_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, leaders(_brain(context), speech_for(update, context)))


async def targets_command(update: Update, context: CallbackCtx) -> None:
    await show(update, context, targets(_brain(context), speech_for(update, context)))


async def source_command(update: Update, context: CallbackCtx) -> None:
    brain = _brain(context)
    sentences = len(split_sentences(brain.knowledge.source_text))
    await show(update, context, source(brain, speech_for(update, context), sentences))


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
    text = speech_for(update, context).text("unknown_command", command=excerpt(name))
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
    """The command menu, the description and the short description, in every language: the
    default (no ``language_code``) in English, then each Telegram code of each language.
    Not essential: what Telegram refuses is logged and the bot runs without it."""
    brain = services_of(application.bot_data).brain
    targets: list[tuple[str | None, Speech]] = [(None, brain.speech)]
    targets += [(code, s) for s in brain.speeches.values() for code in s.profile.telegram]
    bot = application.bot
    for code, speech in targets:
        commands = [BotCommand(name, text) for name, text in menu_commands(speech)]
        title = speech.term("title")
        await _not_essential(
            "the command menu", code, bot.set_my_commands(commands, language_code=code)
        )
        description = speech.text("bot.description")
        await _not_essential(
            "the description", code, bot.set_my_description(description, language_code=code)
        )
        short = speech.text("bot.short_description", title=title)
        await _not_essential(
            "the short description",
            code,
            bot.set_my_short_description(short, language_code=code),
        )


async def _not_essential(what: str, code: str | None, call: Coroutine[Any, Any, Any]) -> None:
    try:
        await call
    except TelegramError as error:
        log.warning(
            "could not register %s (language %s): %s; the bot runs without it",
            what,
            code or "default",
            error,
        )
