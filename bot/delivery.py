"""Sending digests to every subscriber exactly once, within Telegram's limits.

The delivery log (``digest_deliveries``) has one row per (edition, chat). An edition is a
scheduled slot (``slot:2025-02-05T04:00Z``, derived from the subscription, so planning the
same slot twice inserts nothing) or an admin's broadcast (``now:<chat>:<message>``, from
the confirmation message, so a double tap inserts nothing either). A row moves
``pending -> sending -> sent`` (or ``failed``, ``skipped``: blocked/gone/unsubscribed,
``unknown``), each step its own committed transaction:

* ``sending`` is committed just before the request goes to Telegram and ``sent`` just after
  the answer, so a kill can leave only the rows in flight at that instant undecided:
  ``in_flight`` rows at most (the window below), for about one HTTP round trip each.
* A run that starts finds such rows (``sending`` with nobody sending them: the lease below
  guarantees it) and marks them ``unknown`` rather than sending again: Telegram has no
  idempotency key, and a second copy is what exactly-once forbids. Nothing is lost: the
  updates that digest carried are recorded as received only on ``sent``, so the
  subscriber's next digest repeats them.
* The same rule holds while running: a failure that proves the message never arrived (a
  429, a 5xx, no connection) puts the row back to ``pending`` and it is retried (after
  ``retry_after`` for a 429, with backoff otherwise); a read timeout may hide a delivered
  message, so that row becomes ``unknown`` and is not resent.
* Blocked users (403 Forbidden) and chats that are gone (400 chat not found) are
  unsubscribed and never retried; other refusals (400) are recorded as ``failed``.

One process delivers at a time: a lease row (``digest_lease``) names the owner, renewed
while it works, taken over at once when its process is dead (same host: no such process, a
zombie nobody reaped, or a new process that reused its pid) or after ``LEASE`` seconds. So
the bot and ``visitbot digest send`` can both run without sending twice, and a restart after
a crash resumes at once.

One bad row never stops a run: subscriptions that cannot be scheduled are repaired or paused
first (their chats told once, :mod:`bot.notices`), and a row that fails in an unexpected way
is recorded as failed with the reason while the others go on. A group that became a
supergroup is followed to its new id (:mod:`bot.chat_migration`). When an admin's
broadcast is over, the run that finished it edits the admin's prompt with the result
(:mod:`bot.broadcasts`).

Languages: each chat's digest (and notice) is composed in its language: the one the chat
chose (:func:`bot.chat_languages.all_chosen`, read once per page of rows), else the one
stored when it subscribed, else English. A broadcast's result is said in its admin's chat's
choice. Most subscribers get the same text, so each different digest is composed once a run.

Speed: a window of up to ``in_flight`` rows is sent at once (``VISITBOT_DIGEST_IN_FLIGHT``,
10 by default), because a real server is 50-200 ms from Telegram and one message at a time
would leave most of Telegram's 30/s unused. :class:`bot.pacing.Pacer` keeps the limits
before a row is claimed: sends paced to ``rate`` (28/s, smoothly, no start-up burst), one
429 pausing the whole window, parts of one digest to one chat in order and 1 s apart, 20 a
minute to a group. Pending rows are read a page at a time (keyset order), so a run's memory
does not grow with the audience.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import logging
import os
import secrets
import socket
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot import broadcasts, chat_languages, notices, subscriptions
from bot import digest as compose
from bot.brain.speech import ENGLISH, Speech
from bot.pacing import ChatTurns, Pacer
from bot.ratelimit import NO_RETRIES, never_arrived, retry_after_seconds
from knowledge.models import Record

log = logging.getLogger(__name__)

Clock = Callable[[], dtm.datetime]
TABLE = "digest_deliveries"
SEEN = "digest_seen"
LEASE_TABLE = "digest_lease"
LEASE = 60.0  # seconds a lease lasts unless renewed
EARLY = dtm.timedelta(seconds=2)  # a timer firing this early still counts as on time
MAX_LATE = dtm.timedelta(hours=12)  # a slot missed by longer (bot down) is not sent late
IN_FLIGHT_NOTE = "in flight when a run stopped: it may or may not have arrived; not resent"
DEFAULT_IN_FLIGHT = 10  # the delivery window: 28/s needs ~8 at a 200 ms round trip
MAX_ERRORS = 50  # failures a report lists (the log has every one)
COMPOSED = 64  # different digests kept composed during a run

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, SKIPPED, UNKNOWN = "failed", "skipped", "unknown"


def system_clock() -> dtm.datetime:
    return dtm.datetime.now(dtm.UTC)


def slot_edition(slot: dtm.datetime) -> str:
    return f"slot:{slot.astimezone(dtm.UTC):%Y-%m-%dT%H:%MZ}"


# -- the log -------------------------------------------------------------------------------


_READY: weakref.WeakSet[Database] = weakref.WeakSet()


def ensure_tables(db: Database) -> None:
    """Create the digest tables once per connection; a knowledge rebuild never drops them."""
    if db in _READY:
        return
    subscriptions.ensure_table(db)
    db.executescript(
        f"""
        CREATE TABLE IF NOT EXISTS {TABLE} (
            edition TEXT NOT NULL, chat_id INTEGER NOT NULL, kind TEXT NOT NULL,
            state TEXT NOT NULL, planned_at TEXT NOT NULL, claimed_at TEXT, done_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0, owner TEXT, message_ids TEXT,
            error TEXT, PRIMARY KEY (edition, chat_id));
        CREATE INDEX IF NOT EXISTS {TABLE}_state ON {TABLE}(state, planned_at);
        CREATE INDEX IF NOT EXISTS {TABLE}_chat ON {TABLE}(chat_id, state);
        CREATE TABLE IF NOT EXISTS {SEEN} (
            chat_id INTEGER NOT NULL, update_id TEXT NOT NULL, edition TEXT NOT NULL,
            PRIMARY KEY (chat_id, update_id));
        CREATE TABLE IF NOT EXISTS {LEASE_TABLE} (
            name TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL,
            host TEXT NOT NULL, expires REAL NOT NULL, started TEXT);
        """
    )
    columns = {r[1] for r in db.execute(f"PRAGMA table_info({LEASE_TABLE})").fetchall()}
    if "started" not in columns:  # a store from before the pid-reuse check
        db.execute(f"ALTER TABLE {LEASE_TABLE} ADD COLUMN started TEXT")
    notices.ensure_table(db)
    broadcasts.ensure_table(db)
    _READY.add(db)


@dataclass(frozen=True)
class Row:
    edition: str
    chat_id: int
    kind: str  # scheduled | broadcast
    chosen: str | None = field(default=None, compare=False)  # the chat's chosen language


def plan_due(db: Database, now: dtm.datetime) -> int:
    """Insert a pending row for every subscription whose latest slot is due and not yet
    planned. Deterministic: planning again (another timer, a restart) inserts nothing."""
    planned = 0
    with db.atomic():
        for sub in subscriptions.each_active(db):  # streamed: flat in the audience
            slot = sub.schedule.latest(now + EARLY)
            if slot < sub.since or now - slot > MAX_LATE:
                continue
            edition = slot_edition(slot)
            cursor = db.execute(
                f"INSERT OR IGNORE INTO {TABLE} (edition, chat_id, kind, state, planned_at) "
                "VALUES (?, ?, 'scheduled', 'pending', ?)",
                [edition, sub.chat_id, now.isoformat()],
            )
            if cursor.rowcount:
                planned += 1
                # An older slot still waiting (bot was down) is covered by this one.
                db.execute(
                    f"UPDATE {TABLE} SET state = 'skipped', error = ?, done_at = ? "
                    "WHERE chat_id = ? AND kind = 'scheduled' AND state = 'pending' "
                    "AND edition < ?",
                    [f"superseded by {edition}", now.isoformat(), sub.chat_id, edition],
                )
    return planned


def plan_broadcast(db: Database, edition: str, now: dtm.datetime) -> int:
    """Pending rows of an admin's broadcast for every active subscriber (once per edition)."""
    ensure_tables(db)
    with db.atomic():
        cursor = db.execute(
            f"INSERT OR IGNORE INTO {TABLE} (edition, chat_id, kind, state, planned_at) "
            f"SELECT ?, chat_id, 'broadcast', 'pending', ? FROM {subscriptions.TABLE} "
            "WHERE active = 1",
            [edition, now.isoformat()],
        )
    return int(cursor.rowcount)


Key = tuple[str, str, int]  # (planned_at, edition, chat_id): the order rows are sent in


def pending(db: Database, limit: int) -> list[Row]:
    """The first ``limit`` pending rows in sending order."""
    return [row for _, row in page(db, limit)]


def page(db: Database, limit: int, after: Key | None = None) -> list[tuple[Key, Row]]:
    """The next ``limit`` pending rows after ``after`` in sending order, with their keys."""
    where, args = "state = 'pending'", []
    if after is not None:
        where += " AND (planned_at, edition, chat_id) > (?, ?, ?)"
        args = list(after)
    rows = db.execute(
        f"SELECT planned_at, edition, chat_id, kind FROM {TABLE} WHERE {where} "
        "ORDER BY planned_at, edition, chat_id LIMIT ?",
        [*args, limit],
    ).fetchall()
    return [((p, e, int(c)), Row(e, int(c), k)) for p, e, c, k in rows]


def pending_rows(db: Database, size: int) -> Iterator[Row]:
    """Every pending row in sending order, read ``size`` at a time (never all at once),
    each with its chat's chosen language (read once per page)."""
    after: Key | None = None
    while found := page(db, size, after):
        chosen = chat_languages.all_chosen(db, {row.chat_id for _, row in found})
        for _, row in found:
            yield Row(row.edition, row.chat_id, row.kind, chosen.get(row.chat_id))
        after = found[-1][0]


def count_pending(db: Database) -> int:
    return int(db.execute(f"SELECT count(*) FROM {TABLE} WHERE state = 'pending'").fetchone()[0])


def _update(db: Database, row: Row, sql: str, args: list[Any], states: tuple[str, ...]) -> bool:
    marks = ", ".join("?" for _ in states)
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {TABLE} SET {sql} WHERE edition = ? AND chat_id = ? AND state IN ({marks})",
            [*args, row.edition, row.chat_id, *states],
        )
    return cursor.rowcount == 1


def abandon_in_flight(db: Database, now: dtm.datetime) -> int:
    """Rows left ``sending`` by a run that stopped: undecided, so not sent again."""
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {TABLE} SET state = 'unknown', error = ?, done_at = ? WHERE state = 'sending'",
            [IN_FLIGHT_NOTE, now.isoformat()],
        )
    return int(cursor.rowcount)


def last_received(db: Database, chat_id: int) -> tuple[dtm.datetime | None, set[str]]:
    """When the chat last got a digest, and the updates it has received."""
    found = db.execute(
        f"SELECT max(done_at) FROM {TABLE} WHERE chat_id = ? AND state = 'sent'", [chat_id]
    ).fetchone()[0]
    seen = {r[0] for r in db.execute(f"SELECT update_id FROM {SEEN} WHERE chat_id = ?", [chat_id])}
    return (dtm.datetime.fromisoformat(found) if found else None), seen


def state_counts(db: Database, edition: str | None = None) -> dict[str, int]:
    ensure_tables(db)
    where, args = ("WHERE edition = ?", [edition]) if edition else ("", [])
    rows = db.execute(
        f"SELECT CASE WHEN state = 'skipped' AND error IN ('blocked', 'gone') THEN error "
        f"ELSE state END, count(*) FROM {TABLE} {where} GROUP BY 1",
        args,
    ).fetchall()
    return {str(k): int(n) for k, n in rows}


def sent_since(db: Database, since: dtm.datetime) -> int:
    ensure_tables(db)
    return int(
        db.execute(
            f"SELECT count(*) FROM {TABLE} WHERE state = 'sent' AND done_at >= ?",
            [since.isoformat()],
        ).fetchone()[0]
    )


@contextlib.contextmanager
def lazy_sync(db: Database) -> Iterator[None]:
    """Commit without waiting for the disk (``synchronous=NORMAL``, in WAL mode): for the
    outcome of a send, never for the claim before it. A kill -9 loses nothing either way; a
    power cut may lose this commit, which leaves the row ``sending`` (the claim was synced,
    and syncing it synced everything before it too), so it becomes ``unknown``: never sent
    twice. It halves the waits for the disk that hold up the event loop per message."""
    before = db.execute("PRAGMA synchronous").fetchone()[0]
    if before <= 1:  # NORMAL or OFF already
        yield
        return
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        db.execute(f"PRAGMA synchronous = {int(before)}")


# -- one deliverer at a time ---------------------------------------------------------------


def process_started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), or None if there
    is no such process or it is a zombie: it has exited and only waits for its parent to
    reap it (common for a container's PID 1 without an init). Where /proc is missing, a
    process that exists counts as alive ("?")."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else _exists(pid)
    except OSError:
        return "?"
    fields = stat[stat.rfind(")") + 2 :].split()  # the name may hold spaces and parentheses
    if not fields or fields[0] in ("Z", "X"):  # zombie, or dead
        return None
    return fields[19] if len(fields) > 19 else "?"


def _exists(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return "?"
    return "?"


def owner_dead(pid: int, started: str | None) -> bool:
    """A lease holder on this host is dead: no live process with its pid, or the pid now
    belongs to another process (a restart that got the same pid, as PID 1 in a container)."""
    now = process_started(pid)
    return now is None or (started not in (None, "?") and now not in ("?", started))


class Lease:
    """The right to deliver, held by one process at a time (see the module docstring)."""

    def __init__(self, db: Database, ttl: float = LEASE) -> None:
        ensure_tables(db)
        self.db = db
        self.ttl = ttl
        self.host = socket.gethostname()
        self.owner = f"{self.host}:{os.getpid()}:{secrets.token_hex(4)}"
        self.started = process_started(os.getpid())

    def acquire(self) -> str | None:
        """Take the lease; None on success, else who holds it."""
        now = time.time()
        held = self.db.execute(
            f"SELECT owner, pid, host, started FROM {LEASE_TABLE} WHERE name = 'digest'"
        ).fetchone()
        dead = ""
        if held is not None and held[2] == self.host and owner_dead(int(held[1]), held[3]):
            dead = str(held[0])  # its process is gone: no need to wait for the expiry
        with self.db.atomic():
            self.db.execute(
                f"INSERT INTO {LEASE_TABLE} (name, owner, pid, host, expires, started) "
                "VALUES ('digest', ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "owner = excluded.owner, pid = excluded.pid, host = excluded.host, "
                "expires = excluded.expires, started = excluded.started "
                f"WHERE {LEASE_TABLE}.owner = excluded.owner "
                f"OR {LEASE_TABLE}.expires < ? OR {LEASE_TABLE}.owner = ?",
                [self.owner, os.getpid(), self.host, now + self.ttl, self.started, now, dead],
            )
        holder = self.db.execute(
            f"SELECT owner FROM {LEASE_TABLE} WHERE name = 'digest'"
        ).fetchone()[0]
        return None if holder == self.owner else str(holder)

    def renew(self) -> None:
        with self.db.atomic():
            self.db.execute(
                f"UPDATE {LEASE_TABLE} SET expires = ? WHERE name = 'digest' AND owner = ?",
                [time.time() + self.ttl, self.owner],
            )

    def release(self) -> None:
        with self.db.atomic():
            self.db.execute(
                f"DELETE FROM {LEASE_TABLE} WHERE name = 'digest' AND owner = ?", [self.owner]
            )


# -- sending -------------------------------------------------------------------------------


@dataclass
class Options:
    """How a delivery run behaves. The defaults are the production ones."""

    # Messages a second, evenly spaced. Telegram allows 30 in any second; 2 fewer leave room
    # for the jitter of the network (a 429 costs a second of pause, 28 messages).
    rate: float = 28.0
    in_flight: int = DEFAULT_IN_FLIGHT  # rows sent at once = most a kill can leave undecided
    retries: int = 3  # for failures that surely did not arrive (5xx, no connection)
    backoff: float = 1.0  # seconds before the first such retry, doubling
    rate_waits: int = 10  # 429s one message may meet before it is recorded as failed
    part_gap: float = 1.05  # seconds between parts to one chat (1 message/s per chat)
    read_timeout: float | None = None  # None: the bot's own
    batch: int = 200  # pending rows read at a time
    group_per_minute: float = 20  # messages to one group (Telegram allows 20 a minute)


@dataclass
class Report:
    """What one delivery run did."""

    planned: int = 0
    sent: int = 0
    blocked: int = 0
    gone: int = 0
    failed: int = 0
    unknown: int = 0  # undecided now (a read timeout): not resent
    skipped: int = 0  # unsubscribed before their turn
    resumed_unknown: int = 0  # left in flight by an earlier run that stopped
    rate_limited: int = 0  # 429 answers waited out
    paused: int = 0  # subscriptions that cannot be scheduled (a zone that does not exist)
    migrated: int = 0  # groups followed to their new supergroup id
    told: int = 0  # notices sent (why a chat's digests were paused)
    busy: str | None = None  # another process holds the lease
    errors: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text)

    def summary(self) -> str:
        if self.busy:
            return f"another process is delivering digests right now ({self.busy}); nothing sent"
        text = (
            f"sent {self.sent}; blocked (unsubscribed) {self.blocked}; chat gone (unsubscribed) "
            f"{self.gone}; failed {self.failed}; outcome unknown {self.unknown}"
        )
        if self.skipped:
            text += f"; skipped (unsubscribed meanwhile) {self.skipped}"
        if self.resumed_unknown:
            text += (
                f"; {self.resumed_unknown} left in flight by a run that stopped "
                "(marked unknown, not resent)"
            )
        if self.rate_limited:
            text += f"; waited out {self.rate_limited} \u00d7 429"
        if self.paused:
            text += f"; paused {self.paused} subscriptions that cannot be scheduled"
        if self.migrated:
            text += f"; followed {self.migrated} groups to their supergroup"
        if self.told:
            text += f"; told {self.told} chats why their digests stopped"
        return text


@dataclass
class _Attempt:
    """Where one chat's delivery stands: parts sent, whether its row is claimed, retries."""

    sent_ids: list[int] = field(default_factory=list)
    claimed: bool = False
    attempts: int = 0  # failures that surely did not arrive
    waits: int = 0  # 429s waited out


GONE_MARKERS = ("chat not found", "user not found", "peer_id_invalid")


def chat_is_gone(error: BadRequest) -> bool:
    """Telegram has no error class for a chat that no longer exists; its text says so."""
    return any(marker in error.message.lower() for marker in GONE_MARKERS)


class Broadcaster:
    """Delivers every pending digest: scheduled slots that are due, and broadcasts.

    ``deliver()`` may be called from anywhere at any time (timers, the admin, the CLI):
    calls that arrive while a run is going wait for the next run, which covers them.
    """

    def __init__(
        self,
        db: Database,
        bot: Bot,
        record: Callable[[], Record],
        *,
        clock: Clock = system_clock,
        options: Options | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        speeches: Callable[[], Mapping[str, Speech]] | None = None,
    ) -> None:
        ensure_tables(db)
        self.db = db
        self.bot = bot
        self.record = record
        self.speeches = speeches
        self.clock = clock
        self.options = options or Options()
        self.should_stop = should_stop
        self.lease = Lease(db)
        self._lock = asyncio.Lock()
        self._requested = 0
        self._finished = 0
        self._last = Report()
        self._pacer: Pacer | None = None  # per run: its event loop's clock
        # Digests composed this run: most subscribers get the same text (same language, same
        # news), so it is composed once, not once per subscriber (CPU, not memory: bounded).
        self._composed: dict[tuple[object, ...], tuple[Speech, list[str]]] = {}
        self._composed_for: Record | None = None
        self._turns = ChatTurns()

    def speech_for(self, chat_id: int, stored: str | None = None) -> Speech:
        """The Speech a chat is written to in: its choice, else ``stored``, else English."""
        return self._speech(chat_languages.chosen(self.db, chat_id) or stored)

    def _speech(self, lang: str | None) -> Speech:
        found = self.speeches() if self.speeches is not None else {}
        speech = found.get(lang or ENGLISH) or found.get(ENGLISH)
        return speech if speech is not None else compose.english(self.record())

    @property
    def pacer(self) -> Pacer:
        if self._pacer is None:
            o = self.options
            self._pacer = Pacer(o.rate, o.part_gap, o.group_per_minute, ramp=o.in_flight)
        return self._pacer

    async def deliver(self) -> Report:
        """Run (or wait for) a delivery run that starts after this call."""
        self._requested += 1
        ticket = self._requested
        async with self._lock:
            if self._finished >= ticket:
                return self._last
            covers = self._requested
            self._last = await self._run()
            self._finished = covers
            return self._last

    async def _run(self) -> Report:
        report = Report()
        holder = self.lease.acquire()
        if holder is not None:
            report.busy = holder
            return report
        keeper = asyncio.create_task(self._keep_lease())
        try:
            now = self.clock()
            report.paused = len(subscriptions.repair_or_quarantine(self.db, now))
            report.resumed_unknown = abandon_in_flight(self.db, now)
            notices.abandon_in_flight(self.db, now)
            report.planned = plan_due(self.db, now)
            self._pacer = None  # a fresh pace per run (and per event loop)
            await self._tell_all(report)
            left = count_pending(self.db)
            while left and not self.should_stop():
                await self._send_window(report)
                before, left = left, count_pending(self.db)
                if left >= before:
                    break  # nothing moved (stopping): don't spin
            await self._report_broadcasts()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            self.lease.release()
        if report.resumed_unknown or report.sent or report.failed or report.unknown:
            log.info("digest delivery: %s", report.summary())
        return report

    async def _tell_all(self, report: Report) -> None:
        """Send the notices owed (why a chat's digests were paused), each at most once."""
        for notice in notices.pending(self.db):
            if self.should_stop():
                return
            await self.pacer.turn(notice.chat_id)
            if not notices.move(self.db, notice, "sending", "pending", self.clock()):
                continue
            try:
                sub = subscriptions.get(self.db, notice.chat_id)
                text = notice.say(self.speech_for(notice.chat_id, sub.lang if sub else None))
                await self._send(notice.chat_id, text)
            except (RetryAfter, NetworkError) as error:
                if isinstance(error, RetryAfter) or never_arrived(error):
                    notices.move(self.db, notice, "pending", "sending", self.clock())
                    return  # Telegram is busy or away: the next run tells them
                notices.move(self.db, notice, "unknown", "sending", self.clock(), error.message)
            except TelegramError as error:
                notices.move(self.db, notice, "failed", "sending", self.clock(), error.message)
            else:
                notices.move(self.db, notice, "sent", "sending", self.clock())
                report.told += 1

    async def _report_broadcasts(self) -> None:
        """Edit each finished broadcast's admin prompt with its result (once)."""
        for prompt in broadcasts.finished(self.db, TABLE):
            if self.should_stop() or not broadcasts.mark_reported(self.db, prompt, self.clock()):
                continue
            speech = self.speech_for(prompt.chat_id)
            text = broadcasts.result_text(state_counts(self.db, prompt.edition), speech)
            try:
                await self.bot.edit_message_text(
                    text, chat_id=prompt.chat_id, message_id=prompt.message_id
                )
            except TelegramError as error:  # deleted prompt, or Telegram away: the log has it
                log.info("could not report broadcast %s: %s", prompt.edition, error)

    async def _keep_lease(self) -> None:
        while True:
            await asyncio.sleep(self.lease.ttl / 3)
            self.lease.renew()

    async def _send_window(self, report: Report) -> None:
        """Send every pending row, up to ``in_flight`` at once, each as soon as the pacer
        lets it go; rows are read a page at a time, so nothing grows with the audience."""
        window = asyncio.Semaphore(max(1, self.options.in_flight))
        running: set[asyncio.Task[None]] = set()
        failure: list[BaseException] = []

        async def one(row: Row) -> None:
            try:
                async with self._turns.turn(row.chat_id):
                    await self._deliver(row, report)
            except InvalidToken as error:  # nothing will get through: stop the run
                failure.append(error)
            except Exception as error:  # one bad row must not stop the others
                log.exception("digest %s to chat %s failed", row.edition, row.chat_id)
                self._fail(row, report, f"{type(error).__name__}: {error}"[:300])
            finally:
                window.release()

        try:
            for row in pending_rows(self.db, self.options.batch):
                await window.acquire()
                if failure or self.should_stop():
                    window.release()
                    break
                task = asyncio.create_task(one(row))
                running.add(task)
                task.add_done_callback(running.discard)
        finally:
            if running:
                await asyncio.gather(*running, return_exceptions=True)
        if failure:
            raise failure[0]

    def _compose(self, row: Row) -> tuple[list[str], list[str]] | None:
        """The chat's digest as messages, and the update ids it carries (None: not owed)."""
        sub = subscriptions.get(self.db, row.chat_id)
        if sub is None or not sub.active:
            return None  # unsubscribed, or paused (see subscriptions.repair_or_quarantine)
        record = self.record()
        last, seen = last_received(self.db, row.chat_id)
        new = [u for u in record.updates if u.id not in seen]
        day = last.astimezone(sub.schedule.zone).date() if last else None
        kind: compose.Kind = "scheduled" if row.kind == "scheduled" else "broadcast"
        speech = self._speech(row.chosen or sub.lang)
        shown = [u.id for u in new]
        key = (kind, id(speech), tuple(shown), day)
        cached = self._composed.get(key)
        if cached is not None and cached[0] is speech and self._composed_for is record:
            return cached[1], shown
        if self._composed_for is not record or len(self._composed) >= COMPOSED:
            self._composed.clear()
            self._composed_for = record
        parts = compose.personal(record, kind, new, day, speech).html_parts()
        self._composed[key] = (speech, parts)
        return parts, shown

    def _finish(self, row: Row, state: str, error: str | None = None, **extra: Any) -> None:
        now = self.clock().isoformat()
        ids = extra.get("message_ids")
        with lazy_sync(self.db), self.db.atomic():
            self.db.execute(
                f"UPDATE {TABLE} SET state = ?, error = ?, done_at = ?, "
                "message_ids = coalesce(?, message_ids) "
                "WHERE edition = ? AND chat_id = ? AND state IN ('pending', 'sending')",
                [state, error, now, json.dumps(ids) if ids else None, row.edition, row.chat_id],
            )
            for update_id in extra.get("shown", ()):
                self.db.execute(
                    f"INSERT OR IGNORE INTO {SEEN} (chat_id, update_id, edition) VALUES (?, ?, ?)",
                    [row.chat_id, update_id, row.edition],
                )
            if error in ("blocked", "gone"):
                self.db.execute(
                    f"UPDATE {subscriptions.TABLE} SET active = 0, ended = ?, updated = ? "
                    "WHERE chat_id = ? AND active = 1",
                    [error, now, row.chat_id],
                )

    async def _deliver(self, row: Row, report: Report) -> None:
        """One chat's digest: claim, send (all parts), record; retry what is safe."""
        composed = self._compose(row)
        if composed is None:
            self._finish(row, SKIPPED, "not subscribed any more")
            report.skipped += 1
            return
        parts, shown = composed
        attempt = _Attempt()
        while True:
            await self.pacer.turn(row.chat_id)  # limits kept before the row is claimed
            if self.should_stop() and not attempt.sent_ids:
                if attempt.claimed:
                    self._release(row)
                return
            if not attempt.claimed:
                if not self._claim(row):
                    return  # no longer pending (another run took it)
                attempt.claimed = True
            try:
                message = await self._send(row.chat_id, parts[len(attempt.sent_ids)])
            except TelegramError as error:
                going_on = await self._after_error(row, error, attempt, report)
                if going_on is None:
                    return
                row = going_on
                continue
            attempt.sent_ids.append(message.message_id)
            if len(attempt.sent_ids) == len(parts):
                self._finish(row, SENT, message_ids=attempt.sent_ids, shown=shown)
                report.sent += 1
                return

    async def _after_error(
        self, row: Row, error: TelegramError, attempt: _Attempt, report: Report
    ) -> Row | None:
        """Record or retry after a failed send: the row to try again (moved, if the chat
        became a supergroup), or None when the row is decided."""
        if isinstance(error, RetryAfter):
            report.rate_limited += 1
            attempt.waits += 1
            self.pacer.pause(retry_after_seconds(error))
            if attempt.waits > self.options.rate_waits:
                self._fail(row, report, f"still rate limited after {attempt.waits} waits")
                return None
            attempt.claimed = self._release_unless(row, attempt.sent_ids, attempt.claimed)
            return row
        if isinstance(error, ChatMigrated):  # the group is a supergroup now: follow it
            followed = self._follow(row, int(error.new_chat_id))
            if followed is None:
                self._finish(row, SKIPPED, f"migrated to {error.new_chat_id}")
                report.skipped += 1
            else:
                report.migrated += 1
            return followed
        if isinstance(error, InvalidToken):
            self._release_unless(row, attempt.sent_ids, attempt.claimed)
            raise error
        if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
            return await self._after_network_error(row, error, attempt, report)
        self._refused(row, error, report)
        return None

    def _refused(self, row: Row, error: TelegramError, report: Report) -> None:
        """Telegram read the request and refused it: the same request fails again."""
        if isinstance(error, Forbidden):
            self._finish(row, SKIPPED, "blocked")
            report.blocked += 1
        elif isinstance(error, BadRequest) and chat_is_gone(error):
            self._finish(row, SKIPPED, "gone")
            report.gone += 1
        elif isinstance(error, BadRequest):
            self._fail(row, report, f"refused: {error.message}")
        else:
            self._fail(row, report, f"{type(error).__name__}: {error.message}")

    async def _after_network_error(
        self, row: Row, error: NetworkError, attempt: _Attempt, report: Report
    ) -> Row | None:
        if not never_arrived(error):
            self._finish(row, UNKNOWN, f"may have arrived: {error.message}")
            report.unknown += 1
            return None
        attempt.attempts += 1
        if attempt.attempts > self.options.retries:
            self._fail(row, report, f"after {attempt.attempts} attempts: {error.message}")
            return None
        attempt.claimed = self._release_unless(row, attempt.sent_ids, attempt.claimed)
        await asyncio.sleep(self.options.backoff * 2 ** (attempt.attempts - 1))
        return row

    def _follow(self, row: Row, new_chat_id: int) -> Row | None:
        """Move the chat's digest to its supergroup; the row to go on sending (None: the
        supergroup had a row of its own for this edition, or the move was refused)."""
        from bot.chat_migration import migrate_chat  # it builds on this module

        migrate_chat(self.db, row.chat_id, new_chat_id, self.clock())
        moved = Row(row.edition, new_chat_id, row.kind)
        found = self.db.execute(
            f"SELECT state FROM {TABLE} WHERE edition = ? AND chat_id = ?",
            [moved.edition, moved.chat_id],
        ).fetchone()
        still_ours = found is not None and found[0] == SENDING and row.chat_id != new_chat_id
        return moved if still_ours and subscriptions.get(self.db, new_chat_id) else None

    def _claim(self, row: Row) -> bool:
        return _update(
            self.db,
            row,
            "state = 'sending', owner = ?, claimed_at = ?, attempts = attempts + 1",
            [self.lease.owner, self.clock().isoformat()],
            (PENDING,),
        )

    def _release(self, row: Row) -> None:
        _update(self.db, row, "state = 'pending', owner = NULL", [], (SENDING,))

    def _release_unless(self, row: Row, sent_ids: list[int], claimed: bool) -> bool:
        """Back to pending when nothing of it reached the chat; True if still claimed."""
        if claimed and not sent_ids:
            self._release(row)
            return False
        return claimed

    def _fail(self, row: Row, report: Report, error: str) -> None:
        log.warning("digest %s to chat %s failed: %s", row.edition, row.chat_id, error)
        self._finish(row, FAILED, error)
        report.failed += 1
        report.error(f"{row.chat_id}: {error}")

    async def _send(self, chat_id: int, text: str) -> Any:
        kwargs: dict[str, Any] = {}
        if isinstance(self.bot, ExtBot) and self.bot.rate_limiter is not None:
            kwargs["rate_limit_args"] = NO_RETRIES  # retries are ours (the window's pause)
        if self.options.read_timeout is not None:
            kwargs["read_timeout"] = self.options.read_timeout
        try:
            return await self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                **kwargs,
            )
        finally:
            self.pacer.answered(chat_id)
