"""The log of questions asked, so admins can see what the knowledge base is missing.

One row a question in the store's ``questions`` table; read by /stats. Kept apart from the
knowledge tables, so a knowledge rebuild never erases it.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

from sqlite_utils import Database

from bot.answer import Answer

TABLE = "questions"
NOT_QUESTIONS = frozenset({"greet", "thanks", "bye", "ok", "help", "empty"})
_ready: weakref.WeakSet[Database] = weakref.WeakSet()  # connections with the table made


def ensure_table(db: Database) -> None:
    db.table(TABLE).create(
        {
            "id": int,
            "at": float,
            "chat_id": int,
            "question": str,
            "intent": str,
            "answered": int,
            "confidence": float,
        },
        pk="id",
        if_not_exists=True,
    )


def log_question(db: Database, chat_id: int, question: str, answer: Answer) -> None:
    """Record one question (small talk is not a question and is not counted)."""
    if answer.intent in NOT_QUESTIONS:
        return
    if db not in _ready:  # once per connection, not once per question
        ensure_table(db)
        _ready.add(db)
    with db.atomic():
        db.table(TABLE).insert(
            {
                "at": time.time(),
                "chat_id": chat_id,
                "question": question[:500],
                "intent": answer.intent,
                "answered": int(answer.answered),
                "confidence": answer.confidence,
            }
        )


@dataclass(frozen=True)
class QuestionStats:
    asked: int
    answered: int
    top_unanswered: list[tuple[str, int]]

    @property
    def share_answered(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


def question_stats(db: Database, top: int = 5, since: float = 0.0) -> QuestionStats:
    """Totals of all time; the most asked unanswered questions only from ``since`` (epoch s)."""
    ensure_table(db)
    asked = db.table(TABLE).count
    answered = db.execute(f"select count(*) from {TABLE} where answered = 1").fetchone()[0]
    rows = db.execute(
        f"select lower(trim(question)) as q, count(*) as n from {TABLE} where answered = 0 "
        "and at >= ? group by q order by n desc, max(at) desc limit ?",
        [since, top],
    ).fetchall()
    return QuestionStats(asked, answered, [(q, n) for q, n in rows])
