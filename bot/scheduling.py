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
"""

from __future__ import annotations

import datetime as dtm
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from telegram.error import TelegramError

from bot import delivery, subscriptions
from bot.delivery import Broadcaster, Clock, Options, system_clock
from bot.services import Services, services_of

log = logging.getLogger(__name__)

SLOT_PREFIX = "digest:slot:"
SWEEP = "digest:sweep"
STARTUP = "digest:startup"
SWEEP_EVERY = 300.0  # seconds
BUSY_RETRY = 30.0  # seconds: another process was delivering; look again then
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
        """One job per upcoming slot instant; returns their names."""
        wanted = {slot_job_name(s.schedule.next(now)): s.schedule.next(now) for s in subs}
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
        self.options = options or Options()
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
                options=self.options,
                should_stop=lambda: not self.application.running,
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

    async def startup(self, context: Any) -> None:
        delivery.ensure_tables(self.services.db)
        self.sync_jobs()
        jq = self.application.job_queue
        if not jq.get_jobs_by_name(SWEEP):
            jq.run_repeating(
                self.sweep, SWEEP_EVERY, first=SWEEP_EVERY, name=SWEEP, job_kwargs=JOB_KWARGS
            )
        await self.deliver()

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

    def broadcast(self, edition: str, done: JobCallback) -> None:
        """Deliver an admin's broadcast in the background, then call ``done``."""

        async def run(context: Any) -> None:
            await self.deliver()
            try:
                await done(context)
            except TelegramError as error:
                log.info("could not report broadcast %s: %s", edition, error)

        self.application.job_queue.run_once(run, 0, name=f"digest:{edition}", job_kwargs=JOB_KWARGS)
