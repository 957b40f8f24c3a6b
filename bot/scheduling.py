"""Timers for scheduled digests, rebuilt from the store at start-up.

JobQueue jobs are not persisted, so the store is the truth and the jobs are derived from it:
one ``run_once`` job per upcoming slot instant (``digest:slot:2025-02-05T04:00Z``), shared
by every subscriber due then, so 1,000 subscribers at 09:00 make one timer, not 1,000.
:meth:`DigestScheduler.sync` makes the jobs match the subscriptions exactly (adding what
is missing, removing what is no longer wanted, never doubling a name), and runs at start-up,
after every change and after every slot.

A timer only says "look now": the delivery run plans what is due from the subscriptions
(:func:`bot.delivery.plan_due`), so a timer that fires late, twice or not at all (a sweep
every few minutes catches that) cannot send anything twice or skip a slot that is due.

``clock`` is injectable: tests move time, not wait for it. Delays are computed from it, so
a clock set to 08:59:59 makes the 09:00 job fire one real second later.

Start-up resumes an interrupted broadcast at once. If it cannot (the store is locked by
another process, or another process holds the delivery lease) it looks again within
seconds, not at the next sweep.
"""

from __future__ import annotations

import datetime as dtm
import logging
import sqlite3
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from telegram.error import TelegramError

from bot import broadcasts, delivery, subscriptions
from bot.delivery import Broadcaster, Clock, Options, system_clock
from bot.services import Services, services_of

log = logging.getLogger(__name__)

SLOT_PREFIX = "digest:slot:"
SWEEP = "digest:sweep"
STARTUP = "digest:startup"
SWEEP_EVERY = 300.0  # seconds
BUSY_RETRY = 2.0  # seconds: another process was delivering; look again then
STARTUP_RETRY = (0.5, 1.0, 2.0, 4.0)  # seconds between start-up attempts (the last repeats)
# A timer that fires late (busy loop, suspended machine) still runs; missed runs coalesce.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}

JobCallback = Callable[[Any], Coroutine[Any, Any, None]]


def slot_job_name(slot: dtm.datetime) -> str:
    return f"{SLOT_PREFIX}{slot.astimezone(dtm.UTC):%Y-%m-%dT%H:%MZ}"


class DigestScheduler:
    """The slot jobs in a JobQueue, kept equal to what the subscriptions need."""

    def __init__(self, job_queue: Any, callback: JobCallback) -> None:
        self.job_queue = job_queue
        self.callback = callback

    def slot_jobs(self) -> list[Any]:
        return [j for j in self.job_queue.jobs() if (j.name or "").startswith(SLOT_PREFIX)]

    def sync(self, subs: Iterable[subscriptions.Subscription], now: dtm.datetime) -> list[str]:
        """One job per upcoming slot instant; returns their names. A subscription whose next
        slot cannot be computed is skipped (and logged), never the whole schedule."""
        wanted: dict[str, dtm.datetime] = {}
        for sub in subs:
            try:
                slot = sub.schedule.next(now)
            except Exception:
                log.exception("digest schedule of chat %s skipped", sub.chat_id)
                continue
            wanted[slot_job_name(slot)] = slot
        kept: set[str] = set()
        for job in self.slot_jobs():
            if job.name in wanted and job.name not in kept:
                kept.add(job.name)
            else:  # no longer needed, or a duplicate name
                job.schedule_removal()
        for name, slot in sorted(wanted.items()):
            if name not in kept:
                delay = max(0.0, (slot - now).total_seconds())
                self.job_queue.run_once(self.callback, delay, name=name, job_kwargs=JOB_KWARGS)
        return sorted(wanted)


class DigestRuntime:
    """Everything the digest feature runs inside the Telegram application."""

    def __init__(
        self, application: Any, clock: Clock = system_clock, options: Options | None = None
    ) -> None:
        self.application = application
        self.clock = clock
        self.options = options  # None: the defaults, with the window from the settings
        self._broadcaster: Broadcaster | None = None
        self.scheduler = (
            DigestScheduler(application.job_queue, self.on_slot)
            if application.job_queue is not None
            else None
        )

    @property
    def services(self) -> Services:
        return services_of(self.application.bot_data)

    @property
    def broadcaster(self) -> Broadcaster:
        if self._broadcaster is None:
            services = self.services
            self._broadcaster = Broadcaster(
                services.db,
                self.application.bot,
                lambda: self.services.brain.record,
                clock=lambda: self.clock(),
                options=self.options or Options(in_flight=services.settings.digest_in_flight),
                should_stop=lambda: not self.application.running,
                speeches=lambda: self.services.brain.speeches,
            )
        return self._broadcaster

    def now(self) -> dtm.datetime:
        return self.clock()

    def sync_jobs(self) -> list[str]:
        """Make the slot jobs match the subscriptions (after any change)."""
        if self.scheduler is None:
            return []
        db = self.services.db
        return self.scheduler.sync(subscriptions.active(db), self.clock())

    def schedule_startup(self) -> None:
        """At start: rebuild the timers, resume an interrupted run, catch up what is due."""
        if self.scheduler is None:
            log.warning("no job queue (install python-telegram-bot[job-queue]): no digests")
            return
        jq = self.application.job_queue
        jq.run_once(self.startup, 0, name=STARTUP, job_kwargs=JOB_KWARGS)

    async def startup(self, context: Any, attempt: int = 0) -> None:
        """Repair or pause bad subscriptions, rebuild the timers and resume, retried within
        seconds while the store is locked (the sweep is set up first, whatever happens)."""
        jq = self.application.job_queue
        if not jq.get_jobs_by_name(SWEEP):
            jq.run_repeating(
                self.sweep, SWEEP_EVERY, first=SWEEP_EVERY, name=SWEEP, job_kwargs=JOB_KWARGS
            )
        try:
            db = self.services.db
            delivery.ensure_tables(db)
            subscriptions.repair_or_quarantine(db, self.clock())
            self.sync_jobs()
            await self.deliver()
        except sqlite3.OperationalError as error:  # locked by another process, most likely
            delay = STARTUP_RETRY[min(attempt, len(STARTUP_RETRY) - 1)]
            log.warning("digest start-up: store not usable (%s); trying again in %.1f s",
                        error, delay)  # fmt: skip

            async def retry(context: Any) -> None:
                await self.startup(context, attempt + 1)

            jq.run_once(retry, delay, name=f"{STARTUP}:retry", job_kwargs=JOB_KWARGS)

    async def on_slot(self, context: Any) -> None:
        self.sync_jobs()  # the next timers first: a failing run must not stop the schedule
        await self.deliver()

    async def sweep(self, context: Any) -> None:
        self.sync_jobs()
        await self.deliver()

    async def deliver(self) -> delivery.Report:
        """A delivery run; if another process (``visitbot digest send``) is delivering right
        now, look again shortly rather than at the next sweep."""
        report = await self.broadcaster.deliver()
        if report.busy:
            log.info("digest delivery: %s; retrying in %.0f s", report.summary(), BUSY_RETRY)
            self.application.job_queue.run_once(
                self.sweep, BUSY_RETRY, name="digest:busy-retry", job_kwargs=JOB_KWARGS
            )
        return report

    def broadcast(self, prompt: broadcasts.Prompt) -> None:
        """Deliver an admin's broadcast in the background. The run that finishes it edits the
        prompt with the result; a run that fails says so there, so it never hangs."""

        async def run(context: Any) -> None:
            try:
                await self.deliver()
            except Exception as error:
                log.exception("digest broadcast %s: the run stopped", prompt.edition)
                await self._tell_stopped(prompt, error)

        name = f"digest:{prompt.edition}"
        self.application.job_queue.run_once(run, 0, name=name, job_kwargs=JOB_KWARGS)

    async def _tell_stopped(self, prompt: broadcasts.Prompt, error: Exception) -> None:
        speech = self.broadcaster.speech_for(prompt.chat_id)
        text = speech.text("digest.broadcast_stopped", error=type(error).__name__)
        try:
            await self.application.bot.edit_message_text(
                text, chat_id=prompt.chat_id, message_id=prompt.message_id
            )
        except TelegramError as failure:
            log.info("could not report broadcast %s: %s", prompt.edition, failure)
