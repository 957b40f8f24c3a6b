"""Digest commands and buttons: /digest, /subscribe, /subscription, /unsubscribe, and for
admins /digest_now and /stats.

``register(application)`` adds them (group 0, before the catch-all handlers), adds the
public ones to the command menu, and schedules the start-up job that rebuilds the digest
timers from the store and resumes an interrupted delivery. Buttons carry ``dg:`` callback
data (the whole choice so far, under 64 bytes), so a press works after a restart too:

    dg:f            choose how often          dg:f:d / dg:f:w   daily / weekly chosen
    dg:t:w0:0900    weekly, Monday, 09:00     dg:z:d-:0900:0    ... in COMMON_ZONES[0]
    dg:u            unsubscribe               dg:n / dg:x       broadcast now / cancel

In a group only its admins (and the bot's admins) may use these commands and buttons; the
buttons of an admin's /digest_now prompt work for the bot's admins only. A group that
becomes a supergroup takes its digest along (the ``migrate_to_chat_id`` service message).

Everything is said in the chat's language (the texts ``digest.*`` of
``knowledge/languages/<code>/digest.yaml``): the one it chose with /language, else its
sender's Telegram app's, else English. /subscribe stores that language with the
subscription, for the digests of a chat that never chooses one.
"""

from __future__ import annotations

import datetime as dtm
import logging
import re
import weakref
from collections.abc import Callable
from html import escape
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot import broadcasts, delivery, subscriptions
from bot import digest as compose
from bot.brain.speech import ENGLISH, Speech
from bot.chat_migration import migrate_chat
from bot.delivery import Clock, Options, system_clock
from bot.feedback import feedback_stats
from bot.formatting import excerpt
from bot.notices import addressed
from bot.questionlog import question_stats
from bot.scheduling import DigestRuntime
from bot.services import services_of
from bot.storewriter import settle, store_writer_of
from bot.subscriptions import COMMON_ZONES, DAYS, Schedule, Vocabulary
from handlers.common import Command, answer_press, language_of, speech_for
from handlers.feedback import stats_lines as feedback_lines
from handlers.permissions import is_bot_admin, may_manage

T = TypeVar("T")
log = logging.getLogger(__name__)

PREFIX = "dg:"
TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "21:00")
DIGEST_COMMANDS = ("digest", "subscribe", "subscription", "unsubscribe")  # texts digest.menu.*
SCHEDULE_WORDS = 8  # "weekly mon 18:30 Asia/Almaty" is four, "har hafte peer ko 6 baje" six
SCHEDULE_WORD_CHARS = 40  # the longest zone name, America/Argentina/ComodRivadavia, is 32
PROBLEMS_SHOWN = 3
PROBLEM_CHARS = 160
STATS_WINDOW = dtm.timedelta(days=7)  # "top unanswered" counts questions this recent
STATS_LISTED = 5
STATS_QUESTION_CHARS = 80  # each listed question is cut to this (the list stays short)

_RUNTIMES: weakref.WeakKeyDictionary[Any, DigestRuntime] = weakref.WeakKeyDictionary()


def runtime_of(application: Any) -> DigestRuntime:
    """The digest runtime of an application (tests set its clock and options)."""
    return _RUNTIMES[application]


_VOCABULARIES: weakref.WeakKeyDictionary[Any, Vocabulary] = weakref.WeakKeyDictionary()


def _vocabulary(context: Any) -> Vocabulary:
    """What a typed /subscribe understands, in every language (built once per brain)."""
    brain = services_of(context.bot_data).brain
    if brain not in _VOCABULARIES:
        _VOCABULARIES[brain] = Vocabulary.of(brain.knowledge.languages.values())
    return _VOCABULARIES[brain]


# -- keyboards -----------------------------------------------------------------------------


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=PREFIX + data) for text, data in row]
         for row in rows]
    )  # fmt: skip


def frequency_keys(speech: Speech) -> InlineKeyboardMarkup:
    daily, weekly = speech.text("digest.button.daily"), speech.text("digest.button.weekly")
    cancel = speech.text("digest.button.cancel")
    return _keyboard([[(daily, "f:d"), (weekly, "f:w")], [(cancel, "x")]])


def day_keys(speech: Speech) -> InlineKeyboardMarkup:
    days = [(speech.text(f"digest.day_short.{n}"), f"t:w{n}") for n in range(len(DAYS))]
    return _keyboard([days[:4], days[4:]])


def time_keys(choice: str) -> InlineKeyboardMarkup:
    times = [(t, f"z:{choice}:{t.replace(':', '')}") for t in TIMES]
    return _keyboard([times[:3], times[3:]])


def zone_label(speech: Speech, label: str, zone: str) -> str:
    """'Pakistan (Asia/Karachi)', 'Пакистан (Asia/Karachi)'; 'UTC' alone."""
    name = speech.text(f"digest.zone.{label.lower()}")
    return zone if name == zone else speech.text("digest.button.zone", label=name, zone=zone)


def zone_keys(speech: Speech, choice: str, at: str) -> InlineKeyboardMarkup:
    zones = [(zone_label(speech, label, zone), f"s:{choice}:{at}:{n}")
             for n, (label, zone) in enumerate(COMMON_ZONES)]  # fmt: skip
    return _keyboard([[z] for z in zones])


def _schedule(choice: str, at: str, zone_index: str) -> Schedule | None:
    """Rebuild a schedule from button data; None if the data was tampered with."""
    try:
        weekly = choice[0] == "w"
        weekday = int(choice[1]) if weekly else None
        time = dtm.time(int(at[:2]), int(at[2:]))
        zone = COMMON_ZONES[int(zone_index)][1]
    except (IndexError, ValueError):
        return None
    if choice[0] not in "dw" or (weekday is not None and not 0 <= weekday < 7):
        return None
    return Schedule("weekly" if weekly else "daily", time, zone, weekday)


_CHOICE = r"(?:d-|w[0-6])"
_HHMM = r"(?:[01][0-9]|2[0-3])[0-5][0-9]"
BUTTON_DATA = re.compile(
    rf"dg:(?:f(?::[dw])?|t:w[0-6]|z:{_CHOICE}:{_HHMM}|s:{_CHOICE}:{_HHMM}:[0-9]{{1,2}}|[unx])"
)


def button_parts(data: str | None) -> list[str] | None:
    """The parts of a digest button's data, or None unless it is data this bot makes: forged,
    stale or empty data (the ``dg:`` handler is also offered presses with no data) is refused
    here, before anything indexes into it."""
    if data is None or not BUTTON_DATA.fullmatch(data):
        return None
    parts = data.removeprefix(PREFIX).split(":")
    if parts[0] == "s" and int(parts[3]) >= len(COMMON_ZONES):
        return None
    return parts


# -- texts ---------------------------------------------------------------------------------


def _local(when: dtm.datetime, schedule: Schedule, speech: Speech) -> str:
    """'Wed 5 Feb, 09:00' in the schedule's zone, in the speech's words."""
    local = when.astimezone(schedule.zone)
    return speech.text(
        "digest.next_time",
        weekday=speech.text(f"digest.day_short.{local.weekday()}"),
        date=compose.day_month(speech, local.date()),
        time=f"{local:%H:%M}",
    )


def subscribed_text(sub: subscriptions.Subscription, now: dtm.datetime, speech: Speech) -> str:
    schedule = sub.schedule
    return speech.text(
        addressed(speech, "digest.subscribed", sub.chat_id),
        schedule=escape(schedule.describe(speech)),
        next=_local(schedule.next(now), schedule, speech),
    )


def examples(speech: Speech) -> str:
    return speech.text("digest.examples")


# -- the handlers --------------------------------------------------------------------------


class DigestHandlers:
    """The Telegram side only: read the update, call the digest modules, reply."""

    def __init__(self, runtime: DigestRuntime) -> None:
        self.runtime = runtime

    def _db(self, context: Any) -> Any:
        db = services_of(context.bot_data).db
        delivery.ensure_tables(db)
        return db

    async def _reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        message = update.effective_message
        if message is None:
            return None
        return await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def digest(self, update: Update, context: Any) -> None:
        """/digest: the full digest (two messages, digest then sources, if it must)."""
        record = services_of(context.bot_data).brain.record
        speech = speech_for(update, context)
        parts = compose.on_demand(record, speech).html_parts()
        chat = update.effective_chat
        sub = subscriptions.get(self._db(context), chat.id) if chat is not None else None
        offering = speech.text("digest.button.offer")
        offer = None if sub and sub.active else _keyboard([[(offering, "f")]])
        for n, part in enumerate(parts):
            await self._reply(update, part, offer if n == len(parts) - 1 else None)

    async def subscribe(self, update: Update, context: Any) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        speech = speech_for(update, context)
        if await self._refused(update, context, speech):
            return
        if not context.args:
            await self._reply(update, _ask_frequency(speech), frequency_keys(speech))
            return
        db = self._db(context)
        current = subscriptions.get(db, chat.id)
        default = services_of(context.bot_data).settings.timezone
        zone = current.schedule.timezone if current else default
        if oversized(context.args):
            typed = excerpt(" ".join(context.args))
            text = speech.text("digest.too_long", typed=typed, examples=examples(speech))
            await self._reply(update, text, frequency_keys(speech))
            return
        parsed = subscriptions.parse_schedule(context.args, zone, _vocabulary(context))
        if parsed.schedule is None:
            shown = parsed.problems[:PROBLEMS_SHOWN]
            problems = "\n".join(
                "\u2022 " + p.say(speech, excerpt(p.word, PROBLEM_CHARS)) for p in shown
            )
            text = speech.text("digest.not_set_up", problems=problems, examples=examples(speech))
            await self._reply(update, text, frequency_keys(speech))
            return
        sub = await self._save(update, context, chat.id, user.id if user else None, parsed.schedule)
        await self._reply(update, subscribed_text(sub, self.runtime.now(), speech))

    async def _write(self, context: Any, job: Callable[[Any], T]) -> T:
        """A subscription write, off the event loop: through the store writer (one thread
        for all writes, waiting out another process's lock), or here when there is none."""
        writer = store_writer_of(context.bot_data)
        if writer is None:
            return job(self._db(context))
        return await writer.run(job, "subscription change")

    async def _save(
        self, update: Update, context: Any, chat_id: int, user_id: int | None, schedule: Schedule
    ) -> subscriptions.Subscription:
        now, lang = self.runtime.now(), language_of(update, context) or ENGLISH
        sub = await self._write(
            context, lambda db: subscriptions.subscribe(db, chat_id, user_id, schedule, now, lang)
        )
        self.runtime.sync_jobs()
        return sub

    async def subscription(self, update: Update, context: Any) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        speech = speech_for(update, context)
        sub = subscriptions.get(self._db(context), chat.id)
        if sub is None or not sub.active:
            await self._reply(
                update,
                speech.text(addressed(speech, "digest.not_subscribed_yet", chat.id)),
                _keyboard([[(speech.text("digest.button.subscribe"), "f")]]),
            )
            return
        change, stop = speech.text("digest.button.change"), speech.text("digest.button.unsubscribe")
        await self._reply(
            update,
            subscribed_text(sub, self.runtime.now(), speech),
            _keyboard([[(change, "f"), (stop, "u")]]),
        )

    async def _unsubscribe(self, context: Any, chat_id: int, speech: Speech) -> str:
        now = self.runtime.now()
        ended = await self._write(
            context, lambda db: subscriptions.end(db, chat_id, "unsubscribed", now)
        )
        self.runtime.sync_jobs()
        if ended:
            return speech.text("digest.unsubscribed")
        return speech.text(addressed(speech, "digest.was_not_subscribed", chat_id))

    async def _refused(self, update: Update, context: Any, speech: Speech) -> bool:
        """A group's digest is its admins' to change: anyone else is told so."""
        if await may_manage(update, context):
            return False
        await self._reply(update, speech.text("digest.group_admins_only"))
        return True

    async def unsubscribe(self, update: Update, context: Any) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        speech = speech_for(update, context)
        if await self._refused(update, context, speech):
            return
        await self._reply(update, await self._unsubscribe(context, chat.id, speech))

    async def migrated(self, update: Update, context: Any) -> None:
        """The group became a supergroup: its digest moves to the new chat id."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        migrate_chat(self._db(context), old, new, self.runtime.now())
        self.runtime.sync_jobs()

    # -- admins ------------------------------------------------------------------------

    def _admin(self, update: Update, context: Any) -> bool:
        return is_bot_admin(update, context)

    async def digest_now(self, update: Update, context: Any) -> None:
        speech = speech_for(update, context)
        if not self._admin(update, context):
            await self._reply(update, speech.text("digest.not_admin"))
            return
        count = len(subscriptions.active(self._db(context)))
        if not count:
            await self._reply(update, speech.text("digest.nobody_subscribed"))
            return
        send = speech.text("digest.button.send_to", count=count)
        await self._reply(
            update,
            speech.text("digest.confirm_send", count=count),
            _keyboard([[(send, "n"), (speech.text("digest.button.cancel"), "x")]]),
        )

    async def stats(self, update: Update, context: Any) -> None:
        """Admins only, and only in a private chat: the list quotes what people asked in
        private, which must not be shown to a group."""
        speech = speech_for(update, context)
        if not self._admin(update, context):
            await self._reply(update, speech.text("digest.not_admin"))
            return
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            bot = context.bot.username or "me"
            await self._reply(update, speech.text("digest.stats_in_private", bot=bot))
            return
        await settle(context.bot_data)  # questions just asked are in the figures
        await self._reply(update, stats_text(self._db(context), self.runtime.now(), speech))

    # -- buttons -------------------------------------------------------------------------

    async def button(self, update: Update, context: Any) -> None:
        query = update.callback_query
        if query is None:
            return
        chat, message, parts = update.effective_chat, query.message, button_parts(query.data)
        speech = speech_for(update, context)
        if parts is None or chat is None or not isinstance(message, Message):
            expired = speech.text("digest.button_expired")
            await answer_press(context, query, expired)  # and the message stays as it is
            return
        prompt = parts[0] == "n" or _is_prompt(message) or self._was_prompt(context, message)
        refusal = await self._refusal(update, context, prompt, speech)
        await answer_press(context, query, refusal, alert=refusal is not None)
        if refusal is not None:
            return

        async def edit(text: str, markup: InlineKeyboardMarkup | None = None) -> None:
            try:
                await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            except BadRequest as error:  # pressed twice: "message is not modified"
                log.info("digest button: %s", error)

        if prompt:
            await self._prompt_button(context, parts[0], message, edit, speech)
        else:
            await self._choice_button(update, context, parts, chat.id, edit)

    def _was_prompt(self, context: Any, message: Message) -> bool:
        """A prompt already pressed (its keyboard may be gone: a late or queued press)."""
        return broadcasts.known(self._db(context), message.chat_id, message.message_id)

    async def _refusal(
        self, update: Update, context: Any, prompt: bool, speech: Speech
    ) -> str | None:
        """Why this press may not act (None: it may): an admin prompt is for the bot's
        admins, a group's digest for the group's admins."""
        if prompt:
            allowed = self._admin(update, context)
            return None if allowed else speech.text("digest.prompt_admins_only")
        allowed = await may_manage(update, context)
        return None if allowed else speech.text("digest.group_admins_only")

    async def _choice_button(
        self, update: Update, context: Any, parts: list[str], chat_id: int, edit: Any
    ) -> None:
        action, speech = parts[0], speech_for(update, context)
        step = _next_step(speech, parts)
        if step is not None:
            await edit(*step)
        elif action == "s" and len(parts) == 4 and (schedule := _schedule(*parts[1:])):
            user = update.effective_user
            sub = await self._save(update, context, chat_id, user.id if user else None, schedule)
            await edit(subscribed_text(sub, self.runtime.now(), speech))
        elif action == "u":
            await edit(await self._unsubscribe(context, chat_id, speech))
        elif action == "x":
            await edit(speech.text("digest.cancelled"))
        else:
            await edit(speech.text("digest.button_stale"))

    async def _prompt_button(
        self, context: Any, action: str, message: Message, edit: Any, speech: Speech
    ) -> None:
        """Send or Cancel on an admin's /digest_now prompt: the first press decides."""
        db = self._db(context)
        now = self.runtime.now()
        if action == "x":
            state = broadcasts.cancel(db, message.chat_id, message.message_id, now)
            if state == broadcasts.CANCELLED:
                await edit(speech.text("digest.cancelled"))
            else:
                await context.bot.send_message(
                    message.chat_id, speech.text("digest.already_sending")
                )
            return
        if action != "n":
            return
        state, started = broadcasts.start(db, message.chat_id, message.message_id, now)
        if state == broadcasts.CANCELLED:
            await edit(speech.text("digest.was_cancelled"))
            return
        if not started:
            return  # a second tap: the first one's run reports when done
        prompt = broadcasts.Prompt(
            broadcasts.edition(message.chat_id, message.message_id),
            message.chat_id,
            message.message_id,
        )
        count = len(subscriptions.active(db))
        # The prompt says "Sending" before the rows exist, so no run can report first.
        await edit(speech.text("digest.sending", count=count))
        delivery.plan_broadcast(db, prompt.edition, now)
        self.runtime.broadcast(prompt)


def _is_prompt(message: Message) -> bool:
    """An admin's /digest_now prompt: its keyboard has the Send button."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return any(button.callback_data == PREFIX + "n" for row in rows for button in row)


def oversized(args: list[str]) -> bool:
    """More words, or longer ones, than any schedule has: answered without parsing them."""
    return len(args) > SCHEDULE_WORDS or any(len(a) > SCHEDULE_WORD_CHARS for a in args)


def _ask_frequency(speech: Speech) -> str:
    return speech.text("digest.ask_frequency") + "\n" + speech.text("digest.typed_hint")


def stats_text(db: Any, now: dtm.datetime, speech: Speech) -> str:
    """Subscribers, digests and questions, so the knowledge base can be improved."""
    subs = subscriptions.counts(db)
    states = delivery.state_counts(db)
    week = delivery.sent_since(db, now - dtm.timedelta(days=7))
    found = question_stats(db, top=STATS_LISTED, since=(now - STATS_WINDOW).timestamp())
    daily, weekly = subs.get("daily", 0), subs.get("weekly", 0)
    say = speech.text
    lines = [
        say("digest.stats.subscribers"),
        say("digest.stats.active", active=daily + weekly, daily=daily, weekly=weekly),
        say("digest.stats.ended", unsubscribed=subs.get("ended_unsubscribed", 0),
            blocked=subs.get("ended_blocked", 0), gone=subs.get("ended_gone", 0)),
        "",
        say("digest.stats.digests"),
        say("digest.stats.sent", sent=states.get("sent", 0), week=week,
            failed=states.get("failed", 0), unknown=states.get("unknown", 0),
            pending=states.get("pending", 0)),
        "",
        say("digest.stats.questions"),
        say("digest.stats.asked", asked=found.asked, answered=found.answered,
            share=round(100 * found.share_answered)),
    ]  # fmt: skip
    if found.top_unanswered:
        lines.append("\n" + say("digest.stats.top", days=STATS_WINDOW.days))
        lines += [say("digest.stats.top_item", n=n, question=excerpt(q, STATS_QUESTION_CHARS))
                  for q, n in found.top_unanswered]  # fmt: skip
    votes = feedback_stats(db, top=STATS_LISTED, since=(now - STATS_WINDOW).timestamp())
    lines += ["", *feedback_lines(votes, speech, STATS_WINDOW.days)]
    return "\n".join(lines)


# what register() adds to the command menu: each entry names its text, said per language
MENU = [(name, f"digest.menu.{name}") for name in DIGEST_COMMANDS]


def register(
    application: Application,  # type: ignore[type-arg]
    *,
    clock: Clock = system_clock,
    options: Options | None = None,
) -> DigestRuntime:
    """Add the digest commands and buttons, the menu entries and the start-up job.

    Needs ``application.bot_data["services"]`` by the time updates and jobs run (not at
    registration) and the job queue (``python-telegram-bot[job-queue]``) for schedules.
    """
    from handlers.commands import MENU_COMMANDS

    runtime = DigestRuntime(application, clock=clock, options=options)
    _RUNTIMES[application] = runtime
    handlers = DigestHandlers(runtime)
    for name, callback in (
        ("digest", handlers.digest),
        ("subscribe", handlers.subscribe),
        ("subscription", handlers.subscription),
        ("unsubscribe", handlers.unsubscribe),
        ("digest_now", handlers.digest_now),
        ("stats", handlers.stats),
    ):
        application.add_handler(Command(name, callback))
    application.add_handler(CallbackQueryHandler(handlers.button, pattern=f"^{PREFIX}"))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.migrated))
    names = {name for name, _ in MENU_COMMANDS}
    MENU_COMMANDS.extend(entry for entry in MENU if entry[0] not in names)
    runtime.schedule_startup()
    return runtime


def _next_step(speech: Speech, parts: list[str]) -> tuple[str, Any] | None:
    """The subscription flow's next question and buttons for a press (None: not a step)."""
    action = parts[0]
    if action == "f" and len(parts) == 1:
        return _ask_frequency(speech), frequency_keys(speech)
    if action == "f" and parts[1:] == ["w"]:
        return speech.text("digest.ask_day"), day_keys(speech)
    if action == "f" and parts[1:] == ["d"]:
        return speech.text("digest.ask_time_daily"), time_keys("d-")
    if action == "t" and len(parts) == 2:
        on_days = speech.text(f"digest.on_days.{int(parts[1][1])}")  # w0-w6 (BUTTON_DATA)
        return speech.text("digest.ask_time_weekly", on_days=on_days), time_keys(parts[1])
    if action == "z" and len(parts) == 3:
        text = speech.text("digest.ask_zone") + "\n" + speech.text("digest.typed_hint")
        return text, zone_keys(speech, parts[1], parts[2])
    return None
