"""``visitbot kb misses``: what users asked that the bot got wrong, as a labelled file to finish.

The question log knows the questions the bot declined; the votes know the answers someone
marked 👎 (the confidently wrong ones, which no decline count shows). Both are exported as
a skeleton of a question file in :mod:`bot.evaluation`'s format, one item per question
(repeats folded into one): ``q``, ``lang`` and a ``category`` (``unanswered`` or
``thumbs_down``), ``answered: true`` and ``expect: []`` for the curator to complete, and
``todo: true``, which ``visitbot eval`` counts until the curator removes it. What the bot
replied, how often it was asked and what the voters said are YAML comments beside each
item. ``visitbot eval`` reads the file as it comes, so the loop closes with no other tool.
"""

from __future__ import annotations

import datetime as dtm
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml
from sqlite_utils import Database

from bot.feedback import TABLE as VOTES
from bot.feedback import ensure_tables
from bot.questionlog import NOT_TAPPED, TABLE

UNANSWERED = "unanswered"
THUMBS_DOWN = "thumbs_down"
NOTE_CHARS = 200  # a comment line is cut to this
_DAYS = re.compile(r"([0-9]{1,5})d?")
_NOT_YAML = re.compile(  # what a YAML file may not hold (control characters, lone surrogates)
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
HEADER = """\
# Questions users asked the bot, from its log{since}: {down} answered and rated 👎, {unanswered}
# declined. Exported by `visitbot kb misses` on {today}.
#
# For each item: keep `answered: true` if the record holds the answer and list in `expect`
# the facts the reply must contain (each a string; a list of strings is "any of these"), or
# set `answered: false` if declining is right; delete the `todo: true` line when done, and
# delete items not worth keeping. Then grade the bot on it: visitbot eval FILE
"""


def parse_since(value: str | None, now: dtm.datetime) -> float:
    """``--since``: a number of days ("7" or "7d") or a date ("2026-11-01"), as epoch s;
    0.0 (the whole log) when None."""
    if not value:
        return 0.0
    if match := _DAYS.fullmatch(value.strip()):
        return (now - dtm.timedelta(days=int(match.group(1)))).timestamp()
    try:
        day = dtm.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"--since {value!r}: give days (7, 7d) or a date (2026-11-01)") from error
    return dtm.datetime.combine(day, dtm.time(), tzinfo=dtm.UTC).timestamp()


@dataclass
class Miss:
    """One question (its repeats folded in) the bot declined or was voted down on."""

    question: str
    lang: str | None
    category: str
    asked: int = 0
    down: int = 0
    got: str = ""
    intent: str = ""
    comments: list[str] = field(default_factory=list)


def find_misses(db: Database, since: float = 0.0) -> list[Miss]:
    """👎 answers first (most 👎 first), then declined questions (most asked first)."""
    ensure_tables(db)
    found: dict[str, Miss] = {}
    voted = db.execute(
        f"select q.question, q.lang, q.answer, q.intent, sum(v.vote = -1) as down, "
        f"group_concat(v.comment, char(10)) from {VOTES} v join {TABLE} q on q.id = v.question_id "
        "where v.vote = -1 and v.at >= ? group by q.id order by max(v.at) desc",
        [since],
    ).fetchall()
    for question, lang, got, intent, down, comments in voted:
        miss = found.setdefault(_key(question), Miss(question.strip(), lang, THUMBS_DOWN))
        miss.down += int(down)
        miss.got, miss.intent = miss.got or got or "", miss.intent or intent
        miss.comments += [c for c in (comments or "").split("\n") if c]
    declined = db.execute(
        f"select question, lang, answer, intent, at from {TABLE} "
        f"where answered = 0 and intent != 'clarify' and {NOT_TAPPED} and at >= ? "
        "order by at desc",
        [since],
    ).fetchall()
    for question, lang, got, intent, _ in declined:
        miss = found.setdefault(_key(question), Miss(question.strip(), lang, UNANSWERED))
        miss.asked += 1
        miss.got, miss.intent = miss.got or got or "", miss.intent or intent
    misses = [m for m in found.values() if m.question]
    return sorted(misses, key=lambda m: (m.category != THUMBS_DOWN, -m.down, -m.asked))


def _key(question: str) -> str:
    return " ".join(question.casefold().split())


def _clean(text: str) -> str:
    return _NOT_YAML.sub("\ufffd", text)


def _one_line(text: str, limit: int = NOTE_CHARS) -> str:
    line = " ".join(_clean(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _scalar(value: object) -> str:
    """A YAML scalar on one line (quoted when it has to be)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
    return dumped.removesuffix("\n...\n").strip()


def item_yaml(miss: Miss) -> str:
    lines = [f"- q: {_scalar(_clean(miss.question))}"]
    if miss.lang:
        lines.append(f"  lang: {_scalar(miss.lang)}")
    lines += [
        f"  category: {miss.category}",
        "  answered: true",
        "  expect: []",
        "  todo: true",
    ]
    said = []
    if miss.down:
        said.append(f"{miss.down}× 👎")
    if miss.asked:
        said.append(f"asked {miss.asked}×, declined")
    lines.append(f"  # {', '.join(said)}; the bot said [{miss.intent}]: {_one_line(miss.got)}")
    lines += [f"  # a voter said: {_one_line(c)}" for c in dict.fromkeys(miss.comments)]
    return "\n".join(lines)


def skeleton(misses: Iterable[Miss], since: float, today: dtm.date) -> str:
    """The labelled-question file to finish (valid YAML for ``visitbot eval`` as it is)."""
    listed = list(misses)
    after = dtm.datetime.fromtimestamp(since, dtm.UTC).date() if since else None
    head = HEADER.format(
        unanswered=sum(m.category == UNANSWERED for m in listed),
        down=sum(m.category == THUMBS_DOWN for m in listed),
        since=f" since {after.isoformat()}" if after else "",
        today=today.isoformat(),
    )
    body = "\n".join(item_yaml(m) for m in listed) if listed else "[]"
    return f"{head}\n{body}\n"
