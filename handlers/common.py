"""What every Telegram handler shares: per-chat memory, the runtime state, sending answers.

``application.bot_data`` holds ``"services"`` (:class:`bot.services.Services`: settings, brain,
store) and ``"telegram"`` (:class:`TelegramState`: callback-data keys, flood gate). Both hold
live objects (a database connection, locks), so they are rebuilt at start-up, never persisted.
``context.chat_data`` holds the chat's conversation :class:`Context`, its button memory and
when they were last used; :mod:`handlers.memory` forgets them when the chat goes idle.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from telegram import CallbackQuery, Chat, Message, ReplyParameters, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, CommandHandler, ContextTypes, ExtBot

from bot import chat_languages
from bot.answer import Answer
from bot.brain import Brain, Context
from bot.brain.speech import Speech
from bot.formatting import answer_blocks, pages
from bot.keyboards import ButtonMemory, QuestionKeys, answer_keyboard, page_data, share_query
from bot.questionlog import TYPED, question_row, save_row
from bot.ratelimit import NO_RETRIES, FloodGate
from bot.services import Services, services_of
from bot.storewriter import store_writer_of
from knowledge.models import LanguageProfile

log = logging.getLogger(__name__)

CallbackCtx: TypeAlias = ContextTypes.DEFAULT_TYPE
App: TypeAlias = Application[
    ExtBot[None],
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]],
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    Any,
]
STATE_KEY = "telegram"
CONTEXT_KEY = "conversation"
BUTTONS_KEY = "buttons"
SEEN_KEY = "seen"  # when the chat's memory was last used (time.time())
EXPIRED = "button.expired"  # the fixed text's key (knowledge/languages/<code>/ui.yaml)


@dataclass
class TelegramState:
    """Runtime objects of the Telegram front end (not persisted)."""

    keys: QuestionKeys
    gate: FloodGate | None  # None: no flood control (benchmarks of raw capacity)
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One chat's answers go out in the order its questions came, with or without
        flood control (two answers at once would also share one conversation's memory)."""
        if self.gate is not None:
            return self.gate.lock(chat_id)
        return self.locks.setdefault(chat_id, asyncio.Lock())


def state_of(bot_data: Any) -> TelegramState:
    state = bot_data[STATE_KEY]
    assert isinstance(state, TelegramState)
    return state


def services(context: CallbackCtx) -> Services:
    return services_of(context.bot_data)


def conversation(chat_data: dict[Any, Any] | None) -> Context:
    """The chat's conversation memory, so follow-ups work ("and what did he say?")."""
    if chat_data is None:
        return Context()
    chat_data[SEEN_KEY] = time.time()  # handlers.memory forgets chats idle for long
    found = chat_data.get(CONTEXT_KEY)
    if not isinstance(found, Context):
        found = chat_data[CONTEXT_KEY] = Context()
    return found


def button_memory(chat_data: dict[Any, Any] | None) -> ButtonMemory:
    if chat_data is None:
        return ButtonMemory()
    chat_data[SEEN_KEY] = time.time()
    found = chat_data.get(BUTTONS_KEY)
    if not isinstance(found, ButtonMemory):
        found = chat_data[BUTTONS_KEY] = ButtonMemory()
    return found


def language_of(update: object, context: CallbackCtx) -> str | None:
    """The language to speak to ``update``'s chat: what the chat chose with /language (a
    group's choice is the group's), else what the sender's Telegram app speaks (its
    ``language_code``, when the bot speaks it), else None (each message is answered in the
    language it is written in)."""
    if not isinstance(update, Update):
        return None
    found = services(context)
    speeches = found.brain.speeches
    chat = update.effective_chat
    if chat is not None:
        try:
            chosen = chat_languages.chosen(found.db, chat.id)
        except sqlite3.Error as error:  # a locked or damaged store: Telegram's guess still works
            log.warning("could not read the language of chat %s: %s", chat.id, error)
            chosen = None
        if chosen in speeches:
            return chosen
    user = update.effective_user
    if user is None:
        return None
    return chat_languages.from_telegram(user.language_code, profiles(found.brain))


def profiles(brain: Brain) -> dict[str, LanguageProfile]:
    """The languages the bot speaks, English first, then in their menu order."""
    return {code: speech.profile for code, speech in brain.speeches.items()}


def speech_in(context: CallbackCtx, lang: str | None) -> Speech:
    """Everything the bot says, in ``lang`` (English when None or not spoken)."""
    brain = services(context).brain
    return brain.speeches.get(lang or "", brain.speech)


def speech_for(update: object, context: CallbackCtx) -> Speech:
    """The Speech of ``update``'s chat (see :func:`language_of`)."""
    return speech_in(context, language_of(update, context))


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


class Command(CommandHandler[Any, None]):
    """A CommandHandler that in a private chat also takes ``/cmd@otherbot``: no other bot is
    there to be meant (a command copied from elsewhere, a tap in another bot's menu), so the
    suffix is dropped. In groups a command addressed to another bot stays theirs."""

    def check_update(self, update: object) -> Any:
        found = super().check_update(update)
        if found is not None or not isinstance(update, Update):
            return found
        message = update.effective_message
        if message is None or message.chat.type != ChatType.PRIVATE or not message.text:
            return None
        first = message.entities[0] if message.entities else None
        if first is None or first.type != MessageEntityType.BOT_COMMAND or first.offset:
            return None
        name = message.text[1 : first.length].partition("@")[0].lower()
        args = message.text.split()[1:]
        if name not in self.commands or not self._check_correct_args(args):
            return None
        result = self.filters.check_update(update)
        return (args, result) if result else False


def reply_to(message: Message | None, *, always: bool = False) -> ReplyParameters | None:
    """In groups (or ``always``) a reply quotes the message it answers, so everyone sees
    what the bot is answering; in a private chat that is plain from the order."""
    if message is None or not (always or is_group(message.chat)):
        return None
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)


@dataclass(frozen=True)
class Rest:
    """The pages of a long answer not shown yet, kept for its "More" button."""

    pages: tuple[str, ...]
    answer: Answer
    share: str | None
    vote: int | None = None  # the answer's row in the question log: every page gets 👍 / 👎


async def send_answer(
    context: CallbackCtx,
    chat_id: int,
    answer: Answer,
    *,
    heading: str | None = None,
    question_message: Message | None = None,
    vote: int | None = None,
) -> Message:
    """Send the brain's answer: HTML text with its source quotes, and its buttons, the frame
    (the source's label, the buttons) in the answer's own language; with ``vote`` (its row
    in the question log) 👍 / 👎 too. A long answer shows its first page, with "More" for
    the rest."""
    speech = speech_in(context, answer.lang)
    typed = (question_message.text or question_message.caption) if question_message else None
    share = share_query(answer, services(context).brain, typed or heading)
    shown = pages(answer_blocks(answer, speech, heading=heading), heading=bool(heading))
    return await send_page(
        context, chat_id, Rest(tuple(shown), answer, share, vote), reply_to(question_message)
    )


async def send_page(
    context: CallbackCtx, chat_id: int, rest: Rest, reply: ReplyParameters | None = None
) -> Message:
    """The first of ``rest``'s pages with the answer's buttons ("More" when pages remain)."""
    keys = state_of(context.bot_data).keys
    memory = button_memory(context.chat_data)
    later = rest.pages[1:]
    more = page_data(memory, Rest(later, rest.answer, rest.share, rest.vote)) if later else None
    speech = speech_in(context, rest.answer.lang)
    markup = answer_keyboard(
        rest.answer, keys, memory, speech, more=more, share=rest.share, vote=rest.vote
    )
    return await context.bot.send_message(
        chat_id, rest.pages[0], reply_markup=markup, reply_parameters=reply
    )


def record_question(
    context: CallbackCtx,
    chat_id: int,
    question: str,
    answer: Answer,
    *,
    chat_lang: str | None = None,
    via: str = TYPED,
) -> int | None:
    """Log the question for /stats, whatever then happens to the reply; its row's id, for
    the reply's 👍 / 👎 (None: small talk, not logged). The write goes to the store writer's
    thread, so a locked store or a full disk never holds up an answer."""
    row = question_row(chat_id, question, answer, chat_lang=chat_lang, via=via)
    if row is None:
        return None
    writer = store_writer_of(context.bot_data)
    if writer is not None:
        writer.submit(lambda db: save_row(db, row), "question log")
    else:
        try:
            save_row(services(context).db, row)
        except sqlite3.Error as error:
            log.warning("could not log a question for chat %s: %s", chat_id, error)
            return None
    return int(str(row["id"]))


async def answer_press(
    context: CallbackCtx, query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> bool:
    """Answer a button press (stops the client's spinner), best effort.

    A press queued while the bot was down is "too old" to answer, and Telegram may fail the
    answer (a 5xx); neither may cost the user the button's action, so the failure is only
    logged. Not retried either: a late answer is no use, and retries would delay the action.
    """
    limits = NO_RETRIES if context.bot.rate_limiter is not None else None
    try:
        await context.bot.answer_callback_query(
            query.id,
            text,
            show_alert=alert,
            rate_limit_args=limits,  # type: ignore[arg-type]  # the limiter reads an int
        )
    except TelegramError as error:
        log.info("could not answer button press %s (%s); acting on it anyway", query.id, error)
        return False
    return True
