"""Digests end to end: the real Application (``build_application``) over real HTTP against the
local Bot API stand-in, the store a real SQLite file.

Time is a clock the test sets, not waited for: a subscription at 09:00 Karachi time with the
clock at 08:59:59 makes the real JobQueue timer fire a second later. Waits are bounded and
nothing asserts speed; where a wait must have happened (a 429's retry_after) the test checks
it was at least that long.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

import handlers.digest
from bot import delivery, subscriptions
from bot.brain import Brain
from bot.delivery import Broadcaster, Options
from bot.questionlog import question_stats
from bot.ratelimit import TelegramLimiter
from bot.scheduling import SLOT_PREFIX
from bot.subscriptions import Schedule
from knowledge.loading import DEFAULT_LANGUAGE, load_files
from tests.fake_botapi import FakeBotAPI
from tests.test_digest_units import record_with_updates
from tests.visitbot_app import ADMIN, NO_ENV, polling, visitbot_app

USER = 5151

UTC = dtm.UTC

FAST = Options(backoff=0.02, read_timeout=1.0)


class Clock:
    """A clock the test moves. ``follow_real`` keeps it ticking from a chosen instant."""

    def __init__(self, at: dtm.datetime) -> None:
        self.at = at
        self._offset: dtm.timedelta | None = None

    def follow_real(self, at: dtm.datetime) -> None:
        self._offset = at - dtm.datetime.now(UTC)

    def __call__(self) -> dtm.datetime:
        if self._offset is not None:
            return dtm.datetime.now(UTC) + self._offset
        return self.at


@contextlib.asynccontextmanager
async def digest_bot(
    server: FakeBotAPI,
    brain: Brain,
    store_path: Path,
    clock: Callable[[], dtm.datetime],
    options: Options = FAST,
) -> AsyncIterator[Any]:
    """The real application, started as ``run_polling`` starts it, with the test's clock."""
    app = visitbot_app(server, brain, store_path, flood=None, backoff=0.02, pool=16)
    runtime = handlers.digest.runtime_of(app)
    runtime.clock, runtime.options = clock, options
    async with polling(app):
        yield app


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


async def edited(server: FakeBotAPI, chat: int) -> dict[str, Any]:
    return await server.await_message(chat, include_edits=True)


def slot_jobs(app: Any) -> list[str]:
    return sorted(j.name for j in app.job_queue.jobs() if j.name.startswith(SLOT_PREFIX))


async def until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := check()):
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
    return found


def subscribe(db: Database, chats: list[int], at: dtm.datetime, hour: int = 9) -> None:
    for chat in chats:
        schedule = Schedule("daily", dtm.time(hour), "Asia/Karachi")
        subscriptions.subscribe(db, chat, chat, schedule, at)


# -- /digest, /subscribe, /subscription, /unsubscribe --------------------------------------


async def test_digest_command_sends_the_record_digest_and_offers_a_subscription(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    async with digest_bot(server, brain, store_path, clock):
        server.send_command("digest", chat_id=USER, user_id=USER)
        first = await server.await_message(USER)
        parts = [first]
        while "Ask me anything" not in parts[-1]["plain_text"]:
            parts.append(await server.await_message(USER))
        server.press_button(parts[-1], buttons(parts[-1])["\U0001f514 Daily or weekly?"])
        asked = await edited(server, USER)

    record = brain.record
    text = "\n".join(p["plain_text"] for p in parts)
    assert f"{record.agreements.total} {record.agreements.described_as}" in text
    assert all(a.short in text for a in record.agreements.named)
    assert all(f"{t.figure} by {t.deadline}" in text for t in record.targets)
    assert all(p["parse_mode"] == "HTML" and len(p["text"]) <= 4096 for p in parts)
    assert asked["plain_text"].startswith(brain.speech.text("digest.ask_frequency"))
    assert set(buttons(asked)) == {"Daily", "Weekly", "Cancel"}


async def test_subscribe_with_buttons_change_by_typing_and_unsubscribe(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))  # 15:00 in Karachi
    db = Database(store_path)
    async with digest_bot(server, brain, store_path, clock) as app:
        server.send_command("subscribe", chat_id=USER, user_id=USER)
        step = await server.await_message(USER)
        for label in ("Daily", "09:00", "Pakistan (Asia/Karachi)"):
            assert all(len(d.encode()) <= 64 for d in buttons(step).values())
            server.press_button(step, buttons(step)[label])
            step = await edited(server, USER)
        confirmed = step
        jobs_daily = slot_jobs(app)

        server.send_command("subscription", chat_id=USER, user_id=USER)
        shown = await server.await_message(USER)
        server.send_command("subscribe", "weekly fri 18:30 Asia/Almaty", chat_id=USER, user_id=USER)
        changed = await server.await_message(USER)
        weekly = subscriptions.get(db, USER)
        jobs_weekly = slot_jobs(app)

        server.press_button(shown, buttons(shown)["Unsubscribe"])
        stopped = await edited(server, USER)
        server.send_command("unsubscribe", chat_id=USER, user_id=USER)
        again = await server.await_message(USER)
        jobs_after = slot_jobs(app)

    assert "daily at 09:00 (Asia/Karachi)" in confirmed["plain_text"]
    assert "Next one: Wed 5 Feb, 09:00" in confirmed["plain_text"]
    assert jobs_daily == [f"{SLOT_PREFIX}2025-02-05T04:00Z"]
    assert "daily at 09:00 (Asia/Karachi)" in shown["plain_text"]
    assert "weekly on Fridays at 18:30 (Asia/Almaty)" in changed["plain_text"]
    assert weekly == subscriptions.Subscription(
        USER, USER, Schedule("weekly", dtm.time(18, 30), "Asia/Almaty", 4), since=clock.at
    )
    assert jobs_weekly == [f"{SLOT_PREFIX}2025-02-07T13:30Z"]  # the daily timer is gone
    assert stopped["plain_text"].startswith("Done: no more digests")
    assert again["plain_text"].startswith("You weren't subscribed")
    ended = subscriptions.get(db, USER)
    assert ended is not None and not ended.active and ended.ended == "unsubscribed"
    assert jobs_after == []


async def test_bad_subscribe_input_gets_one_clear_correction(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    async with digest_bot(server, brain, store_path, clock):
        server.send_command("subscribe", "hourly 25:99 Mars/Olympus", chat_id=USER, user_id=USER)
        reply = await server.await_message(USER)
    text = reply["plain_text"]
    assert text.startswith("I couldn't set that up")
    for wrong in ("\u201chourly\u201d", "\u201c25:99\u201d", "\u201cMars/Olympus\u201d"):
        assert wrong in text
    assert "/subscribe daily 09:00 Asia/Karachi" in text
    assert set(buttons(reply)) == {"Daily", "Weekly", "Cancel"}
    assert subscriptions.get(Database(store_path), USER) is None


# -- the schedule --------------------------------------------------------------------------


async def test_a_scheduled_digest_arrives_at_the_subscribers_local_time(
    server: FakeBotAPI, store_path: Path, tmp_path: Path
) -> None:
    grown = Brain.open(store_path, record_with_updates(tmp_path), DEFAULT_LANGUAGE)
    clock = Clock(dtm.datetime(2025, 2, 5, 3, 59, 58, 500000, tzinfo=UTC))
    clock.follow_real(clock.at)  # 08:59:58.5 in Karachi, and ticking
    async with digest_bot(server, grown, store_path, clock) as app:
        server.send_command("subscribe", "daily 09:00 Asia/Karachi", chat_id=USER, user_id=USER)
        confirmed = await server.await_message(USER)
        assert slot_jobs(app) == [f"{SLOT_PREFIX}2025-02-05T04:00Z"]
        digest = await server.await_message(USER, timeout=10)
        arrived = clock()
        next_jobs = await until(lambda: slot_jobs(app) != [f"{SLOT_PREFIX}2025-02-05T04:00Z"]
                                and slot_jobs(app))  # fmt: skip

    assert "Next one: Wed 5 Feb, 09:00" in confirmed["plain_text"]
    assert arrived >= dtm.datetime(2025, 2, 5, 4, 0, tzinfo=UTC)  # not before 09:00 local
    assert "\U0001f195 Updates" in digest["plain_text"]  # the first: every update, then brief
    assert all(u.text in digest["plain_text"] for u in grown.record.updates)
    db = Database(store_path)
    rows = db.execute(f"SELECT edition, chat_id, state FROM {delivery.TABLE}").fetchall()
    assert rows == [("slot:2025-02-05T04:00Z", USER, "sent")]
    assert next_jobs == [f"{SLOT_PREFIX}2025-02-06T04:00Z"]


async def test_subscriptions_survive_a_restart_and_timers_are_rebuilt_once(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    subscribe(db, [1, 2], clock.at, hour=9)
    subscribe(db, [3], clock.at, hour=21)
    expected = [f"{SLOT_PREFIX}2025-02-04T16:00Z", f"{SLOT_PREFIX}2025-02-05T04:00Z"]
    found = []
    for _ in range(2):  # start, stop, start again on the same store
        async with digest_bot(server, brain, store_path, clock) as app:
            found.append(await until(lambda: slot_jobs(app)))
            handlers.digest.runtime_of(app).sync_jobs()  # a second rebuild: still one each
            found.append(slot_jobs(app))
    assert found == [expected] * 4
    assert [s.chat_id for s in subscriptions.active(db)] == [1, 2, 3]


# -- delivery that holds up ----------------------------------------------------------------


async def broadcast_as_admin(server: FakeBotAPI) -> dict[str, Any]:
    """/digest_now, confirm, and the report the admin's message is edited into."""
    server.send_command("digest_now", chat_id=ADMIN, user_id=ADMIN)
    question = await server.await_message(ADMIN)
    label = next(t for t in buttons(question) if t.startswith("Send to"))
    server.press_button(question, buttons(question)[label])
    report = await edited(server, ADMIN)
    while not report["plain_text"].startswith("\U0001f4e8"):
        report = await edited(server, ADMIN)
    return report


async def test_digest_now_reaches_every_subscriber_once_and_drops_blocked_and_gone_chats(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    readers, blocked, gone = [101, 102, 103], 104, 105
    subscribe(db, [*readers, blocked, gone], clock.at)
    server.block_chat(blocked)
    server.gone_chat(gone)
    async with digest_bot(server, brain, store_path, clock):
        server.send_command("digest_now", chat_id=USER, user_id=USER)
        refused = await server.await_message(USER)
        report = await broadcast_as_admin(server)

    assert refused["plain_text"] == brain.speech.text("digest.not_admin")
    assert report["plain_text"] == (
        "\U0001f4e8 Digest broadcast: 3 delivered; 1 blocked the bot (unsubscribed); "
        "1 chat gone (unsubscribed)."
    )
    assert {c: server.message_counts().get(c) for c in readers} == dict.fromkeys(readers, 1)
    sends = server.calls("sendMessage")
    assert sum(c.params["chat_id"] == blocked for c in sends) == 1  # not retried
    assert sum(c.params["chat_id"] == gone for c in sends) == 1
    ended = {s: subscriptions.get(db, s) for s in (blocked, gone)}
    assert {s: (e.active, e.ended) for s, e in ended.items() if e} == {
        blocked: (False, "blocked"),
        gone: (False, "gone"),
    }


async def test_a_429_is_waited_out_and_other_failures_retried_then_recorded(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    subscribe(db, [201, 202], clock.at)
    limiter = TelegramLimiter(backoff=0.02)
    bot: ExtBot[int] = ExtBot(
        server.token,
        base_url=server.base_url,
        request=HTTPXRequest(read_timeout=2.0, httpx_kwargs=NO_ENV),
        rate_limiter=limiter,
    )
    async with bot:
        sender = Broadcaster(db, bot, lambda: brain.record, clock=clock, options=FAST)
        server.rate_limit_next("sendMessage", retry_after=1)
        delivery.plan_broadcast(db, "now:test:1", clock.at)
        limited = await sender.deliver()

        server.fail_next("sendMessage", 500, count=2)
        delivery.plan_broadcast(db, "now:test:2", clock.at)
        recovered = await sender.deliver()

        server.fail_next("sendMessage", 500, count=1000)
        subscriptions.end(db, 202, "unsubscribed", clock.at)
        delivery.plan_broadcast(db, "now:test:3", clock.at)
        given_up = await sender.deliver()
        server.clear_faults()

    first = [c for c in server.calls("sendMessage") if c.params["chat_id"] == 201][:2]
    assert [c.status for c in first] == [429, 200]
    assert first[1].at - first[0].at >= 1.0  # retry_after was honoured
    assert (limited.sent, recovered.sent, given_up.sent) == (2, 2, 0)
    assert server.message_counts() == {201: 2, 202: 2}  # one per broadcast, no copies
    assert given_up.failed == 1 and "after 4 attempts" in given_up.errors[0]
    attempts = FAST.retries + 1  # ours only: broadcasts switch the limiter's retries off
    third = [c for c in server.calls("sendMessage") if c.status == 500]
    assert len(third) == 2 + attempts
    assert delivery.state_counts(db, "now:test:3") == {"failed": 1}


async def test_a_read_timeout_is_not_resent_because_the_message_may_have_arrived(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    subscribe(db, [301], clock.at)
    bot: ExtBot[int] = ExtBot(
        server.token,
        base_url=server.base_url,
        request=HTTPXRequest(httpx_kwargs=NO_ENV),
        rate_limiter=TelegramLimiter(backoff=0.02),
    )
    async with bot:
        sender = Broadcaster(
            db, bot, lambda: brain.record, clock=clock, options=Options(read_timeout=0.3)
        )
        server.delay_next("sendMessage", 1.0)  # it arrives; the answer comes too late
        delivery.plan_broadcast(db, "now:test:1", clock.at)
        report = await sender.deliver()
    assert report.unknown == 1 and report.sent == 0
    assert server.message_counts() == {301: 1}
    assert len(server.calls("sendMessage")) == 1
    assert delivery.state_counts(db) == {"unknown": 1}


async def test_what_is_new_comes_from_the_log_of_what_each_subscriber_received(
    server: FakeBotAPI, store_path: Path, tmp_path: Path
) -> None:
    record = load_files(record_with_updates(tmp_path)).record
    later = load_files(record_with_updates(tmp_path, later=True)).record
    current = [record]
    clock = Clock(dtm.datetime(2025, 5, 1, 3, 0, tzinfo=UTC))
    db = Database(store_path)
    subscribe(db, [401], clock.at)
    bot: ExtBot[int] = ExtBot(
        server.token, base_url=server.base_url, request=HTTPXRequest(httpx_kwargs=NO_ENV)
    )
    texts = []
    async with bot:
        sender = Broadcaster(db, bot, lambda: current[0], clock=clock, options=FAST)
        for day, knowledge in ((1, record), (2, record), (3, later)):
            current[0] = knowledge
            clock.at = dtm.datetime(2025, 5, day, 4, 0, 1, tzinfo=UTC)
            await sender.deliver()
            texts.append((await server.await_message(401))["plain_text"])

    first, quiet, new = texts
    assert all(u.text in first for u in record.updates)
    assert quiet == (
        f"Nothing new about {record.visit.title} since your last digest (1 May). "
        "/digest shows the full summary."
    )
    assert new.count("\u2022 ") == 1 and later.updates[-1].text in new
    assert "New since your last digest (2 May)" in new


# -- /stats --------------------------------------------------------------------------------


async def test_stats_show_subscribers_digests_and_unanswered_questions_to_admins_only(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    subscribe(db, [501, 502], clock.at)
    subscriptions.end(db, 502, "unsubscribed", clock.at)
    async with digest_bot(server, brain, store_path, clock):
        await broadcast_as_admin(server)
        for question in ("was there a railway deal?", "who cooked the state dinner?") * 2:
            server.send_text(question, chat_id=USER, user_id=USER)
            await server.await_message(USER)
        server.send_command("stats", chat_id=USER, user_id=USER)
        refused = await server.await_message(USER)
        server.send_command("stats", chat_id=ADMIN, user_id=ADMIN)
        shown = (await server.await_message(ADMIN))["plain_text"]

    found = question_stats(db)
    assert refused["plain_text"] == brain.speech.text("digest.not_admin")
    assert "Active: 1 (daily 1, weekly 0)" in shown
    assert "Ended: unsubscribed 1, blocked the bot 0, chat gone 0" in shown
    assert "Sent: 1 (last 7 days: 1)" in shown
    assert f"Asked: {found.asked}; answered: {found.answered} ({found.share_answered:.0%})" in shown
    assert found.top_unanswered and f"{found.top_unanswered[0][1]}\u00d7" in shown
    assert found.top_unanswered[0][0] in shown


async def test_digest_commands_are_in_the_menu(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    async with digest_bot(server, brain, store_path, clock):
        menu = [c["command"] for c in server.commands()]
    assert menu[0] == "start"
    assert {"digest", "subscribe", "subscription", "unsubscribe"} <= set(menu)
    assert "digest_now" not in menu and "stats" not in menu  # admins' commands stay hidden
