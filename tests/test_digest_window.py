"""The delivery window: several digests in flight at once over a simulated round trip, with
Telegram's limits kept (the stand-in answers 429 to anything over them) and exactly-once
untouched. The kill tests for a full window are in test_digest_resume.py; the speed and
memory figures come from benchmarks/broadcast_bench.py.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlite_utils import Database
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot import delivery, subscriptions
from bot.brain import Brain
from bot.delivery import Broadcaster, Options
from bot.pacing import ChatTurns, Pacer
from bot.ratelimit import TelegramLimiter
from bot.settings import SettingsError, load_settings
from bot.subscriptions import Schedule
from tests.fake_botapi import FakeBotAPI
from tests.visitbot_app import NO_ENV

UTC = dtm.UTC
ROUND_TRIP = 0.05


@pytest.fixture
def far() -> Iterator[FakeBotAPI]:
    """A Bot API 50 ms away that enforces Telegram's limits (30/s, 1/s per chat)."""
    with FakeBotAPI(latency=ROUND_TRIP) as server:
        server.enable_rate_limit(global_per_second=30, per_chat_per_second=1)
        yield server


def _bot(server: FakeBotAPI, window: int) -> ExtBot[int]:
    request = HTTPXRequest(connection_pool_size=window + 2, httpx_kwargs=NO_ENV)
    return ExtBot(
        server.token, base_url=server.base_url, request=request, rate_limiter=TelegramLimiter()
    )


def _subscribe(db: Database, chats: list[int], now: dtm.datetime) -> None:
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    for chat in chats:
        subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)


def _over_limits(server: FakeBotAPI) -> list[dict[str, object]]:
    kinds = ("global_rate_limit", "chat_rate_limit")
    return [f for f in server.faults("sendMessage") if f["kind"] in kinds]


async def test_one_429_pauses_the_whole_window_until_retry_after_is_over(
    far: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """The 11th send gets a 429 (retry_after=1) while others are in flight; their answers
    come back during the pause and must not end it: nothing new leaves before it is over."""
    chats = list(range(31001, 31041))
    db = Database(store_path)
    now = dtm.datetime.now(UTC)
    _subscribe(db, chats, now)
    delivery.plan_broadcast(db, "now:window:1", now)
    far.delay_next("sendMessage", 0.0, count=10)
    far.rate_limit_next("sendMessage", retry_after=1)
    async with _bot(far, 8) as bot:
        report = await Broadcaster(
            db, bot, lambda: brain.record, options=Options(in_flight=8)
        ).deliver()

    calls = far.calls("sendMessage")
    limited = next(c for c in calls if c.status == 429)
    # Only the rest of the window, already on its way, arrives in the second after the 429:
    # the sender reads it half a round trip later and sends nothing for retry_after.
    early = [c for c in calls if limited.at < c.at < limited.at + 1.0]
    assert len(early) <= 7
    assert any(c.at >= limited.at + 1.0 for c in calls)
    assert report.sent == len(chats) and report.rate_limited == 1
    assert far.message_counts() == dict.fromkeys(chats, 1)
    assert _over_limits(far) == []


async def test_one_chats_digests_stay_in_order_and_a_second_apart_in_a_full_window(
    far: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """Three editions for the same 12 chats are pending at once; the window must not send
    two of one chat's at the same time (the stand-in would answer 429 for the 1/s limit)."""
    chats = list(range(32001, 32013))
    db = Database(store_path)
    now = dtm.datetime.now(UTC)
    _subscribe(db, chats, now)
    editions = [f"now:window:{n}" for n in (1, 2, 3)]
    for edition in editions:
        delivery.plan_broadcast(db, edition, now)
    async with _bot(far, 10) as bot:
        sender = Broadcaster(db, bot, lambda: brain.record, options=Options(in_flight=10))
        report = await sender.deliver()

    assert report.sent == 3 * len(chats) and report.rate_limited == 0
    assert _over_limits(far) == []
    for chat in chats:
        times = far.message_times(chat)
        assert len(times) == 3 and all(b - a >= 1.0 for a, b in pairwise(times))
        rows = db.execute(
            f"SELECT edition FROM {delivery.TABLE} WHERE chat_id = ? ORDER BY done_at", [chat]
        ).fetchall()
        assert [r[0] for r in rows] == editions  # in the order they were planned


def test_pending_rows_come_a_page_at_a_time_in_order_each_once(store_path: Path) -> None:
    db = Database(store_path)
    now = dtm.datetime.now(UTC)
    chats = list(range(33001, 33031))
    _subscribe(db, chats, now)
    delivery.plan_broadcast(db, "now:a", now)
    delivery.plan_broadcast(db, "now:b", now + dtm.timedelta(seconds=1))
    rows = list(delivery.pending_rows(db, size=7))
    assert [(r.edition, r.chat_id) for r in rows] == [
        (e, c) for e in ("now:a", "now:b") for c in chats
    ]


async def test_the_pacer_and_chat_turns_forget_what_they_no_longer_need() -> None:
    """Their memory is bounded by the pace, not by the audience."""
    pacer = Pacer(rate=100_000, part_gap=0.0)
    turns = ChatTurns()
    for chat in range(2_000):
        async with turns.turn(chat):
            await pacer.turn(chat)
    assert len(turns) == 0
    assert pacer.remembered() <= 300


def test_the_window_is_a_setting_with_a_default_and_a_checked_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("VISITBOT_DIGEST_IN_FLIGHT", raising=False)
    assert load_settings().digest_in_flight == delivery.DEFAULT_IN_FLIGHT == Options().in_flight
    monkeypatch.setenv("VISITBOT_DIGEST_IN_FLIGHT", "4")
    assert load_settings().digest_in_flight == 4
    for bad in ("0", "31", "many"):
        monkeypatch.setenv("VISITBOT_DIGEST_IN_FLIGHT", bad)
        with pytest.raises(SettingsError, match="VISITBOT_DIGEST_IN_FLIGHT"):
            load_settings()
