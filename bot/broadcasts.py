"""Admin broadcasts: the /digest_now prompt behind each, and whether it was cancelled, sent
and reported.

The prompt's chat and message ids are stored with the run (``digest_broadcasts``), so the
process that finishes a broadcast edits the admin's "Sending..." into the result, even
after a restart, and so a Send pressed after Cancel (a stale or queued press) finds the
prompt cancelled and sends nothing. Each prompt has one row: the first of Send or Cancel
wins, the other is refused.
"""

from __future__ import annotations

import datetime as dtm
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database

if TYPE_CHECKING:
    from bot.brain.speech import Speech

TABLE = "digest_broadcasts"
CANCELLED, SENDING, REPORTED = "cancelled", "sending", "reported"

_READY: weakref.WeakSet[Database] = weakref.WeakSet()


def ensure_table(db: Database) -> None:
    if db in _READY:
        return
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (edition TEXT PRIMARY KEY, chat_id INTEGER NOT "
        "NULL, message_id INTEGER NOT NULL, state TEXT NOT NULL, created TEXT NOT NULL, "
        "reported_at TEXT)"
    )
    _READY.add(db)


def edition(chat_id: int, message_id: int) -> str:
    """The delivery edition of a prompt: a second tap on Send names the same edition."""
    return f"now:{chat_id}:{message_id}"


@dataclass(frozen=True)
class Prompt:
    edition: str
    chat_id: int
    message_id: int


def _decide(
    db: Database, chat_id: int, message_id: int, state: str, now: dtm.datetime
) -> tuple[str, bool]:
    ensure_table(db)
    name = edition(chat_id, message_id)
    with db.atomic():
        cursor = db.execute(
            f"INSERT OR IGNORE INTO {TABLE} (edition, chat_id, message_id, state, created) "
            "VALUES (?, ?, ?, ?, ?)",
            [name, chat_id, message_id, state, now.isoformat()],
        )
        found = db.execute(f"SELECT state FROM {TABLE} WHERE edition = ?", [name]).fetchone()
    return str(found[0]), cursor.rowcount > 0


def start(db: Database, chat_id: int, message_id: int, now: dtm.datetime) -> tuple[str, bool]:
    """Send pressed: (the prompt's state, whether this press started it)."""
    return _decide(db, chat_id, message_id, SENDING, now)


def cancel(db: Database, chat_id: int, message_id: int, now: dtm.datetime) -> str:
    """Cancel pressed: the prompt's state (``cancelled`` unless Send came first)."""
    return _decide(db, chat_id, message_id, CANCELLED, now)[0]


def known(db: Database, chat_id: int, message_id: int) -> bool:
    """Was Send or Cancel pressed on this prompt before?"""
    ensure_table(db)
    found = db.execute(
        f"SELECT 1 FROM {TABLE} WHERE edition = ?", [edition(chat_id, message_id)]
    ).fetchone()
    return found is not None


def finished(db: Database, deliveries: str) -> list[Prompt]:
    """Broadcasts being sent whose delivery rows are all decided: ready to report."""
    ensure_table(db)
    rows = db.execute(
        f"SELECT b.edition, b.chat_id, b.message_id FROM {TABLE} b WHERE b.state = ? AND "
        f"NOT EXISTS (SELECT 1 FROM {deliveries} d WHERE d.edition = b.edition "
        "AND d.state IN ('pending', 'sending'))",
        [SENDING],
    ).fetchall()
    return [Prompt(str(e), int(c), int(m)) for e, c, m in rows]


def mark_reported(db: Database, prompt: Prompt, now: dtm.datetime) -> bool:
    """Claim the report (once, whichever process finishes the broadcast)."""
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {TABLE} SET state = ?, reported_at = ? WHERE edition = ? AND state = ?",
            [REPORTED, now.isoformat(), prompt.edition, SENDING],
        )
    return cursor.rowcount == 1


RESULTS = ("sent", "blocked", "gone", "failed", "unknown", "skipped", "pending")


def result_text(counts: dict[str, int], speech: Speech) -> str:
    """What the admin's prompt becomes when the broadcast is over (texts digest.result.*)."""
    found = [speech.text(f"digest.result.{k}", n=counts[k]) for k in RESULTS if counts.get(k)]
    results = speech.text("digest.result.separator").join(found)
    return speech.text("digest.result", results=results or speech.text("digest.result.nothing"))
