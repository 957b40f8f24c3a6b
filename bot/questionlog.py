"""The log of questions asked, so admins can see what the knowledge base is missing.

One row a question in the store's ``questions`` table; read by /stats. Kept apart from the
knowledge tables, so a knowledge rebuild never erases it. A row keeps the reply too (its
text, topic and language, and the chat's language), because a 👍/👎 on the reply refers
to the row (:mod:`bot.feedback`) and a curator needs to see what was said. A row's id is
chosen before the row is written (:func:`new_id`), so the reply's vote buttons can name
it while the write still waits in the store writer's queue. ``via`` says how it was asked:
typed, or a tap on a button (counted apart: a tap is not a question anyone typed).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

from sqlite_utils import Database

from bot.answer import Answer

TABLE = "questions"
NOT_QUESTIONS = frozenset({"greet", "thanks", "bye", "ok", "help", "empty"})
TYPED = "typed"
BUTTON = "button"
QUESTION_CHARS = 500
ANSWER_CHARS = 1500  # the reply as the user read it, for a curator (a long one is cut)
COLUMNS: dict[str, type] = {
    "id": int,
    "at": float,
    "chat_id": int,
    "question": str,
    "intent": str,
    "answered": int,
    "confidence": float,
}
REPLY_COLUMNS: dict[str, type] = {  # added later: a store from before gets them added
    "answer": str,
    "topic": str,
    "lang": str,
    "chat_lang": str,
    "via": str,
}
NOT_TAPPED = "via IS NOT 'button'"  # typed questions (rows from before have no ``via``)
_ready: weakref.WeakSet[Database] = weakref.WeakSet()  # connections with the table made
_ids = threading.Lock()
_last_id = 0


def ensure_table(db: Database) -> None:
    """The table with every column; a table of an older store gets the columns it lacks."""
    db.table(TABLE).create({**COLUMNS, **REPLY_COLUMNS}, pk="id", if_not_exists=True)
    upgrade(db)


def upgrade(db: Database) -> None:
    """Add the columns an older store's table lacks (nothing when there is no table yet)."""
    table = db.table(TABLE)
    if not table.exists():
        return
    have = set(table.columns_dict)
    for name, kind in REPLY_COLUMNS.items():
        if name not in have:
            table.add_column(name, kind)


def new_id() -> int:
    """A row id no other row has: the time in microseconds, rising within the process (a
    restart starts later; ids stay under 2**53 and 16 digits of callback data)."""
    global _last_id
    with _ids:
        _last_id = max(_last_id + 1, time.time_ns() // 1000)
        return _last_id


def storable(text: str) -> str:
    """``text`` as SQLite can store it (a lone surrogate, which JSON allows, becomes "?")."""
    return text.encode("utf-8", "replace").decode("utf-8")


def question_row(
    chat_id: int,
    question: str,
    answer: Answer,
    *,
    chat_lang: str | None = None,
    via: str = TYPED,
) -> dict[str, object] | None:
    """The row that logs one question and its reply, with its id (None for small talk: it
    is not a question and is not counted)."""
    if answer.intent in NOT_QUESTIONS:
        return None
    return {
        "id": new_id(),
        "at": time.time(),
        "chat_id": chat_id,
        "question": storable(question[:QUESTION_CHARS]),
        "intent": answer.intent,
        "answered": int(answer.answered),
        "confidence": answer.confidence,
        "answer": storable(answer.text[:ANSWER_CHARS]),
        "topic": answer.topic,
        "lang": answer.lang,
        "chat_lang": chat_lang,
        "via": via,
    }


def save_row(db: Database, row: dict[str, object]) -> None:
    if db not in _ready:  # once per connection, not once per question
        ensure_table(db)
        _ready.add(db)
    with db.atomic():
        db.table(TABLE).insert(row)


@dataclass(frozen=True)
class QuestionStats:
    asked: int
    answered: int
    top_unanswered: list[tuple[str, int]]

    @property
    def share_answered(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


def question_stats(db: Database, top: int = 5, since: float = 0.0) -> QuestionStats:
    """Totals of all time; the most asked unanswered questions only from ``since`` (epoch s).
    Typed questions only: a tap on a button is not a question anyone asked."""
    ensure_table(db)
    asked = db.execute(f"select count(*) from {TABLE} where {NOT_TAPPED}").fetchone()[0]
    answered = db.execute(
        f"select count(*) from {TABLE} where answered = 1 and {NOT_TAPPED}"
    ).fetchone()[0]
    rows = db.execute(
        f"select lower(trim(question)) as q, count(*) as n from {TABLE} where answered = 0 "
        f"and {NOT_TAPPED} and at >= ? group by q order by n desc, max(at) desc limit ?",
        [since, top],
    ).fetchall()
    return QuestionStats(asked, answered, [(q, n) for q, n in rows])
