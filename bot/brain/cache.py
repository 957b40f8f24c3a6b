"""A built brain, kept in the store beside the knowledge it was built from.

Building the brain compiles thousands of aliases in five languages, which is most of a cold
``visitbot ask`` and of every restart. The build is pickled into the store, keyed by the
knowledge's fingerprint and a digest of the code that builds it, so a change to either
builds afresh. The knowledge itself is not copied: the build refers to its parts (models,
lists, texts) by their place in a fixed walk and is joined to the store's own on loading, so
the knowledge is in memory once.
The store is the bot's own file, written by the bot: nothing else is ever unpickled. Any
trouble reading or writing the copy only means building as before.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import rapidfuzz

from knowledge.loading import Knowledge
from knowledge.store import Store

TABLE = "built_brain"
_SHORTEST_SHARED = 4  # shorter strings cost more to refer to than to copy
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


def _parts(value: object) -> Iterator[object]:
    """Every model, list, dict and longer string inside the knowledge, in a fixed order."""
    if isinstance(value, str):
        if len(value) >= _SHORTEST_SHARED:
            yield value
    elif isinstance(value, pydantic.BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _parts(getattr(value, name))
    elif isinstance(value, list | dict):
        yield value
        for item in value.items() if isinstance(value, dict) else value:
            yield from _parts(item)
    elif isinstance(value, tuple):
        for item in value:
            yield from _parts(item)


def _shared(knowledge: Knowledge) -> list[object]:
    """The knowledge's parts, numbered the same way by every walk of the same knowledge."""
    whole = [knowledge.record, knowledge.language, knowledge.languages, knowledge.translations]
    return [knowledge, *_parts([*whole, knowledge.source_text])]


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, knowledge: Knowledge) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._numbers: dict[int, int] = {}
        for number, part in enumerate(_shared(knowledge)):
            self._numbers.setdefault(id(part), number)

    def persistent_id(self, obj: Any) -> int | None:
        return self._numbers.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, knowledge: Knowledge) -> None:
        super().__init__(file)
        self._parts = _shared(knowledge)

    def persistent_load(self, pid: Any) -> object:
        return self._parts[int(pid)]


def load(store: Store, key: str, kind: type[T]) -> T | None:
    """The build kept under ``key``, if there is one of the right kind."""
    try:
        rows = list(store.db.query(f"select value from {TABLE} where key = ?", [key]))
    except sqlite3.Error:
        return None
    if not rows:
        return None
    try:
        built = _Unpickler(io.BytesIO(rows[0]["value"]), store.knowledge).load()
    except Exception:  # a copy that does not load is rebuilt, never fatal
        return None
    return built if isinstance(built, kind) else None


def save(store: Store, key: str, built: object) -> None:
    """Keep ``built`` as the only copy (older builds are of other code or knowledge)."""
    buffer = io.BytesIO()
    _Pickler(buffer, store.knowledge).dump(built)
    value = buffer.getvalue()
    try:
        with store.db.conn:
            store.db.execute(
                f"create table if not exists {TABLE} (key text primary key, value blob)"
            )
            store.db.execute(f"delete from {TABLE}")
            store.db.execute(f"insert into {TABLE} (key, value) values (?, ?)", [key, value])
    except sqlite3.Error:
        return  # a read-only or busy store: the next start builds again
