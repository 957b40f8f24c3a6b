"""One-off messages owed to a chat: why its digests stopped. Each is told once.

A subscription that cannot be scheduled (a time zone that does not exist) is paused rather
than allowed to stop everyone's digests; its chat should hear why, once, and how to fix it.
The notice is queued in the store with the pause, in the same transaction, and the next
delivery run sends it (paced with the digests). A notice moves ``pending -> sending ->
sent`` (or ``failed``); one left ``sending`` by a killed run becomes ``unknown`` and is not
sent again, as for digests.
"""

from __future__ import annotations

import datetime as dtm
import weakref
from dataclasses import dataclass
from html import escape

from sqlite_utils import Database

TABLE = "digest_notices"
ZONE_EXAMPLE = "<code>/subscribe daily 09:00 Asia/Karachi</code> (or UTC+5)"

_READY: weakref.WeakSet[Database] = weakref.WeakSet()


def ensure_table(db: Database) -> None:
    if db in _READY:
        return
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (chat_id INTEGER NOT NULL, key TEXT NOT NULL, "
        "text TEXT NOT NULL, state TEXT NOT NULL, created TEXT NOT NULL, done_at TEXT, "
        "error TEXT, PRIMARY KEY (chat_id, key))"
    )
    _READY.add(db)


def bad_zone_text(zone: str) -> str:
    shown = escape(zone[:40], quote=False)
    return (
        f"\u26a0\ufe0f Your digests are paused: the time zone \u201c{shown}\u201d does not exist. "
        f"Send {ZONE_EXAMPLE} to start them again."
    )


def unreadable_text() -> str:
    return (
        "\u26a0\ufe0f Your digests are paused: your saved schedule could not be read. "
        f"Send {ZONE_EXAMPLE} to start them again."
    )


@dataclass(frozen=True)
class Notice:
    chat_id: int
    key: str
    text: str


def add(db: Database, chat_id: int, key: str, text: str, now: dtm.datetime) -> bool:
    """Queue a notice; the same (chat, key) twice queues it once. True if new."""
    ensure_table(db)
    cursor = db.execute(
        f"INSERT OR IGNORE INTO {TABLE} (chat_id, key, text, state, created) "
        "VALUES (?, ?, ?, 'pending', ?)",
        [chat_id, key, text, now.isoformat()],
    )
    return cursor.rowcount > 0


def pending(db: Database) -> list[Notice]:
    ensure_table(db)
    rows = db.execute(
        f"SELECT chat_id, key, text FROM {TABLE} WHERE state = 'pending' ORDER BY created"
    ).fetchall()
    return [Notice(int(c), str(k), str(t)) for c, k, t in rows]


def move(
    db: Database, notice: Notice, to: str, frm: str, now: dtm.datetime, error: str = ""
) -> bool:
    """One state step (``frm -> to``) in its own transaction; False if it was not in ``frm``."""
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {TABLE} SET state = ?, done_at = ?, error = ? "
            "WHERE chat_id = ? AND key = ? AND state = ?",
            [to, now.isoformat(), error or None, notice.chat_id, notice.key, frm],
        )
    return cursor.rowcount == 1


def abandon_in_flight(db: Database, now: dtm.datetime) -> int:
    """Notices left ``sending`` by a run that stopped: maybe told, so not told again."""
    ensure_table(db)
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {TABLE} SET state = 'unknown', done_at = ? WHERE state = 'sending'",
            [now.isoformat()],
        )
    return int(cursor.rowcount)


def move_chat(db: Database, old: int, new: int) -> None:
    """A group became a supergroup: what it is owed follows it."""
    ensure_table(db)
    db.execute(f"UPDATE OR IGNORE {TABLE} SET chat_id = ? WHERE chat_id = ?", [new, old])
