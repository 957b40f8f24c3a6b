"""The digest's parts without Telegram: composing, reading /subscribe, slots, planning, timers.

The digest is checked against the record it is composed from (never against fixed text), so
these tests also prove it follows the knowledge when it changes.
"""

from __future__ import annotations

import datetime as dtm
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlite_utils import Database
from telegram.ext import ApplicationBuilder

from bot import delivery, subscriptions
from bot import digest as compose
from bot.formatting import TELEGRAM_LIMIT
from bot.scheduling import SLOT_PREFIX, DigestScheduler
from bot.subscriptions import Schedule, parse_schedule
from knowledge.loading import DEFAULT_RECORD, load_files, normalise_quotes
from knowledge.models import Record, Update
from tests.fake_botapi import parse_html

DATA = Path(__file__).resolve().parent / "data"
UTC = dtm.UTC


def record_with_updates(tmp_path: Path, *, later: bool = False) -> Path:
    """knowledge/visit.yaml plus the made-up dated updates of tests/data/visit_updates.yaml
    (and the ``later`` one too): a record file that grew, with no code change."""
    extra = yaml.safe_load((DATA / "visit_updates.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load(DEFAULT_RECORD.read_text(encoding="utf-8"))
    data["updates"] = extra["updates"] + (extra["later"] if later else [])
    data["source_file"] = str(DEFAULT_RECORD.parent / data["source_file"])
    path = tmp_path / ("visit_later.yaml" if later else "visit_updates.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def record() -> Record:
    return load_files().record


def plain_of(parts: list[str]) -> str:
    return "\n\n".join(parse_html(p)[0] for p in parts)


# -- composing -----------------------------------------------------------------------------


def test_the_digest_covers_the_record_and_every_mark_points_at_a_record_sentence(
    record: Record,
) -> None:
    knowledge = load_files()
    parts = compose.on_demand(record).html_parts()
    text = plain_of(parts)  # parse_html raises on any HTML Telegram would refuse
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)

    for line in compose.split_sentences(record.visit.headline):
        assert line in text
    assert f"{record.agreements.total} {record.agreements.described_as}" in text
    assert compose.join_words(record.agreements.sectors) in text
    for area in record.agreements.named:  # grouped: on its group's line
        lines = text.splitlines()
        group_line = next(x for x in lines if x.startswith(f"\u2022 {area.group}:"))
        assert area.short in group_line
    for target in record.targets:
        assert f"{target.figure} by {target.deadline}" in text
    key = [s for s in record.statements if s.key]
    assert key and len(key) < len(record.statements)  # the record marks some as not key
    for statement in record.statements:
        assert (compose._sentence(statement.clause) in text) == statement.key

    body, _, sources = text.partition("\U0001f4c4 Sources")
    listed = dict(re.findall(r"\[(\d+)\] \u201c(.+?)\u201d", sources))
    marks = {n for group in re.findall(r"\[([\d,\u2013]+)\]", body) for n in _numbers(group)}
    assert marks == {int(n) for n in listed}
    document = normalise_quotes(knowledge.source_text)
    assert all(normalise_quotes(s) in document for s in listed.values())


def _numbers(group: str) -> set[int]:
    found: set[int] = set()
    for piece in group.split(","):
        low, _, high = piece.partition("\u2013")
        found |= set(range(int(low), int(high or low) + 1))
    return found


def test_the_digest_follows_the_knowledge_when_it_changes(record: Record) -> None:
    area = record.agreements.named[0].model_copy(
        update={"id": "energy_link", "short": "power lines", "group": "Energy"}
    )
    agreements = record.agreements.model_copy(
        update={"total": 38, "named": [*record.agreements.named, area]}
    )
    changed = record.model_copy(update={"agreements": agreements})
    text = compose.on_demand(changed).plain()
    assert "\U0001f4dd 38 MoUs and agreements" in text and "\U0001f4dd 37" not in text
    assert "\u2022 Energy: power lines" in text

    other = load_files(DATA / "other_visit" / "record.yaml").record
    other_text = compose.on_demand(other).plain()
    assert other.visit.title in other_text and "Tokayev" not in other_text


def test_a_long_digest_is_split_between_blocks_with_the_sources_on_their_own(
    record: Record,
) -> None:
    many = [
        Update(id=f"u{n}", date=f"2025-03-{n + 1:02d}", text="A long test entry. " * 12,
               source=f"Test fixture {n}")
        for n in range(25)
    ]  # fmt: skip
    big = compose.personal(record.model_copy(update={"updates": many}), "broadcast", many, None)
    parts = big.html_parts()
    assert len(parts) > 1
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    for part in parts:
        parse_html(part)
    starts = [parse_html(p)[0] for p in parts]
    assert sum(s.startswith("\U0001f4c4 Sources") for s in starts) == 1


def test_scheduled_digests_say_what_is_new_or_one_line_when_nothing_is(
    tmp_path: Path,
) -> None:
    grown = load_files(record_with_updates(tmp_path, later=True)).record
    first_updates, later = grown.updates[:2], grown.updates[2:]

    first = compose.personal(grown, "scheduled", grown.updates, None).plain()
    assert "\U0001f195 Updates" in first and "In brief" in first
    assert all(u.text in first for u in grown.updates)
    assert "Test fixture, not a real report" in first  # the update's source, cited

    nothing = compose.personal(grown, "scheduled", [], dtm.date(2025, 5, 1)).plain()
    assert "\n" not in nothing and "since your last digest (1 May)" in nothing

    new = compose.personal(grown, "scheduled", later, dtm.date(2025, 5, 1)).plain()
    assert "New since your last digest (1 May)" in new
    assert later[0].text in new and not any(u.text in new for u in first_updates)

    pushed = compose.personal(grown, "broadcast", [], dtm.date(2025, 5, 1)).plain()
    assert "In brief" in pushed  # the admin's broadcast always carries the summary


# -- reading /subscribe --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("daily 09:00 Asia/Karachi", Schedule("daily", dtm.time(9), "Asia/Karachi")),
        ("weekly mon 18:30 Asia/Almaty", Schedule("weekly", dtm.time(18, 30), "Asia/Almaty", 0)),
        ("weekly", Schedule("weekly", dtm.time(9), "UTC", 0)),
        ("7am kazakhstan", Schedule("daily", dtm.time(7), "Asia/Almaty")),
        ("fri 6:15pm UTC+5", Schedule("weekly", dtm.time(18, 15), "Etc/GMT-5", 4)),
        ("daily 21:00 berlin", Schedule("daily", dtm.time(21), "Europe/Berlin")),
    ],
)
def test_subscribe_reads_what_people_type(typed: str, expected: Schedule) -> None:
    assert parse_schedule(typed.split(), "UTC") == subscriptions.Parsed(expected)


def test_subscribe_corrects_every_mistake_at_once(record: Record) -> None:
    parsed = parse_schedule(["hourly", "25:99", "Mars/Olympus"], "Asia/Karachi")
    assert parsed.schedule is None
    speech = compose.english(record)
    frequency, time, zone = (p.say(speech) for p in parsed.problems)
    assert "\u201chourly\u201d" in frequency and "daily or weekly" in frequency
    assert "\u201c25:99\u201d" in time and "HH:MM" in time
    assert "\u201cMars/Olympus\u201d" in zone and "Asia/Karachi" in zone


def test_slots_are_local_times_in_the_subscribers_zone() -> None:
    daily = Schedule("daily", dtm.time(9), "Asia/Karachi")  # UTC+5
    at = dtm.datetime(2025, 2, 5, 4, 0, tzinfo=UTC)
    assert daily.latest(at) == at and daily.next(at) == at + dtm.timedelta(days=1)
    assert daily.latest(at - dtm.timedelta(seconds=1)) == at - dtm.timedelta(days=1)

    weekly = Schedule("weekly", dtm.time(18, 30), "Asia/Almaty", 4)  # Fridays, UTC+5
    wednesday = dtm.datetime(2025, 2, 5, 12, 0, tzinfo=UTC)
    assert weekly.next(wednesday) == dtm.datetime(2025, 2, 7, 13, 30, tzinfo=UTC)
    assert weekly.latest(wednesday) == dtm.datetime(2025, 1, 31, 13, 30, tzinfo=UTC)

    london = Schedule("daily", dtm.time(9), "Europe/London")  # follows summer time
    assert london.next(dtm.datetime(2025, 3, 28, 12, 0, tzinfo=UTC)).hour == 9  # GMT
    assert london.next(dtm.datetime(2025, 3, 29, 12, 0, tzinfo=UTC)).hour == 8  # BST


# -- planning and the lease ----------------------------------------------------------------


def test_planning_a_slot_is_deterministic_and_owes_nothing_from_before_the_subscription(
    store_path: Path,
) -> None:
    db = Database(store_path)
    delivery.ensure_tables(db)
    set_at = dtm.datetime(2025, 2, 5, 4, 30, tzinfo=UTC)  # 09:30 in Karachi
    daily = Schedule("daily", dtm.time(9), "Asia/Karachi")
    subscriptions.subscribe(db, 1, 1, daily, set_at)
    assert delivery.plan_due(db, set_at) == 0  # today's 09:00 was before they subscribed

    tomorrow = dtm.datetime(2025, 2, 6, 4, 0, 1, tzinfo=UTC)
    assert delivery.plan_due(db, tomorrow) == 1
    assert delivery.plan_due(db, tomorrow) == 0  # another timer, a restart: nothing new
    assert [r.edition for r in delivery.pending(db, 10)] == ["slot:2025-02-06T04:00Z"]

    subscriptions.subscribe(db, 1, 1, daily, tomorrow)  # the same choice again: no reset
    assert subscriptions.get(db, 1).since == set_at  # type: ignore[union-attr]

    days_later = dtm.datetime(2025, 2, 9, 4, 0, 1, tzinfo=UTC)
    assert delivery.plan_due(db, days_later) == 1  # the bot was down: only the latest slot
    states = dict(db.execute(f"SELECT edition, state FROM {delivery.TABLE}").fetchall())
    assert states == {"slot:2025-02-06T04:00Z": "skipped", "slot:2025-02-09T04:00Z": "pending"}
    assert delivery.plan_due(db, days_later + delivery.MAX_LATE + dtm.timedelta(hours=1)) == 0


def test_one_deliverer_at_a_time_and_a_dead_ones_lease_is_taken_at_once(
    store_path: Path,
) -> None:
    db = Database(store_path)
    delivery.ensure_tables(db)
    first, second = delivery.Lease(db), delivery.Lease(db)
    assert first.acquire() is None
    assert second.acquire() == first.owner
    first.release()
    assert second.acquire() is None

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    db.execute(f"UPDATE {delivery.LEASE_TABLE} SET pid = ?", [int(dead.stdout)])
    db.conn.commit()
    third = delivery.Lease(db)
    assert third.acquire() is None  # its holder's process is gone: no waiting for expiry


# -- timers --------------------------------------------------------------------------------


async def _noop(context: Any) -> None:
    return None


def test_timers_are_one_per_upcoming_slot_and_a_rebuild_never_doubles_them(
    store_path: Path,
) -> None:
    app = ApplicationBuilder().token("123:abc").build()
    db = Database(store_path)
    now = dtm.datetime(2025, 2, 5, 0, 0, tzinfo=UTC)
    karachi_9 = Schedule("daily", dtm.time(9), "Asia/Karachi")
    almaty_9 = Schedule("daily", dtm.time(9), "Asia/Almaty")  # the same instant (UTC+5)
    utc_7 = Schedule("daily", dtm.time(7), "UTC")
    for chat, schedule in ((1, karachi_9), (2, almaty_9), (3, utc_7)):
        subscriptions.subscribe(db, chat, chat, schedule, now)
    scheduler = DigestScheduler(app.job_queue, _noop)

    names = scheduler.sync(subscriptions.active(db), now)
    assert names == [f"{SLOT_PREFIX}2025-02-05T04:00Z", f"{SLOT_PREFIX}2025-02-05T07:00Z"]
    scheduler.sync(subscriptions.active(db), now)
    app.job_queue.run_once(_noop, 60, name=names[0])  # a stray double, as if registered twice
    scheduler.sync(subscriptions.active(db), now)
    assert sorted(j.name for j in scheduler.slot_jobs()) == names

    subscriptions.end(db, 3, "unsubscribed", now)
    scheduler.sync(subscriptions.active(db), now)
    assert [j.name for j in scheduler.slot_jobs()] == names[:1]
