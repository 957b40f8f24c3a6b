"""A delivery run killed half-way (SIGKILL, no goodbye) and resumed: nobody skipped, nobody
sent a second copy. ``visitbot digest send`` runs as a real process against the local Bot
API; the store is the real SQLite file both runs share.
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
    open_store(store_path).close()
    db = Database(store_path)
    now = dtm.datetime.now(dtm.UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    for chat in CHATS:
        subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)
    assert delivery.plan_broadcast(db, EDITION, now) == len(CHATS)
    return db


def visitbot(server: FakeBotAPI, store_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(store_path.parent),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "VISITBOT_STORE": str(store_path),
    }  # no proxy variables: traffic goes straight to 127.0.0.1
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


def test_killed_while_a_message_is_in_flight_then_resumed(
    server: FakeBotAPI, store_path: Path, planned: Database
) -> None:
    """Deterministic: the 13th message reaches Telegram, its answer is held back, and the
    process dies right then, as it would mid-request."""
    server.delay_next("sendMessage", 0.0, count=12)
    server.delay_next("sendMessage", 30.0)
    first = visitbot(server, store_path, "digest", "send")
    wait_for_sends(server, 13)
    in_flight = server.calls("sendMessage")[12].params["chat_id"]
    kill(first)
    after_kill = states(planned)

    second = visitbot(server, store_path, "digest", "send")
    out, err = second.communicate(timeout=60)

    assert second.returncode == 0, err
    assert sorted(after_kill.values()).count("sent") == 12
    assert after_kill[in_flight] == "sending"
    assert "sent 17;" in out and "1 left in flight by a run that stopped" in out
    assert server.message_counts() == dict.fromkeys(CHATS, 1)  # nobody twice, nobody skipped
    final = states(planned)
    assert final.pop(in_flight) == "unknown" and set(final.values()) == {"sent"}


def test_killed_at_a_random_moment_then_resumed(
    server: FakeBotAPI, store_path: Path, planned: Database
) -> None:
    """Without scripting: at most the one row in flight is undecided, nothing is doubled."""
    first = visitbot(server, store_path, "digest", "send")
    wait_for_sends(server, 10)
    kill(first)
    undecided = [c for c, s in states(planned).items() if s == "sending"]

    second = visitbot(server, store_path, "digest", "send")
    _, err = second.communicate(timeout=60)

    assert second.returncode == 0, err
    assert len(undecided) <= 1
    counts = server.message_counts()
    assert all(counts.get(chat, 0) <= 1 for chat in CHATS)
    missing = {chat for chat in CHATS if counts.get(chat, 0) == 0}
    assert missing <= set(undecided)
    final = states(planned)
    assert {c for c, s in final.items() if s != "sent"} == set(undecided)


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
