"""Each chat's language, kept in the store so /language survives restarts.

A chat's language is, in order: what it chose with /language (a group's choice is the
group's), else what Telegram says the sender's app speaks (``language_code``), else none
(then the brain answers each message in the language it is written in, English when it
does not tell). Writes go through the store writer like every other write.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import Iterable, Mapping
from weakref import WeakSet

from sqlite_utils import Database

from knowledge.models import LanguageProfile

TABLE = "chat_languages"
_READY: WeakSet[Database] = WeakSet()


def ensure_table(db: Database) -> None:
    """Create the table once per connection (cheap to call before every query)."""
    if db in _READY:
        return
    db.table(TABLE).create(
        {"chat_id": int, "lang": str, "updated": str}, pk="chat_id", if_not_exists=True
    )
    _READY.add(db)


def _readable(db: Database) -> bool:
    """Reads never create the table: a store another process holds locked is still read."""
    return db in _READY or db.table(TABLE).exists()


def chosen(db: Database, chat_id: int) -> str | None:
    """The language the chat chose with /language, if any."""
    if not _readable(db):
        return None
    rows = list(db.query(f"SELECT lang FROM {TABLE} WHERE chat_id = ?", [chat_id]))
    return str(rows[0]["lang"]) if rows else None


def choose(db: Database, chat_id: int, lang: str, now: dtm.datetime) -> None:
    ensure_table(db)
    db.table(TABLE).upsert(
        {"chat_id": chat_id, "lang": lang, "updated": now.isoformat()}, pk="chat_id"
    )


def move(db: Database, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its language goes with it."""
    ensure_table(db)
    lang = chosen(db, old_chat_id)
    if lang is not None:
        db.table(TABLE).upsert({"chat_id": new_chat_id, "lang": lang}, pk="chat_id")
        db.table(TABLE).delete_where("chat_id = ?", [old_chat_id])


def all_chosen(db: Database, chat_ids: Iterable[int]) -> dict[int, str]:
    """Languages of many chats at once (digest runs)."""
    ids = list(chat_ids)
    if not ids or not _readable(db):
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.query(f"SELECT chat_id, lang FROM {TABLE} WHERE chat_id IN ({marks})", ids)
    return {int(r["chat_id"]): str(r["lang"]) for r in rows}


def from_telegram(code: str | None, profiles: Mapping[str, LanguageProfile]) -> str | None:
    """The bot's language for Telegram's ``language_code`` ("ru", "kk", "ur", "en-GB")."""
    if not code:
        return None
    base = code.split("-")[0].casefold()
    for profile in profiles.values():
        if base in (c.casefold() for c in profile.telegram):
            return profile.code
    return None
