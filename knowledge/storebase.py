"""The open store as its users see it, without importing what building it needs.

``knowledge.store`` builds and checks the store (sqlite-utils, pydantic, YAML). A brain
kept in a current store (bot.brain.cache) is loaded with the standard library alone; the
store it answers from is this class over the same SQLite connection, and the sqlite-utils
``Database`` and the checked knowledge are made the first time someone asks for them
(the Telegram bot's logs and digests do; a cold ``visitbot ask`` never does).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

    from knowledge.basics import Knowledge

SCHEMA_VERSION = "2"  # of the store's tables; 2: languages and translations in meta

# sqlite-utils' own search query (``Table.search_sql(columns=["text"], limit=...)``):
# sentences with every word, best match first.
SEARCH_SQL = (
    'with "original" as (select rowid, "text" from "sentences") '
    'select "original"."text" from "original" '
    'join "sentences_fts" on "original".rowid = "sentences_fts".rowid '
    'where "sentences_fts" match :query order by "sentences_fts".rank limit :limit'
)


class Store:
    """An open store: the knowledge it holds and the connection for queries and logs.

    Made either from an open ``Database`` and its knowledge (``knowledge.store.open_store``)
    or from a bare connection (``Store.kept``), in which case ``db`` and ``knowledge`` are
    made on first use."""

    def __init__(
        self,
        db: Database,
        knowledge: Knowledge,
        rebuilt: bool,
        warning: str | None = None,
        moved_aside: Path | None = None,  # where a damaged store file was put (see storefile)
    ) -> None:
        self._db: Database | None = db
        self._knowledge: Knowledge | None = knowledge
        self.conn: sqlite3.Connection = db.conn
        self.rebuilt = rebuilt
        self.warning = warning
        self.moved_aside = moved_aside

    @classmethod
    def kept(cls, conn: sqlite3.Connection) -> Store:
        """A current store opened on ``conn`` (nothing rebuilt, nothing wrong)."""
        store = cls.__new__(cls)
        store._db, store._knowledge = None, None
        store.conn, store.rebuilt, store.warning, store.moved_aside = conn, False, None, None
        return store

    @property
    def db(self) -> Database:
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            from knowledge.store import knowledge_of

            rows = self.conn.execute("select key, value from meta").fetchall()
            self._knowledge = knowledge_of(dict(rows))
        return self._knowledge

    def search_sentences(self, words: list[str], limit: int = 3) -> list[str]:
        """Sentences of the source document matching all ``words`` (FTS5, best first)."""
        if not words:
            return []
        query = " ".join(f'"{w}"' for w in words if w.replace("'", "").isalnum())
        if not query:
            return []
        try:
            rows = self.conn.execute(SEARCH_SQL, {"query": query, "limit": limit}).fetchall()
        except sqlite3.Error:
            return []
        return [row[0] for row in rows]

    def close(self) -> None:
        self.conn.close()
