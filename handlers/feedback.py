"""👍 / 👎 under every answer, and the "what was wrong?" that may follow a 👎.

A vote (``v:u.<n>`` / ``v:d.<n>``, :mod:`bot.keyboards`) is stored against the answer's row
in the question log (:mod:`bot.feedback`), answered with a short "thank you" notice, and
the vote row of the answer then shows the counts: no new message. After a 👎 in a private
chat the bot asks once what was wrong, as a message the user can reply to (ForceReply); a
reply *to that message* by the voter is kept as the vote's comment. Any other message,
a reply to another of the bot's messages included, is a question as always. In groups no
one is asked: a prompt there would be noise for everyone else.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from html import escape
from typing import Any, TypeVar

from telegram import ForceReply, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot import feedback
from bot.brain.speech import Speech
from bot.feedback import FeedbackStats
from bot.formatting import excerpt
from bot.keyboards import VOTE, decode_vote, with_votes
from bot.storewriter import settle, store_writer_of
from handlers.common import (
    EXPIRED,
    CallbackCtx,
    answer_press,
    language_of,
    reply_to,
    services,
    speech_in,
)
from handlers.questions import question

log = logging.getLogger(__name__)
T = TypeVar("T")

THANKS = "feedback.thanks"
FAILED = "feedback.failed"
ASK_WHY = "feedback.ask_why"
PLACEHOLDER = "feedback.placeholder"
NOTED = "feedback.noted"
STATS_CHARS = 80  # a question or comment in /stats is cut to this


async def _in_store(context: CallbackCtx, job: Callable[[Any], T], what: str) -> T:
    """``job(db)`` through the store writer (never on the event loop's connection while
    the writer runs); sqlite3.Error when it fails."""
    writer = store_writer_of(context.bot_data)
    if writer is not None:
        return await writer.run(job, what)
    return job(services(context).db)


async def voted(update: Update, context: CallbackCtx) -> None:
    """A press on 👍 or 👎: store it, thank, show the counts; after a 👎 ask why (once)."""
    query = update.callback_query
    if query is None:
        return
    message, user = query.message, update.effective_user
    found = decode_vote(query.data or "")
    chat_speech = speech_in(context, language_of(update, context))
    if found is None or not isinstance(message, Message) or user is None:
        await answer_press(context, query, chat_speech.text(EXPIRED))
        return
    ref, up = found
    chat_id = message.chat_id
    try:
        tally = await _in_store(
            context, lambda db: feedback.cast(db, ref, chat_id, user.id, 1 if up else -1), "vote"
        )
    except sqlite3.Error as error:
        log.warning("could not store a vote in chat %s: %s", chat_id, error)
        await answer_press(context, query, chat_speech.text(FAILED))
        return
    if tally is None:  # no such answer in this chat: forged, or its log row was lost
        await answer_press(context, query, chat_speech.text(EXPIRED))
        return
    speech = speech_in(context, tally.lang) if tally.lang else chat_speech  # the answer's
    await answer_press(context, query, speech.text(THANKS))
    shown = with_votes(message.reply_markup, ref, tally.up, tally.down)
    if shown != message.reply_markup:  # the same vote again changes nothing to show
        try:
            await message.edit_reply_markup(shown)
        except BadRequest as error:  # two presses at once ("not modified"), a message too old
            log.info("could not show the votes on an answer: %s", error)
    if not up and not tally.prompted and message.chat.type == ChatType.PRIVATE:
        await _ask_why(context, message, ref, user.id, speech)


async def _ask_why(
    context: CallbackCtx, answer: Message, ref: int, user_id: int, speech: Speech
) -> None:
    """Ask what was wrong, replying to the answer, in a message the app opens a reply to."""
    try:
        prompt = await context.bot.send_message(
            answer.chat_id,
            escape(speech.text(ASK_WHY), quote=False),
            reply_markup=ForceReply(input_field_placeholder=speech.text(PLACEHOLDER)[:64]),
            reply_parameters=reply_to(answer, always=True),
        )
    except TelegramError as error:  # the vote is kept; the question is only a courtesy
        log.info("could not ask what was wrong in chat %s: %s", answer.chat_id, error)
        return
    try:
        await _in_store(
            context,
            lambda db: feedback.remember_prompt(db, ref, user_id, prompt.message_id),
            "vote prompt",
        )
    except sqlite3.Error as error:  # its reply will then be read as a question: no harm
        log.warning("could not remember a vote's prompt in chat %s: %s", answer.chat_id, error)


def _prompt_texts(context: CallbackCtx) -> set[str]:
    return {s.text(ASK_WHY) for s in services(context).brain.speeches.values()}


async def replied(update: Update, context: CallbackCtx) -> None:
    """A reply in a private chat: the comment on a 👎 when it replies to the bot's "what was
    wrong?", otherwise a question like any other message."""
    message = update.effective_message
    target = message.reply_to_message if message is not None else None
    if (
        message is None
        or target is None
        or message.from_user is None
        or not message.text
        or target.from_user is None
        or target.from_user.id != context.bot.id
        or target.text not in _prompt_texts(context)
    ):
        await question(update, context)
        return
    await settle(context.bot_data)  # the prompt's row may still wait in the writer's queue
    chat_id, user_id, prompt_id = message.chat_id, message.from_user.id, target.message_id
    lang = feedback.prompt_lang(services(context).db, chat_id, prompt_id, user_id)
    text = message.text
    kept = lang is not None and await _kept(context, chat_id, prompt_id, user_id, text)
    if not kept:
        await question(update, context)
        return
    speech = speech_in(context, lang or language_of(update, context))
    await context.bot.send_message(chat_id, escape(speech.text(NOTED), quote=False))


async def _kept(
    context: CallbackCtx, chat_id: int, prompt_id: int, user_id: int, text: str
) -> bool:
    try:
        return await _in_store(
            context, lambda db: feedback.comment(db, chat_id, prompt_id, user_id, text), "comment"
        )
    except sqlite3.Error as error:
        log.warning("could not keep a comment in chat %s: %s", chat_id, error)
        return False


def stats_lines(found: FeedbackStats, speech: Speech, days: int) -> list[str]:
    """/stats' part on votes: the totals, then the worst-rated topics and questions."""
    say = speech.text
    lines = [say("feedback.stats.votes", up=found.up, down=found.down, comments=found.comments)]
    if found.worst_topics:
        lines.append("\n" + say("feedback.stats.worst_topics", days=days))
        lines += [
            say("feedback.stats.topic", up=r.up, down=r.down, topic=_topic(speech, r.what))
            for r in found.worst_topics
        ]
    if found.worst_questions:
        lines.append("\n" + say("feedback.stats.worst", days=days))
        for rated in found.worst_questions:
            asked = excerpt(rated.what, STATS_CHARS)
            lines.append(
                say("feedback.stats.question", up=rated.up, down=rated.down, question=asked)
            )
            if rated.comment:
                said = excerpt(rated.comment, STATS_CHARS)
                lines.append(say("feedback.stats.comment", comment=said))
    return lines


def _topic(speech: Speech, topic: str) -> str:
    """A topic by its question in the admin's language (its id if the record dropped it)."""
    try:
        return escape(speech.ask(topic), quote=False)
    except KeyError:
        return escape(topic, quote=False)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """The vote buttons, and replies in private chats (comments, else questions); before
    the catch-all button and message handlers."""
    application.add_handler(CallbackQueryHandler(voted, pattern=f"^{VOTE}:"))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGES  # an edited comment replaces the comment
            & filters.ChatType.PRIVATE
            & filters.TEXT
            & filters.REPLY
            & ~filters.COMMAND,
            replied,
        )
    )
