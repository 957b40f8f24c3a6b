"""A group that became a supergroup keeps its digest and its language.

Telegram gives the supergroup a new chat id and refuses messages to the old one (the
``migrate_to_chat_id`` service message says so, and so does the error of a send to the old
id). The subscription, the delivery log (which holds what the chat has received, so its
"what's new" position) and any notice it is owed move to the new id in one transaction.
If the supergroup already has an active subscription of its own, that one is kept and the
old group's is ended as ``migrated``. The language chosen with /language moves too.
"""

from __future__ import annotations

import datetime as dtm
import logging

from sqlite_utils import Database

from bot import chat_languages, delivery, notices, subscriptions

log = logging.getLogger(__name__)

SUBS = subscriptions.TABLE


def migrate_chat(db: Database, old: int, new: int, now: dtm.datetime) -> bool:
    """Move ``old``'s digest state to ``new``. Idempotent; True if a subscription moved."""
    if old == new:
        return False
    delivery.ensure_tables(db)
    chat_languages.ensure_table(db)
    with db.atomic():
        moved = _move_subscription(db, old, new, now)
        for table in (delivery.TABLE, delivery.SEEN):
            db.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new, old])
        notices.move_chat(db, old, new)
        chat_languages.move(db, old, new)  # the group's /language choice goes with it
    if moved:
        log.info("digest subscription of chat %s moved to supergroup %s", old, new)
    return moved


def _move_subscription(db: Database, old: int, new: int, now: dtm.datetime) -> bool:
    source = db.execute(f"SELECT active FROM {SUBS} WHERE chat_id = ?", [old]).fetchone()
    if source is None:
        return False
    target = db.execute(f"SELECT active FROM {SUBS} WHERE chat_id = ?", [new]).fetchone()
    if target is not None and (target[0] or not source[0]):
        db.execute(
            f"UPDATE {SUBS} SET active = 0, ended = 'migrated', updated = ? "
            "WHERE chat_id = ? AND active = 1",
            [now.isoformat(), old],
        )
        return False
    db.execute(f"DELETE FROM {SUBS} WHERE chat_id = ?", [new])  # an ended row, replaced
    db.execute(
        f"UPDATE {SUBS} SET chat_id = ?, updated = ? WHERE chat_id = ?", [new, now.isoformat(), old]
    )
    return True
