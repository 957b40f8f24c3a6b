"""One-off messages owed to a chat: why its digests stopped. Each is told once.

A subscription that cannot be scheduled (a time zone that does not exist) is paused rather
than allowed to stop everyone's digests; its chat should hear why, once, and how to fix it.
The notice is queued in the store with the pause, in the same transaction, and the next
delivery run sends it (paced with the digests). A notice moves ``pending -> sending ->
sent`` (or ``failed``); one left ``sending`` by a killed run becomes ``unknown`` and is not
sent again, as for digests.

A notice is said when it is sent, in the chat's language then: its key names it
(``bad_timezone:<zone>``, ``unreadable:<zone>``; the texts ``digest.notice.*``). The stored
``text`` says what happened, for the log, and is sent as it is only for a key this version
does not know (a notice queued by another version).
"""

from __future__ import annotations

import datetime as dtm
import weakref
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from sqlite_utils import Database

if TYPE_CHECKING:
    from bot.brain.speech import Speech

TABLE = "digest_notices"
BAD_ZONE = "bad_timezone"
UNREADABLE = "unreadable"

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


def addressed(speech: Speech, key: str, chat_id: int) -> str:
    """The key of a text said to ``chat_id``: a group's own ``<key>_group`` text ("this
    group gets the digest", not "you") when there is one. Telegram's group, supergroup and
    channel ids are negative, a person's positive."""
    group = f"{key}_group"
    return group if chat_id < 0 and speech.has(group) else key


@dataclass(frozen=True)
class Notice:
    chat_id: int
    key: str
    text: str

    def say(self, speech: Speech) -> str:
        """The notice in the speech's language (the stored text for a key not known here)."""
        reason, _, zone = self.key.partition(":")
        if reason == BAD_ZONE:
            key = addressed(speech, "digest.notice.bad_zone", self.chat_id)
            return speech.text(key, zone=escape(zone[:40], quote=False))
        if reason == UNREADABLE:
            return speech.text(addressed(speech, "digest.notice.unreadable", self.chat_id))
        return self.text


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
