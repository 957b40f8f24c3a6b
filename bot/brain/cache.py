"""A built brain, kept in the store beside the knowledge it was built from.

Building the brain compiles thousands of aliases in five languages, which is most of a cold
``visitbot ask`` and of every restart. The build is pickled into the store, keyed by the
knowledge's fingerprint and a digest of the code that builds it, so a change to either
builds afresh. The build carries the knowledge it refers to, its models kept as plain
read-only objects (knowledge.plain): a current store then gives a brain with the standard
library alone, never importing pydantic, YAML or sqlite-utils, nor reading the knowledge
again (``open_kept``, the start of a cold ``visitbot ask``).
The store is the bot's own file, written by the bot: nothing else is ever unpickled. Any
trouble reading or writing the copy only means building as before.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import rapidfuzz

from knowledge.basics import fingerprint, knowledge_paths
from knowledge.plain import make
from knowledge.storebase import SCHEMA_VERSION, Store
from knowledge.storefile import header_damage

if TYPE_CHECKING:
    from collections.abc import Callable

TABLE = "built_brain"
_PACKAGES = ("bot/brain", "bot/text.py", "bot/answer.py", "knowledge")
_ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def code_digest() -> str:
    """What the build depends on besides the knowledge: this code and its libraries (the
    kept copy holds no pydantic model, so pydantic's version does not matter to it)."""
    digest = hashlib.sha256(f"{sys.version}|{rapidfuzz.__version__}".encode())
    for part in _PACKAGES:
        path = _ROOT / part
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(_ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def key_of(store: Store) -> str:
    return f"{store.knowledge.fingerprint}:{code_digest()}"


class _Pickler(pickle.Pickler):
    """Pickles each knowledge model as its plain copy (``knowledge.plain.make``)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        import pydantic  # a build has imported it already; loading never does

        self._model = pydantic.BaseModel
        self._fields: dict[type, tuple[str, ...]] = {}

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, self._model):
            return NotImplemented
        kind = type(obj)
        fields = self._fields.get(kind)
        if fields is None:
            fields = self._fields[kind] = tuple(kind.model_fields)
        values = tuple(getattr(obj, name) for name in fields)
        reduced: tuple[Callable[..., object], tuple[Any, ...]] = (
            make,
            (kind.__name__, fields, values),
        )
        return reduced


def _kept(conn: sqlite3.Connection, key: str, kind: type[T]) -> T | None:
    try:
        rows = conn.execute(f"select value from {TABLE} where key = ?", [key]).fetchall()
    except sqlite3.Error:
        return None
    if not rows:
        return None
    try:
        built = pickle.loads(rows[0][0])
    except Exception:  # a copy that does not load is rebuilt, never fatal
        return None
    return built if isinstance(built, kind) else None


def load(store: Store, key: str, kind: type[T]) -> T | None:
    """The build kept under ``key``, if there is one of the right kind."""
    return _kept(store.conn, key, kind)


def save(store: Store, key: str, built: object) -> None:
    """Keep ``built`` as the only copy (older builds are of other code or knowledge)."""
    buffer = io.BytesIO()
    _Pickler(buffer).dump(built)
    value = buffer.getvalue()
    try:
        with store.conn:
            store.conn.execute(
                f"create table if not exists {TABLE} (key text primary key, value blob)"
            )
            store.conn.execute(f"delete from {TABLE}")
            store.conn.execute(f"insert into {TABLE} (key, value) values (?, ?)", [key, value])
    except sqlite3.Error:
        return  # a read-only or busy store: the next start builds again


def _current(conn: sqlite3.Connection, record_path: Path, language_path: Path) -> str | None:
    """The store's fingerprint if it was built from these files as they are now (what
    ``knowledge.store.open_store`` checks before it uses a store as it is)."""
    rows = conn.execute(
        "select key, case key when 'record_json' then json_extract(value, '$.source_file') "
        "else value end from meta where key in "
        "('schema_version', 'fingerprint', 'record_path', 'language_path', 'record_json')"
    ).fetchall()
    meta: dict[str, str] = dict(rows)
    if (
        meta.get("schema_version") != SCHEMA_VERSION
        or meta.get("record_path") != str(record_path)
        or meta.get("language_path") != str(language_path)
        or not isinstance(meta.get("record_json"), str)
    ):
        return None
    source = record_path.parent / meta["record_json"]
    now = fingerprint(*knowledge_paths(record_path, language_path, source))
    return now if now == meta.get("fingerprint") else None


def open_kept(
    db_path: Path, record_path: Path, language_path: Path, kind: type[T]
) -> tuple[T, Store] | None:
    """The brain kept in the store at ``db_path`` and the store, when the store is whole
    and current and holds a build of this code; else None (the caller opens the store the
    full way, which rebuilds, reports or moves a damaged file aside as it must)."""
    if not db_path.is_file() or header_damage(db_path) is not None:
        return None
    try:
        conn = sqlite3.connect(str(db_path))
    except sqlite3.Error:
        return None
    try:
        current = _current(conn, record_path, language_path)
        built = _kept(conn, f"{current}:{code_digest()}", kind) if current else None
    except (sqlite3.Error, OSError, ValueError):
        built = None
    if built is None:
        conn.close()
        return None
    return built, Store.kept(conn)
