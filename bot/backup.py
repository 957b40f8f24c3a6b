"""``visitbot backup PATH``: a consistent copy of the live store, safe while the bot runs.

SQLite's online backup API (``sqlite3.Connection.backup``) copies the database page by page
inside one read transaction, so the copy is the store as it was at one instant even while
the bot writes (the store is in WAL mode: the bot's writes do not wait for the copy). The
copy is written next to its destination under a temporary name, checked with ``PRAGMA
integrity_check``, switched to a self-contained rollback journal, and only then renamed into
place: a PATH that exists is always a whole backup.
"""

from __future__ import annotations

import contextlib
import datetime as dtm
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from knowledge.storefile import StoreError, describe


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes
    tables: int


def backup_target(target: Path) -> Path:
    """A folder gets a dated file inside it; an existing file is never overwritten."""
    if target.is_dir():
        stamp = dtm.datetime.now(dtm.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = target / f"visitbot-{stamp}.db"
    if target.exists():
        raise StoreError(f"backup {target} already exists; give a new file name")
    if not target.parent.is_dir():
        raise StoreError(f"backup {target}: folder {target.parent} does not exist")
    return target


def backup_store(store: Path, target: Path) -> Backup:
    """Copy the store at ``store`` to ``target`` (see the module docstring)."""
    if not store.is_file():
        raise StoreError(
            f"no store at {store} to back up (VISITBOT_STORE says where; the bot makes it "
            "on first start)"
        )
    target = backup_target(target)
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(store, partial)
        os.replace(partial, target)
    except sqlite3.Error as err:
        raise describe(store, err) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        count = int(tables.fetchone()[0])
    return Backup(target, target.stat().st_size, count)


def _copy(store: Path, partial: Path) -> None:
    with (
        contextlib.closing(sqlite3.connect(store, timeout=30)) as source,
        contextlib.closing(sqlite3.connect(partial)) as copy,
    ):
        source.backup(copy)  # all pages in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
