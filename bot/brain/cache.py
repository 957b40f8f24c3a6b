"""A built brain, kept in the store beside the knowledge it was built from.

Building the brain compiles thousands of aliases in five languages, which is most of a cold
``visitbot ask`` and of every restart. The build is pickled into the store, keyed by the
knowledge's fingerprint and a digest of the code that builds it, so a change to either
builds afresh. The store is the bot's own file, written by the bot: nothing else is ever
unpickled. Any trouble reading or writing the copy only means building as before.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import TypeVar

import pydantic
import rapidfuzz

from knowledge.store import Store

TABLE = "built_brain"
_PACKAGES = ("bot/brain", "bot/text.py", "bot/answer.py", "knowledge")
_ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def code_digest() -> str:
    """What the build depends on besides the knowledge: this code and its libraries."""
    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{rapidfuzz.__version__}".encode())
    for part in _PACKAGES:
        path = _ROOT / part
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(_ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def key_of(store: Store) -> str:
    return f"{store.knowledge.fingerprint}:{code_digest()}"


def load(store: Store, key: str, kind: type[T]) -> T | None:
    """The build kept under ``key``, if there is one of the right kind."""
    try:
        rows = list(store.db.query(f"select value from {TABLE} where key = ?", [key]))
    except sqlite3.Error:
        return None
    if not rows:
        return None
    try:
        built = pickle.loads(rows[0]["value"])
    except Exception:  # a copy that does not load is rebuilt, never fatal
        return None
    return built if isinstance(built, kind) else None


def save(store: Store, key: str, built: object) -> None:
    """Keep ``built`` as the only copy (older builds are of other code or knowledge)."""
    value = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with store.db.conn:
            store.db.execute(
                f"create table if not exists {TABLE} (key text primary key, value blob)"
            )
            store.db.execute(f"delete from {TABLE}")
            store.db.execute(f"insert into {TABLE} (key, value) values (?, ?)", [key, value])
    except sqlite3.Error:
        return  # a read-only or busy store: the next start builds again
