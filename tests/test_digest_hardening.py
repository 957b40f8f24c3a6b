"""Issue 8, digests: one bad subscriber never stops the others, groups that become
supergroups keep their digest, only admins change a group's digest, and a broadcast resumes
at once after a crash and reports to the admin's prompt.

End to end where Telegram is involved: the real Application against the local Bot API
stand-in, the store a real SQLite file, the crashed sender a real process killed with
SIGKILL. Waits are bounded; nothing asserts speed. Where a test must tell "at once" from
"at the next sweep" (5 minutes) or "when the lease expires" (a minute), its bound is
generous (tens of seconds) so a slow machine still passes and the old behaviour still fails.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import os
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlite_utils import Database
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

import handlers.digest
from bot import broadcasts, delivery, subscriptions
from bot import digest as compose
from bot.brain import Brain
from bot.delivery import Broadcaster, Lease
from bot.scheduling import SWEEP
from bot.subscriptions import Schedule, find_zone, parse_schedule
from knowledge.loading import load_files
from knowledge.store import open_store
from tests.fake_botapi import FakeBotAPI
from tests.test_digest_bot import FAST, Clock, broadcast_as_admin, buttons, digest_bot, until
from tests.test_digest_resume import visitbot, wait_for_sends
from tests.test_digest_units import record_with_updates
from tests.visitbot_app import ADMIN, NO_ENV

UTC = dtm.UTC
RESUME_BOUND = 30.0  # "at once" is a few seconds; the old waits were 30 s to 5 minutes


def put_raw(db: Database, chat_id: int, zone: str, at: str = "09:00") -> None:
    """A subscription row as an older version (or a hand edit) left it: never validated."""
    subscriptions.ensure_table(db)
    db[subscriptions.TABLE].upsert(
        {"chat_id": chat_id, "user_id": chat_id, "frequency": "daily", "weekday": None,
         "at": at, "timezone": zone, "since": "2025-01-01T00:00:00+00:00", "active": 1,
         "ended": None, "updated": "2025-01-01T00:00:00+00:00"},
        pk="chat_id",
    )  # fmt: skip


# -- 1. time zones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("UTC+5", "Etc/GMT-5"), ("UTC-12", "Etc/GMT+12"), ("UTC+13", "Etc/GMT-13"),
     ("+14", "Etc/GMT-14"), ("gmt-3", "Etc/GMT+3"), ("UTC+0", "UTC"), ("karachi", "Asia/Karachi")],
)  # fmt: skip
def test_utc_offsets_map_to_zones_that_exist(typed: str, zone: str) -> None:
    assert find_zone(typed) == zone
    parsed = parse_schedule(["daily", "09:00", typed], "UTC")
    assert parsed.schedule is not None and parsed.schedule.zone.key == zone


@pytest.mark.parametrize("typed", ["UTC-13", "UTC-14", "-13", "UTC+15", "gmt-99"])
def test_offsets_that_do_not_exist_are_refused_with_the_range(typed: str) -> None:
    parsed = parse_schedule(["daily", "09:00", typed], "UTC")
    assert parsed.schedule is None
    speech = compose.english(load_files().record)
    assert tuple(p.say(speech) for p in parsed.problems) == (
        f"\u201c{typed}\u201d is not a UTC offset that exists: offsets run from UTC-12 to "
        "UTC+14. Try a place, like Pacific/Tongatapu or Pacific/Kiritimati.",
    )


def test_a_zone_that_does_not_load_is_never_stored(store_path: Path) -> None:
    db = Database(store_path)
    now = dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC)
    for bad in ("Etc/GMT+13", "Asia", "../etc/passwd"):
        with pytest.raises(ValueError, match="does not exist"):
            subscriptions.subscribe(db, 1, 1, Schedule("daily", dtm.time(9), bad), now)
    assert subscriptions.get(db, 1) is None


async def test_a_bad_zone_in_the_store_is_paused_told_once_and_never_stops_the_others(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """The probe's failure: Etc/GMT+13 stored. Start-up, every run, /subscribe and
    /digest_now all went on working for everyone else; the bad chat heard why, once."""
    db = Database(store_path)
    clock = Clock(dtm.datetime(2025, 2, 5, 4, 0, 1, tzinfo=UTC))  # 09:00:01 in Karachi
    for chat in (11, 12):
        schedule = Schedule("daily", dtm.time(9), "Asia/Karachi")
        subscriptions.subscribe(db, chat, chat, schedule, clock.at - dtm.timedelta(days=1))
    put_raw(db, 13, "Etc/GMT+13")  # stored by /subscribe daily 09:00 UTC-13
    put_raw(db, 14, "karachi")  # written loosely: repaired, not paused
    async with digest_bot(server, brain, store_path, clock) as app:
        first = {c: await server.await_message(c, timeout=20) for c in (11, 12, 13, 14)}
        server.send_command("subscribe", "daily 18:00 Asia/Almaty", chat_id=15, user_id=15)
        other = await server.await_message(15)
        put_raw(db, 16, "Etc/GMT+14")  # arrives while running: the next run pauses it
        report = await broadcast_as_admin(server)
        slots = sorted(j.name for j in app.job_queue.jobs() if j.name.startswith("digest:slot"))
    async with digest_bot(server, brain, store_path, clock) as again:  # a restart
        await until(lambda: again.job_queue.get_jobs_by_name(SWEEP))
        await handlers.digest.runtime_of(again).deliver()  # after the start-up run

    told = [m for m in server.sent_messages(13) if "paused" in m["plain_text"]]
    assert len(told) == 1 and first[13] == told[0]  # told once, restart or not
    assert "\u201cEtc/GMT+13\u201d does not exist" in told[0]["plain_text"]
    assert "/subscribe daily 09:00 Asia/Karachi" in told[0]["plain_text"]
    assert not any("paused" in first[c]["plain_text"] for c in (11, 12, 14))  # their digests
    assert "daily at 18:00 (Asia/Almaty)" in other["plain_text"]
    assert report["plain_text"].startswith("\U0001f4e8 Digest broadcast: 4 delivered")
    later = [m["plain_text"] for m in server.sent_messages(16)]
    assert len(later) == 1 and "\u201cEtc/GMT+14\u201d does not exist" in later[0]
    assert {c: subscriptions.get(db, c) for c in (13, 16)} == {13: None, 16: None}
    rows = dict(db.execute(f"SELECT chat_id, ended FROM {subscriptions.TABLE}").fetchall())
    assert rows[13] == rows[16] == subscriptions.BAD_ZONE
    repaired = subscriptions.get(db, 14)
    assert repaired is not None and repaired.active and repaired.schedule.timezone == "Asia/Karachi"
    assert slots  # the timers were rebuilt for everyone else


def test_digest_send_delivers_to_the_others_despite_a_bad_zone(
    server: FakeBotAPI, store_path: Path
) -> None:
    open_store(store_path).close()
    db = Database(store_path)
    now = dtm.datetime.now(UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    for chat in (21, 22):
        subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)
    put_raw(db, 23, "Etc/GMT+13")
    delivery.plan_broadcast(db, "now:test:1", now)
    sender = visitbot(server, store_path, "digest", "send")
    out, err = sender.communicate(timeout=60)
    assert sender.returncode == 0, err
    assert "sent 2;" in out and "paused 1 subscriptions" in out and "told 1 chats" in out
    assert server.message_counts() == {21: 1, 22: 1, 23: 1}
    assert "paused" in server.sent_messages(23)[0]["plain_text"]


# -- 2. a group becomes a supergroup -----------------------------------------------------------


def _bot(server: FakeBotAPI) -> ExtBot[int]:
    return ExtBot(server.token, base_url=server.base_url, request=HTTPXRequest(httpx_kwargs=NO_ENV))


async def test_a_send_to_a_migrated_group_follows_it_and_keeps_what_is_new(
    server: FakeBotAPI, store_path: Path, tmp_path: Path
) -> None:
    group, supergroup = -4242, -1004242
    record = load_files(record_with_updates(tmp_path)).record
    clock = Clock(dtm.datetime(2025, 5, 1, 3, 0, tzinfo=UTC))
    db = Database(store_path)
    subscriptions.subscribe(db, group, 1, Schedule("daily", dtm.time(9), "Asia/Karachi"), clock.at)
    async with _bot(server) as bot:
        sender = Broadcaster(db, bot, lambda: record, clock=clock, options=FAST)
        clock.at = dtm.datetime(2025, 5, 1, 4, 0, 1, tzinfo=UTC)
        await sender.deliver()
        server.migrate_chat(group, supergroup, announce=False)  # while no one was polling
        clock.at = dtm.datetime(2025, 5, 2, 4, 0, 1, tzinfo=UTC)
        report = await sender.deliver()

    assert report.sent == 1 and report.failed == 0 and report.migrated == 1
    moved = subscriptions.get(db, supergroup)
    assert moved is not None and moved.active
    assert moved.schedule == Schedule("daily", dtm.time(9), "Asia/Karachi")
    assert subscriptions.get(db, group) is None
    second = server.sent_messages(supergroup)[-1]["plain_text"]
    assert second.startswith(
        f"Nothing new about {record.visit.title} since your last digest (1 May)"
    )
    states = db.execute(f"SELECT chat_id, state FROM {delivery.TABLE} ORDER BY edition").fetchall()
    assert states == [(supergroup, "sent"), (supergroup, "sent")]


async def test_the_migration_service_message_moves_the_subscription(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    group, supergroup = -5151, -1005151
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    subscriptions.subscribe(db, group, 1, Schedule("weekly", dtm.time(18), "UTC", 4), clock.at)
    async with digest_bot(server, brain, store_path, clock):
        server.migrate_chat(group, supergroup)
        moved = await until(lambda: subscriptions.get(db, supergroup), timeout=10)
    assert moved.active and moved.schedule == Schedule("weekly", dtm.time(18), "UTC", 4)
    assert moved.since == clock.at
    assert subscriptions.get(db, group) is None


# -- 3. who may change a group's digest --------------------------------------------------------

GROUP, OWNER, MEMBER = -6161, 61, 62


async def group_says(server: FakeBotAPI, command: str, args: str, user: int) -> dict[str, Any]:
    server.send_command(command, args, chat_id=GROUP, chat_type="group", user_id=user)
    return await server.await_message(GROUP)


async def press(server: FakeBotAPI, message: Any, label: str, user: int) -> dict[str, Any] | None:
    """Press a button as ``user``; the callback answer once the bot has given it."""
    update = server.press_button(message, buttons(message)[label], user_id=user)
    query = update["callback_query"]["id"]
    return await until(lambda: server.callback_answer(query))  # type: ignore[no-any-return]


async def test_only_group_admins_change_a_groups_subscription(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    server.set_chat_admins(GROUP, owner=OWNER)
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    async with digest_bot(server, brain, store_path, clock):
        refused_first = await group_says(server, "subscribe", "daily 09:00 UTC", MEMBER)
        owner_set = await group_says(server, "subscribe", "daily 09:00 Asia/Karachi", OWNER)
        refused_change = await group_says(server, "subscribe", "weekly fri 21:00 UTC", MEMBER)
        refused_stop = await group_says(server, "unsubscribe", "", MEMBER)
        shown = await group_says(server, "subscription", "", MEMBER)  # looking is fine
        member_press = await press(server, shown, "Unsubscribe", MEMBER)
        kept = subscriptions.get(db, GROUP)
        await press(server, shown, "Unsubscribe", OWNER)
        stopped = await server.await_message(GROUP, include_edits=True)

    for refused in (refused_first, refused_change, refused_stop):
        assert refused["plain_text"] == brain.speech.text("digest.group_admins_only")
    assert "daily at 09:00 (Asia/Karachi)" in owner_set["plain_text"]
    assert "daily at 09:00 (Asia/Karachi)" in shown["plain_text"]
    assert member_press == {
        **member_press,
        "text": brain.speech.text("digest.group_admins_only"),
        "show_alert": True,
    }
    assert kept is not None and kept.active and kept.schedule.at == dtm.time(9)
    assert stopped["plain_text"].startswith("Done: no more digests")
    assert server.calls("getChatMember")  # asked Telegram, not guessed


async def test_only_bot_admins_press_a_prompt_and_send_after_cancel_sends_nothing(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    server.set_chat_admins(GROUP, [MEMBER])  # a group admin, but not the bot's admin
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    db = Database(store_path)
    subscriptions.subscribe(db, 71, 71, Schedule("daily", dtm.time(9), "UTC"), clock.at)
    async with digest_bot(server, brain, store_path, clock):
        prompt = await group_says(server, "digest_now", "", ADMIN)
        member_cancel = await press(server, prompt, "Cancel", MEMBER)
        member_send = await press(server, prompt, "Send to 1", MEMBER)
        unchanged = server.message(GROUP, prompt["message_id"])
        await press(server, prompt, "Cancel", ADMIN)
        cancelled = await server.await_message(GROUP, include_edits=True)
        # A Send press queued before the Cancel reached the bot arrives after it.
        late = server.press_button(prompt, "dg:n", user_id=ADMIN, strict=False)
        await until(lambda: server.callback_answer(late["callback_query"]["id"]))
        after = await server.await_message(GROUP, include_edits=True)

    assert member_cancel is not None and member_cancel["text"] == brain.speech.text(
        "digest.prompt_admins_only"
    )
    assert member_send is not None and member_send["text"] == brain.speech.text(
        "digest.prompt_admins_only"
    )
    assert unchanged is not None and unchanged["text"] == prompt["plain_text"]
    assert cancelled["plain_text"] == "Cancelled."
    assert after["plain_text"] == brain.speech.text("digest.was_cancelled")
    assert server.message_counts().get(71) is None  # nothing was broadcast
    assert delivery.state_counts(db) == {}


# -- 13. resume at once after a crash ------------------------------------------------------------


def process_state(pid: int) -> str:
    """The state letter in /proc/PID/stat ('Z': exited, not reaped yet)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def zombie() -> subprocess.Popen[bytes]:
    """A child that has exited and is not reaped yet (kept as a zombie until waited)."""
    child = subprocess.Popen(["sleep", "0"])
    deadline = time.monotonic() + 10
    while process_state(child.pid) != "Z":
        assert time.monotonic() < deadline, "the child did not exit"
        time.sleep(0.01)
    return child


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_zombie_or_a_reused_pid_does_not_hold_the_lease(store_path: Path) -> None:
    db = Database(store_path)
    delivery.ensure_tables(db)
    child = zombie()
    try:
        holder = Lease(db, ttl=3600)
        assert holder.acquire() is None
        db.execute(f"UPDATE {delivery.LEASE_TABLE} SET pid = ?", [child.pid])
        db.conn.commit()
        assert Lease(db).acquire() is None  # taken over at once, not in an hour
        assert delivery.process_started(child.pid) is None
        assert delivery.owner_dead(child.pid, None)
        mine = delivery.process_started(os.getpid())
        assert mine is not None and not delivery.owner_dead(os.getpid(), mine)
        assert delivery.owner_dead(os.getpid(), "1")  # same pid, another process
    finally:
        child.wait()


def send_prompt(server: FakeBotAPI, chat: int) -> int:
    """The admin's "Sending..." message, as the bot that crashed had left it."""
    with httpx.Client(trust_env=False) as client:
        answer = client.post(
            server.method_url("sendMessage"), json={"chat_id": chat, "text": "Sending\u2026"}
        ).json()
    return int(answer["result"]["message_id"])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
async def test_after_kill_9_the_bot_resumes_at_start_up_and_reports_to_the_prompt(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """The sender is killed mid-broadcast and left unreaped (a zombie, as under a PID 1
    without an init); the bot started next resumes at once and edits the admin's prompt."""
    open_store(store_path).close()
    db = Database(store_path)
    now = dtm.datetime.now(UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    chats = list(range(8001, 8021))
    for chat in chats:
        subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)
    message_id = send_prompt(server, ADMIN)
    broadcasts.start(db, ADMIN, message_id, now)
    edition = broadcasts.edition(ADMIN, message_id)
    delivery.plan_broadcast(db, edition, now)
    window = delivery.DEFAULT_IN_FLIGHT
    server.delay_next("sendMessage", 0.0, count=6)
    server.delay_next("sendMessage", 30.0, count=window)  # in flight when the kill comes
    first = visitbot(server, store_path, "digest", "send")
    try:
        await asyncio.to_thread(wait_for_sends, server, 1 + 6 + window)
        first.kill()
        await until(lambda: process_state(first.pid) == "Z", timeout=10)
        server.clear_faults()
        async with digest_bot(server, brain, store_path, delivery.system_clock):
            report = await until(
                lambda: next((m for m in server.sent_messages(ADMIN)
                              if m["plain_text"].startswith("\U0001f4e8")), None),
                timeout=RESUME_BOUND,
            )  # fmt: skip
    finally:
        first.wait(timeout=10)

    counts = server.message_counts()
    assert all(counts.get(c) == 1 for c in chats)  # nobody twice, nobody skipped
    assert report["message_id"] == message_id
    assert report["plain_text"] == (
        f"\U0001f4e8 Digest broadcast: {20 - window} delivered; {window} outcome unknown."
    )


async def test_a_locked_store_at_start_up_delays_the_resume_by_seconds_not_a_sweep(
    server: FakeBotAPI, brain: Brain, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(store_path)
    now = dtm.datetime.now(UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    subscriptions.subscribe(db, 91, 91, Schedule("daily", later, "UTC"), now)
    delivery.ensure_tables(db)
    delivery.plan_broadcast(db, "now:test:1", now)
    db.close()
    locker = sqlite3.connect(store_path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another process is writing: the bot's writes wait
    caplog.set_level(logging.WARNING, logger="bot.scheduling")
    try:
        async with digest_bot(server, brain, store_path, delivery.system_clock):
            await until(lambda: "store not usable" in caplog.text, timeout=RESUME_BOUND)
            locker.execute("COMMIT")
            await server.await_message(91, timeout=RESUME_BOUND)
    finally:
        locker.close()
    assert server.message_counts() == {91: 1}


async def test_an_anonymous_group_admin_may_subscribe_the_group(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """An anonymous admin posts as the group itself (``sender_chat``), which Telegram allows
    only to admins; getChatMember would only see GroupAnonymousBot, a non-member."""
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    async with digest_bot(server, brain, store_path, clock):
        server.send_command(
            "subscribe", "daily 09:00 UTC", chat_id=GROUP, chat_type="group", anonymous_admin=True
        )
        posted = await server.await_message(GROUP)
    assert "daily at 09:00 (UTC)" in posted["plain_text"]
    assert not server.calls("getChatMember")
