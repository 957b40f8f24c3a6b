"""A delivery run killed half-way (SIGKILL, no goodbye) and resumed: nobody skipped, nobody
sent a second copy, and at most the window (``VISITBOT_DIGEST_IN_FLIGHT`` rows in flight)
left undecided. ``visitbot digest send`` runs as a real process against the local Bot API
(with a simulated round trip where it matters); the store is the real SQLite file both runs
share.
"""

from __future__ import annotations

import datetime as dtm
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot import delivery, subscriptions
from bot.cli import main
from bot.digest_cli import BUSY
from bot.subscriptions import Schedule
from knowledge.loading import load_files
from knowledge.store import open_store
from tests.fake_botapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
CHATS = list(range(9001, 9031))  # 30 subscribers
EDITION = "now:test:1"


@pytest.fixture
def server() -> Any:
    with FakeBotAPI(max_long_poll=1.0) as srv:
        yield srv


@pytest.fixture
def planned(store_path: Path) -> Database:
    """A built store, 30 subscribers (none due by the clock) and one broadcast planned."""
    return _planned(store_path)


def _planned(store_path: Path) -> Database:
    open_store(store_path).close()
    db = Database(store_path)
    now = dtm.datetime.now(dtm.UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    for chat in CHATS:
        subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)
    assert delivery.plan_broadcast(db, EDITION, now) == len(CHATS)
    return db


def visitbot(
    server: FakeBotAPI, store_path: Path, *args: str, in_flight: int | None = None
) -> subprocess.Popen[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(store_path.parent),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "VISITBOT_STORE": str(store_path),
    }  # no proxy variables: traffic goes straight to 127.0.0.1
    if in_flight is not None:
        env["VISITBOT_DIGEST_IN_FLIGHT"] = str(in_flight)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=store_path.parent,  # no stray .env
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_sends(server: FakeBotAPI, count: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while len(server.calls("sendMessage")) < count:
        assert time.monotonic() < deadline, f"fewer than {count} sends in {timeout} s"
        time.sleep(0.005)


def states(db: Database) -> dict[int, str]:
    rows = db.execute(f"SELECT chat_id, state FROM {delivery.TABLE} WHERE edition = ?", [EDITION])
    return dict(rows.fetchall())


def kill(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait(timeout=10)  # reaped, so its lease is seen as dead at once


@pytest.mark.parametrize("window", [1, 4, None])  # None: the default setting
def test_killed_while_the_window_is_in_flight_then_resumed(
    server: FakeBotAPI, store_path: Path, planned: Database, window: int | None
) -> None:
    """Deterministic: 12 messages are answered, then the answers to the next ``window`` are
    held back (they reached Telegram), so the window is full of requests in flight when the
    process dies. Exactly those rows are undecided: marked unknown, never sent again."""
    size = window or delivery.DEFAULT_IN_FLIGHT
    server.delay_next("sendMessage", 0.0, count=12)
    server.delay_next("sendMessage", 30.0, count=size)
    first = visitbot(server, store_path, "digest", "send", in_flight=window)
    wait_for_sends(server, 12 + size)
    in_flight = {c.params["chat_id"] for c in server.calls("sendMessage")[12:]}
    kill(first)
    after_kill = states(planned)

    second = visitbot(server, store_path, "digest", "send", in_flight=window)
    out, err = second.communicate(timeout=60)

    assert second.returncode == 0, err
    assert sorted(after_kill.values()).count("sent") == 12
    assert {c for c, s in after_kill.items() if s == "sending"} == in_flight
    assert len(in_flight) == size  # the window was full, and no fuller
    assert f"sent {len(CHATS) - 12 - size};" in out
    assert f"{size} left in flight by a run that stopped" in out
    assert server.message_counts() == dict.fromkeys(CHATS, 1)  # nobody twice, nobody skipped
    final = states(planned)
    assert {c for c, s in final.items() if s == "unknown"} == in_flight
    assert {s for c, s in final.items() if c not in in_flight} == {"sent"}


def test_killed_at_a_random_moment_of_a_windowed_run_then_resumed(store_path: Path) -> None:
    """Without scripting, over a 50 ms round trip so the window is full: at most the window
    is undecided, nothing is doubled, everyone else gets their digest after the restart."""
    with FakeBotAPI(max_long_poll=1.0, latency=0.05) as server:
        db = _planned(store_path)
        first = visitbot(server, store_path, "digest", "send")
        wait_for_sends(server, 10)
        kill(first)
        undecided = {c for c, s in states(db).items() if s == "sending"}

        second = visitbot(server, store_path, "digest", "send")
        _, err = second.communicate(timeout=60)
        counts = server.message_counts()

    assert second.returncode == 0, err
    assert len(undecided) <= delivery.DEFAULT_IN_FLIGHT
    assert all(counts.get(chat, 0) <= 1 for chat in CHATS)
    missing = {chat for chat in CHATS if counts.get(chat, 0) == 0}
    assert missing <= undecided
    final = states(db)
    assert (
        {c for c, s in final.items() if s != "sent"}
        == {c for c, s in final.items() if s == "unknown"}
        == undecided
    )


def test_send_waits_its_turn_while_another_process_delivers(
    server: FakeBotAPI, store_path: Path, planned: Database
) -> None:
    lease = delivery.Lease(planned)
    assert lease.acquire() is None  # this test process is "the bot", busy delivering
    busy = visitbot(server, store_path, "digest", "send")
    out, err = busy.communicate(timeout=60)
    assert busy.returncode == BUSY, err
    assert "another process is delivering" in out and lease.owner in out
    assert server.calls("sendMessage") == []


def test_digest_show_prints_the_digest_plain_or_as_telegram_html(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VISITBOT_STORE", str(store_path))
    monkeypatch.chdir(store_path.parent)
    assert main(["digest", "show"]) == 0
    plain = capsys.readouterr().out
    assert main(["digest", "show", "--html"]) == 0
    html = capsys.readouterr().out
    agreements = load_files().record.agreements
    heading = f"{agreements.total} {agreements.described_as}"
    assert heading in plain and "<b>" not in plain
    assert f"<b>\U0001f4dd {heading}</b>" in html and "<blockquote expandable>" in html
