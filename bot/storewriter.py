"""The store's writes from async code go through one thread, never the event loop.

SQLite lets one writer in at a time. While another process holds the write lock (``visitbot
digest send``, a backup tool, someone in ``sqlite3``), a write waits for its busy timeout,
and a write made inside an async handler stops *every* chat for that long: /help took 5.3 s
in issue 8. :class:`StoreWriter` owns a thread with its own connection and a queue of jobs;
handlers submit a job and go on at once. A job that finds the store locked is retried in
that thread (for up to :attr:`StoreWriter.retry_for` seconds), so a lock held for a while
delays the log, not the answers. Reads stay on the caller's connection: the store is in WAL
mode, where readers do not wait for a writer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

log = logging.getLogger(__name__)

KEY = "store_writer"  # in application.bot_data
T = TypeVar("T")
Job = Callable[[Database], Any]
_STOP = object()


def database_path(db: Database) -> Path | None:
    """The file behind an open connection (None for an in-memory database)."""
    for _, name, filename in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and filename:
            return Path(filename)
    return None


def is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


class StoreWriter:
    """One writer thread for the store at ``path`` (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = 2.0,
        retry_for: float = 300.0,
        max_queue: int = 10_000,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.retry_for = retry_for
        self._jobs: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._thread = threading.Thread(target=self._run, name="visitbot-store-writer", daemon=True)
        self._thread.start()
        self.failed = 0

    def submit(
        self, job: Callable[[Database], T], what: str = "write"
    ) -> concurrent.futures.Future[T]:
        """Queue ``job(db)``; never blocks. The future ends with its result or its error."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        try:
            self._jobs.put_nowait((job, what, future))
        except queue.Full:
            self.failed += 1
            log.warning("store writer queue full; dropped a %s", what)
            future.set_exception(sqlite3.OperationalError("store writer queue full"))
        return future

    async def run(self, job: Callable[[Database], T], what: str = "write") -> T:
        """``job(db)`` in the writer thread, awaited without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(job, what))

    async def flush(self, timeout: float = 5.0) -> bool:
        """Wait (at most ``timeout`` s) until every job submitted so far is done."""
        try:
            await asyncio.wait_for(self.run(lambda db: None, "flush"), timeout)
            return True
        except (TimeoutError, sqlite3.Error):
            return False

    def close(self, timeout: float = 5.0) -> None:
        """Finish the queued jobs (waiting at most ``timeout`` s), then stop the thread."""
        with contextlib.suppress(queue.Full):
            self._jobs.put(_STOP, timeout=timeout)
        self._thread.join(timeout)
        if self._thread.is_alive():
            left = self._jobs.qsize()
            log.warning("store writer still busy at shut-down; %d writes may be lost", left)

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        db: Database | None = None
        try:
            while (item := self._jobs.get()) is not _STOP:
                job, what, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                if db is None:
                    db = Database(sqlite3.connect(self.path, timeout=self.busy_timeout))
                try:
                    future.set_result(self._attempt(db, job, what))
                except Exception as error:
                    self.failed += 1
                    log.warning("could not %s in the store: %s", what, error)
                    future.set_exception(error)
        finally:
            if db is not None:
                db.close()

    def _attempt(self, db: Database, job: Job, what: str) -> Any:
        deadline = time.monotonic() + self.retry_for
        told = False
        while True:
            try:
                return job(db)
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise
                if not told:
                    log.info("store locked by another process; a %s waits (%s)", what, error)
                    told = True
                time.sleep(0.05)


def store_writer_of(bot_data: Any) -> StoreWriter | None:
    found = bot_data.get(KEY)
    return found if isinstance(found, StoreWriter) else None


async def settle(bot_data: Any, timeout: float = 2.0) -> None:
    """Let queued writes land (bounded) before a read that should include them (/stats)."""
    writer = store_writer_of(bot_data)
    if writer is not None:
        await writer.flush(timeout)
