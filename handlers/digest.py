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
from bot.chat_migration import migrate_chat
from bot.delivery import Clock, Options, system_clock
from bot.formatting import excerpt
from bot.questionlog import question_stats
from bot.scheduling import DigestRuntime
from bot.services import services_of
from bot.storewriter import settle, store_writer_of
from bot.subscriptions import COMMON_ZONES, DAYS, Schedule
from handlers.common import Command, answer_press
from handlers.permissions import GROUP_ADMINS_ONLY, is_bot_admin, may_manage

T = TypeVar("T")
log = logging.getLogger(__name__)

PREFIX = "dg:"
TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "21:00")
MENU = [
    ("digest", "A summary digest of the visit"),
    ("subscribe", "Get the digest daily or weekly"),
    ("subscription", "Your digest subscription"),
    ("unsubscribe", "Stop the digests"),
]
NOT_ADMIN = "This command is for the bot's admins."
PROMPT_ADMINS_ONLY = "Only the bot's admins can use these buttons."
WAS_CANCELLED = "This broadcast was cancelled, so nothing was sent. /digest_now starts a new one."
ALREADY_SENDING = "It is already being sent; it can't be cancelled now."
ASK_FREQUENCY = "How often would you like the digest?"
TYPED_HINT = "Or type it, e.g. <code>/subscribe daily 09:00 Asia/Karachi</code>."
EXAMPLES = (
    "For example: <code>/subscribe daily 09:00 Asia/Karachi</code> or "
    "<code>/subscribe weekly mon 18:30 Asia/Almaty</code>. Or choose:"
)
SCHEDULE_WORDS = 6  # "weekly mon 18:30 Asia/Almaty" is four
SCHEDULE_WORD_CHARS = 40  # the longest zone name, America/Argentina/ComodRivadavia, is 32
BUTTON_EXPIRED = "This button has expired: send /subscribe to start again."
PROBLEMS_SHOWN = 3
PROBLEM_CHARS = 160
STATS_IN_PRIVATE = (
    "The statistics quote what people asked in private, so I show them only in a private "
    "chat: send /stats to @{bot} directly."
)
STATS_WINDOW = dtm.timedelta(days=7)  # "top unanswered" counts questions this recent
STATS_LISTED = 5
STATS_QUESTION_CHARS = 80  # each listed question is cut to this (the list stays short)

_RUNTIMES: weakref.WeakKeyDictionary[Any, DigestRuntime] = weakref.WeakKeyDictionary()


def runtime_of(application: Any) -> DigestRuntime:
    """The digest runtime of an application (tests set its clock and options)."""
    return _RUNTIMES[application]


# -- keyboards -----------------------------------------------------------------------------


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=PREFIX + data) for text, data in row]
         for row in rows]
    )  # fmt: skip


def frequency_keys() -> InlineKeyboardMarkup:
    return _keyboard([[("Daily", "f:d"), ("Weekly", "f:w")], [("Cancel", "x")]])


def day_keys() -> InlineKeyboardMarkup:
    days = [(d[:3].capitalize(), f"t:w{n}") for n, d in enumerate(DAYS)]
    return _keyboard([days[:4], days[4:]])


def time_keys(choice: str) -> InlineKeyboardMarkup:
    times = [(t, f"z:{choice}:{t.replace(':', '')}") for t in TIMES]
    return _keyboard([times[:3], times[3:]])


def zone_keys(choice: str, at: str) -> InlineKeyboardMarkup:
    zones = [(f"{label} ({zone})" if label != zone else zone, f"s:{choice}:{at}:{n}")
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


def _local(when: dtm.datetime, schedule: Schedule) -> str:
    local = when.astimezone(schedule.zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def subscribed_text(sub: subscriptions.Subscription, now: dtm.datetime) -> str:
    schedule = sub.schedule
    return (
        f"\u2705 You get the digest <b>{escape(schedule.describe())}</b>.\n"
        f"Next one: {_local(schedule.next(now), schedule)}.\n"
        "/subscribe to change it, /unsubscribe to stop."
    )


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
        parts = compose.on_demand(record).html_parts()
        chat = update.effective_chat
        sub = subscriptions.get(self._db(context), chat.id) if chat is not None else None
        offer = None if sub and sub.active else _keyboard([[("\U0001f514 Daily or weekly?", "f")]])
        for n, part in enumerate(parts):
            await self._reply(update, part, offer if n == len(parts) - 1 else None)

    async def subscribe(self, update: Update, context: Any) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        if not await may_manage(update, context):
            await self._reply(update, GROUP_ADMINS_ONLY)
            return
        if not context.args:
            await self._reply(update, f"{ASK_FREQUENCY}\n{TYPED_HINT}", frequency_keys())
            return
        db = self._db(context)
        current = subscriptions.get(db, chat.id)
        default = services_of(context.bot_data).settings.timezone
        zone = current.schedule.timezone if current else default
        if oversized(context.args):
            typed = excerpt(" ".join(context.args))
            text = f"That is longer than any schedule: \u201c{typed}\u201d.\n\n{EXAMPLES}"
            await self._reply(update, text, frequency_keys())
            return
        parsed = subscriptions.parse_schedule(context.args, zone)
        if parsed.schedule is None:
            shown = parsed.problems[:PROBLEMS_SHOWN]
            problems = "\n".join(f"\u2022 {excerpt(p, PROBLEM_CHARS)}" for p in shown)
            text = f"I couldn't set that up:\n{problems}\n\n{EXAMPLES}"
            await self._reply(update, text, frequency_keys())
            return
        sub = await self._save(context, chat.id, user.id if user else None, parsed.schedule)
        await self._reply(update, subscribed_text(sub, self.runtime.now()))

    async def _write(self, context: Any, job: Callable[[Any], T]) -> T:
        """A subscription write, off the event loop: through the store writer (one thread
        for all writes, waiting out another process's lock), or here when there is none."""
        writer = store_writer_of(context.bot_data)
        if writer is None:
            return job(self._db(context))
        return await writer.run(job, "subscription change")

    async def _save(
        self, context: Any, chat_id: int, user_id: int | None, schedule: Schedule
    ) -> subscriptions.Subscription:
        now = self.runtime.now()
        sub = await self._write(
            context, lambda db: subscriptions.subscribe(db, chat_id, user_id, schedule, now)
        )
        self.runtime.sync_jobs()
        return sub

    async def subscription(self, update: Update, context: Any) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        sub = subscriptions.get(self._db(context), chat.id)
        if sub is None or not sub.active:
            await self._reply(
                update,
                "You don't get digests yet. Daily or weekly?",
                _keyboard([[("\U0001f514 Subscribe", "f")]]),
            )
            return
        await self._reply(
            update,
            subscribed_text(sub, self.runtime.now()),
            _keyboard([[("Change", "f"), ("Unsubscribe", "u")]]),
        )

    async def _unsubscribe(self, context: Any, chat_id: int) -> str:
        now = self.runtime.now()
        ended = await self._write(
            context, lambda db: subscriptions.end(db, chat_id, "unsubscribed", now)
        )
        self.runtime.sync_jobs()
        if ended:
            return "Done: no more digests. /subscribe brings them back any time."
        return "You weren't subscribed. /subscribe to get digests daily or weekly."

    async def unsubscribe(self, update: Update, context: Any) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if not await may_manage(update, context):
            await self._reply(update, GROUP_ADMINS_ONLY)
            return
        await self._reply(update, await self._unsubscribe(context, chat.id))

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
        if not self._admin(update, context):
            await self._reply(update, NOT_ADMIN)
            return
        count = len(subscriptions.active(self._db(context)))
        if not count:
            await self._reply(update, "No one is subscribed yet, so there is no one to send to.")
            return
        await self._reply(
            update,
            f"Send the current digest to all <b>{count}</b> subscribers now?",
            _keyboard([[(f"Send to {count}", "n"), ("Cancel", "x")]]),
        )

    async def stats(self, update: Update, context: Any) -> None:
        """Admins only, and only in a private chat: the list quotes what people asked in
        private, which must not be shown to a group."""
        if not self._admin(update, context):
            await self._reply(update, NOT_ADMIN)
            return
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            await self._reply(update, STATS_IN_PRIVATE.format(bot=context.bot.username or "me"))
            return
        await settle(context.bot_data)  # questions just asked are in the figures
        await self._reply(update, stats_text(self._db(context), self.runtime.now()))

    # -- buttons -------------------------------------------------------------------------

    async def button(self, update: Update, context: Any) -> None:
        query = update.callback_query
        if query is None:
            return
        chat, message, parts = update.effective_chat, query.message, button_parts(query.data)
        if parts is None or chat is None or not isinstance(message, Message):
            await answer_press(context, query, BUTTON_EXPIRED)  # and the message stays as it is
            return
        prompt = parts[0] == "n" or _is_prompt(message) or self._was_prompt(context, message)
        refusal = await self._refusal(update, context, prompt)
        await answer_press(context, query, refusal, alert=refusal is not None)
        if refusal is not None:
            return

        async def edit(text: str, markup: InlineKeyboardMarkup | None = None) -> None:
            try:
                await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            except BadRequest as error:  # pressed twice: "message is not modified"
                log.info("digest button: %s", error)

        if prompt:
            await self._prompt_button(update, context, parts[0], message, edit)
        else:
            await self._choice_button(update, context, parts, chat.id, edit)

    def _was_prompt(self, context: Any, message: Message) -> bool:
        """A prompt already pressed (its keyboard may be gone: a late or queued press)."""
        return broadcasts.known(self._db(context), message.chat_id, message.message_id)

    async def _refusal(self, update: Update, context: Any, prompt: bool) -> str | None:
        """Why this press may not act (None: it may): an admin prompt is for the bot's
        admins, a group's digest for the group's admins."""
        if prompt:
            return None if self._admin(update, context) else PROMPT_ADMINS_ONLY
        return None if await may_manage(update, context) else GROUP_ADMINS_ONLY

    async def _choice_button(
        self, update: Update, context: Any, parts: list[str], chat_id: int, edit: Any
    ) -> None:
        action = parts[0]
        if action == "f" and len(parts) == 1:
            await edit(f"{ASK_FREQUENCY}\n{TYPED_HINT}", frequency_keys())
        elif action == "f" and parts[1:] == ["w"]:
            await edit("Weekly: on which day?", day_keys())
        elif action == "f" and parts[1:] == ["d"]:
            await edit("Daily: at what time?", time_keys("d-"))
        elif action == "t" and len(parts) == 2:
            day = DAYS[int(parts[1][1])].capitalize() if parts[1][1:].isdigit() else "?"
            await edit(f"Weekly on {day}s: at what time?", time_keys(parts[1]))
        elif action == "z" and len(parts) == 3:
            await edit(f"In which time zone?\n{TYPED_HINT}", zone_keys(parts[1], parts[2]))
        elif action == "s" and len(parts) == 4 and (schedule := _schedule(*parts[1:])):
            user = update.effective_user
            sub = await self._save(context, chat_id, user.id if user else None, schedule)
            await edit(subscribed_text(sub, self.runtime.now()))
        elif action == "u":
            await edit(await self._unsubscribe(context, chat_id))
        elif action == "x":
            await edit("Cancelled.")
        else:
            await edit("That button no longer works: send /subscribe to start again.")

    async def _prompt_button(
        self, update: Update, context: Any, action: str, message: Message, edit: Any
    ) -> None:
        """Send or Cancel on an admin's /digest_now prompt: the first press decides."""
        db = self._db(context)
        now = self.runtime.now()
        if action == "x":
            state = broadcasts.cancel(db, message.chat_id, message.message_id, now)
            if state == broadcasts.CANCELLED:
                await edit("Cancelled.")
            else:
                await context.bot.send_message(message.chat_id, ALREADY_SENDING)
            return
        if action != "n":
            return
        state, started = broadcasts.start(db, message.chat_id, message.message_id, now)
        if state == broadcasts.CANCELLED:
            await edit(WAS_CANCELLED)
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
        await edit(f"Sending the digest to {count} subscribers\u2026")
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


def stats_text(db: Any, now: dtm.datetime) -> str:
    """Subscribers, digests and questions, so the knowledge base can be improved."""
    subs = subscriptions.counts(db)
    states = delivery.state_counts(db)
    week = delivery.sent_since(db, now - dtm.timedelta(days=7))
    found = question_stats(db, top=STATS_LISTED, since=(now - STATS_WINDOW).timestamp())
    active = subs.get("daily", 0) + subs.get("weekly", 0)
    lines = [
        "<b>Subscribers</b>",
        f"Active: {active} (daily {subs.get('daily', 0)}, weekly {subs.get('weekly', 0)})",
        f"Ended: unsubscribed {subs.get('ended_unsubscribed', 0)}, blocked the bot "
        f"{subs.get('ended_blocked', 0)}, chat gone {subs.get('ended_gone', 0)}",
        "",
        "<b>Digests</b>",
        f"Sent: {states.get('sent', 0)} (last 7 days: {week}); failed: {states.get('failed', 0)}; "
        f"outcome unknown: {states.get('unknown', 0)}; waiting: {states.get('pending', 0)}",
        "",
        "<b>Questions</b>",
        f"Asked: {found.asked}; answered: {found.answered} ({found.share_answered:.0%})",
    ]
    if found.top_unanswered:
        lines.append(f"\n<b>Most asked without an answer, last {STATS_WINDOW.days} days</b>")
        lines += [f"{n}\u00d7 {excerpt(q, STATS_QUESTION_CHARS)}" for q, n in found.top_unanswered]
    return "\n".join(lines)


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
