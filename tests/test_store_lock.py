"""Issue 8 item 12: while another process holds the store's write lock, nothing on the event
loop waits on SQLite. Writes go to the store writer's thread and land once the lock is gone.

Order, not timing, is the proof: the lock is held until the test has seen both answers, and
the loop's own connection is traced to show that no question-log write ever ran on it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from bot.brain import Brain
from bot.questionlog import question_stats
from bot.storewriter import StoreWriter
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD
from knowledge.store import open_store
from tests.fake_botapi import FakeBotAPI
from tests.visitbot_app import polling, visitbot_app

USER = 9191
OTHER = 9292
HOLD_AT_MOST = 60  # the lock holder gives up by itself, whatever happens to the test

HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("BEGIN IMMEDIATE")
db.execute("CREATE TABLE IF NOT EXISTS holder (x)")
print("locked", flush=True)
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline and sys.stdin.readline():
    pass
db.rollback()
"""


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Another process holds the store's write lock until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(HOLD_AT_MOST)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=HOLD_AT_MOST)


def is_locked(path: Path) -> bool:
    probe = sqlite3.connect(path, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def logged(path: Path) -> int:
    """Questions in the log, read without creating anything (a reader never waits in WAL)."""
    db = Database(path)
    return db["questions"].count if "questions" in db.table_names() else 0


def built_store(path: Path) -> Path:
    open_store(path, DEFAULT_RECORD, DEFAULT_LANGUAGE).close()  # WAL mode, as in production
    return path


def test_the_writer_takes_jobs_at_once_and_writes_them_when_the_lock_is_gone(
    store_path: Path,
) -> None:
    built_store(store_path)
    writer = StoreWriter(store_path, busy_timeout=0.05)
    try:
        with write_lock(store_path):
            done = writer.submit(lambda db: db["notes"].insert({"n": 1}), "note")
            assert not done.done()  # waiting in the writer's thread, not in the caller
            assert is_locked(store_path)
        done.result(timeout=30)
    finally:
        writer.close()
    assert Database(store_path)["notes"].count == 1


async def test_help_and_answers_do_not_wait_for_a_locked_store(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    built_store(store_path)
    loop_writes: list[str] = []
    loop_thread = threading.get_ident()

    def trace(statement: str) -> None:
        writes = "questions" in statement and not statement.lstrip().upper().startswith("SELECT")
        if writes and threading.get_ident() == loop_thread:
            loop_writes.append(statement)

    db = Database(store_path)
    db.conn.set_trace_callback(trace)
    app = visitbot_app(server, brain, store_path, flood=None, db=db)
    async with polling(app):
        with write_lock(store_path):
            server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
            answer = await server.await_message(USER, timeout=20)
            server.send_command("help", chat_id=OTHER, user_id=OTHER)
            help_page = await server.await_message(OTHER, timeout=20)
            assert is_locked(store_path)  # both answers came while the lock was held
            assert logged(store_path) == 0  # the log waits; the answers did not

    assert "/agreements" in help_page["plain_text"] and answer["plain_text"]
    assert loop_writes == []
    assert question_stats(Database(store_path)).asked == 1
