"""👍 / 👎 on answers, and what a 👎 says was wrong: the ``votes`` table.

A vote refers to a row of the question log (:mod:`bot.questionlog`), which holds the
question, the reply as said, its topic, its intent and the chat's language, so a vote needs
nothing else. One vote per person per answer: voting again replaces it (a comment already
given stays). Ids are kept as the question log keeps them (the chat's id, the voter's id):
the votes are read by the bot's admins (/stats) and its curators (``visitbot kb misses``).
Kept apart from the knowledge tables, so a knowledge rebuild never erases them.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

from sqlite_utils import Database

from bot.questionlog import TABLE as QUESTIONS
from bot.questionlog import ensure_table as ensure_questions
from bot.questionlog import storable
from bot.questionlog import upgrade as upgrade_questions

TABLE = "votes"
UP, DOWN = 1, -1
COMMENT_CHARS = 500
_ready: weakref.WeakSet[Database] = weakref.WeakSet()


def ensure_tables(db: Database) -> None:
    """The votes table (and the question log it refers to), once per connection."""
    if db in _ready:
        return
    ensure_questions(db)
    _create_votes(db)
    _ready.add(db)


def prepare(db: Database) -> None:
    """At start-up: the votes table, and an older store's question log upgraded. The log
    itself is left to the store writer's first write, as before."""
    upgrade_questions(db)
    _create_votes(db)


def _create_votes(db: Database) -> None:
    db.table(TABLE).create(
        {
            "question_id": int,
            "user_id": int,
            "chat_id": int,
            "at": float,
            "vote": int,
            "comment": str,
            "prompt_id": int,  # the "what was wrong?" message a reply to which is a comment
        },
        pk=("question_id", "user_id"),
        if_not_exists=True,
    )
    db.table(TABLE).create_index(["chat_id", "prompt_id"], if_not_exists=True)


def _readable(db: Database) -> bool:
    """Reads never create the tables: a store another process holds locked is still read."""
    return db in _ready or (db.table(TABLE).exists() and db.table(QUESTIONS).exists())


@dataclass(frozen=True)
class Tally:
    """The votes on one answer after a vote, and what the answer was said in."""

    up: int
    down: int
    lang: str | None
    prompted: bool  # this voter was already asked what was wrong


def cast(db: Database, question_id: int, chat_id: int, user_id: int, vote: int) -> Tally | None:
    """Store (or replace) ``user_id``'s vote on the answer of ``question_id``; None when no
    such answer was sent to ``chat_id`` (forged data, or a log row that was never written)."""
    ensure_tables(db)
    found = db.execute(
        f"select lang from {QUESTIONS} where id = ? and chat_id = ?", [question_id, chat_id]
    ).fetchone()
    if found is None:
        return None
    key = [question_id, user_id]
    with db.atomic():
        earlier = db.execute(
            f"select prompt_id from {TABLE} where question_id = ? and user_id = ?", key
        ).fetchone()
        db.table(TABLE).upsert(
            {
                "question_id": question_id,
                "user_id": user_id,
                "chat_id": chat_id,
                "at": time.time(),
                "vote": UP if vote > 0 else DOWN,
            },
            pk=("question_id", "user_id"),
        )
        up, down = db.execute(
            f"select coalesce(sum(vote = 1), 0), coalesce(sum(vote = -1), 0) from {TABLE} "
            "where question_id = ?",
            [question_id],
        ).fetchone()
    return Tally(int(up), int(down), found[0], earlier is not None and earlier[0] is not None)


def remember_prompt(db: Database, question_id: int, user_id: int, prompt_id: int) -> None:
    """The "what was wrong?" message sent after this vote: a reply to it is its comment."""
    ensure_tables(db)
    db.execute(
        f"update {TABLE} set prompt_id = ? where question_id = ? and user_id = ?",
        [prompt_id, question_id, user_id],
    )
    db.conn.commit()


def prompt_lang(db: Database, chat_id: int, prompt_id: int, user_id: int) -> str | None:
    """The language of the answer whose "what was wrong?" prompt this is, asked of this
    user ("" when the answer had none); None when it is not such a prompt."""
    if not _readable(db):
        return None
    found = db.execute(
        f"select q.lang from {TABLE} v join {QUESTIONS} q on q.id = v.question_id "
        "where v.chat_id = ? and v.prompt_id = ? and v.user_id = ?",
        [chat_id, prompt_id, user_id],
    ).fetchone()
    return None if found is None else str(found[0] or "")


def comment(db: Database, chat_id: int, prompt_id: int, user_id: int, text: str) -> bool:
    """Keep a reply to a "what was wrong?" prompt as its vote's comment (the last one
    counts); False when it answers no prompt of this user."""
    ensure_tables(db)
    with db.atomic():
        cursor = db.execute(
            f"update {TABLE} set comment = ? where chat_id = ? and prompt_id = ? and user_id = ?",
            [storable(" ".join(text.split())[:COMMENT_CHARS]), chat_id, prompt_id, user_id],
        )
    return bool(cursor.rowcount)


@dataclass(frozen=True)
class Rated:
    """A question (or a topic) and the votes its answers got."""

    what: str
    up: int
    down: int
    comment: str | None = None  # the latest comment on it


@dataclass(frozen=True)
class FeedbackStats:
    up: int
    down: int
    comments: int
    worst_topics: list[Rated]
    worst_questions: list[Rated]


def feedback_stats(db: Database, top: int = 5, since: float = 0.0) -> FeedbackStats:
    """Totals of all time; the worst-rated topics and questions only from ``since``."""
    if not _readable(db):
        return FeedbackStats(0, 0, 0, [], [])
    up, down, comments = db.execute(
        f"select coalesce(sum(vote = 1), 0), coalesce(sum(vote = -1), 0), count(comment) "
        f"from {TABLE}"
    ).fetchone()
    worst = (
        "sum(v.vote = -1) as down, sum(v.vote = 1) as up, "
        "(select v2.comment from votes v2 join questions q2 on q2.id = v2.question_id "
        " where {same} and v2.comment is not null and v2.at >= ? order by v2.at desc limit 1)"
        f" from {TABLE} v join {QUESTIONS} q on q.id = v.question_id where v.at >= ?"
    )
    topics = db.execute(
        "select q.topic, "
        + worst.format(same="q2.topic = q.topic")
        + " and q.topic is not null group by q.topic having down > up "
        "order by down - up desc, max(v.at) desc limit ?",
        [since, since, top],
    ).fetchall()
    questions = db.execute(
        "select lower(trim(q.question)) as asked, "
        + worst.format(same="lower(trim(q2.question)) = lower(trim(q.question))")
        + " group by asked having down > 0 order by down desc, max(v.at) desc limit ?",
        [since, since, top],
    ).fetchall()
    return FeedbackStats(
        int(up),
        int(down),
        int(comments),
        [Rated(t, int(u), int(d), c) for t, d, u, c in topics],
        [Rated(q, int(u), int(d), c) for q, d, u, c in questions],
    )
