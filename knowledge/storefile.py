"""Opening the store's file: one clear line for every way it can be wrong, never a traceback.

Where the store cannot be (its folder is a file, the path is a folder, no permission), the
store cannot be opened and :class:`StoreError` says what to change. A store file that is
damaged (not an SQLite file, truncated, "malformed") is **moved aside, never replaced in
place**: it is renamed to ``<name>.corrupt-<UTC time>`` (with its ``-wal``/``-shm`` files),
a warning names the new path, and a fresh store is built. The knowledge in it is derived
data and comes back from the record at once; subscriptions and the question log start empty,
and the old file stays there for inspection or recovery (``sqlite3 FILE .recover``). We
chose this over refusing to start because a bot that stays down until someone logs in
answers nobody, while the damaged file is kept either way.
"""

from __future__ import annotations

import datetime as dtm
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)

HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
FIX = "set VISITBOT_STORE to a file path in a folder the bot may write to"


class StoreError(Exception):
    """The store cannot be used. ``str()`` is one line: the problem and what to do."""


def is_damage(error: sqlite3.Error) -> bool:
    """True for "file is not a database" and "database disk image is malformed", never for
    a busy or locked store (that is another process at work, not damage)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in DAMAGE_CODES
    text = str(error)
    return "malformed" in text or "not a database" in text


def check_location(path: Path) -> None:
    """StoreError when ``path`` cannot hold a store file (checked before anything is made)."""
    if path.is_dir():
        raise StoreError(f"store {path} is a folder, not a file; {FIX} (e.g. {path}/visitbot.db)")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise StoreError(f"store {path}: {parent} is a file, not a folder; {FIX}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        problem = f"cannot create {path.parent} ({err.strerror})"
        raise StoreError(f"store {path}: {problem}; {FIX}") from None


def header_damage(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a whole SQLite database, from its first 100 bytes
    and its size (cheap: run on every open). None when it looks whole or does not exist."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(100)
    except FileNotFoundError:
        return None
    if size == 0:
        return None  # SQLite's own empty database
    if len(head) < 100 or not head.startswith(HEADER):
        return "not an SQLite database file"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "damaged header (page size)"
    if any(_side(path, s).exists() and _side(path, s).stat().st_size for s in SIDE_FILES):
        return None  # a journal may still complete the file: let SQLite recover it
    pages = int.from_bytes(head[28:32], "big")
    count_valid = head[24:28] == head[92:96]
    if size % page_size or (count_valid and pages * page_size > size):
        return "truncated: shorter than its header says"
    return None


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def move_aside(path: Path, reason: str) -> Path:
    """Rename a damaged store (and its side files) out of the way; say so in the log."""
    stamp = dtm.datetime.now(dtm.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():  # never overwrite an earlier damaged file
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        path.rename(aside)
        for suffix in SIDE_FILES:
            if _side(path, suffix).exists():
                _side(path, suffix).rename(_side(aside, suffix))
    except OSError as err:
        raise StoreError(
            f"store {path} is damaged ({reason}) and could not be moved aside "
            f"({err.strerror}); move or delete it, then start again"
        ) from None
    log.warning(
        "store %s was damaged (%s): moved it to %s for inspection and started a fresh store "
        "(subscriptions and the question log start empty; the old file is kept)",
        path,
        reason,
        aside,
    )
    return aside


def open_database(path: Path) -> tuple[Database, Path | None]:
    """The store at ``path``, opened and readable, plus where a damaged one was moved (if
    it was). Raises StoreError with one line when the store cannot be used."""
    check_location(path)
    aside = None
    reason = header_damage(path)
    if reason is None:
        db = _connect(path)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db, None
        except sqlite3.DatabaseError as err:
            db.close()
            if not is_damage(err):
                raise StoreError(f"store {path}: {err}; {FIX}") from None
            reason = str(err)
    aside = move_aside(path, reason)
    return _connect(path), aside


def _connect(path: Path) -> Database:
    from sqlite_utils import Database  # here: checking a file (bot.brain.cache) needs none of it

    try:
        return Database(path)
    except sqlite3.Error as err:
        raise StoreError(f"store {path}: cannot open it ({err}); {FIX}") from None


def describe(path: Path, error: sqlite3.Error) -> StoreError:
    """One line for an SQLite error met while using the store at ``path``."""
    if is_damage(error):
        return StoreError(
            f"store {path} is damaged ({error}); stop the bot and start it again: the file "
            "is moved aside and a fresh store built"
        )
    text = str(error)
    if "locked" in text or "busy" in text:
        return StoreError(f"store {path} is locked by another process; try again shortly")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"store {path} is read-only; {FIX}")
    if "full" in text:
        return StoreError(f"store {path}: the disk is full; free some space and try again")
    return StoreError(f"store {path}: {text}")
