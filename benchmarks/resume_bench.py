"""How soon a broadcast resumes after its sender is killed with SIGKILL.

Starts ``tests.fake_botapi.FakeBotAPI`` on 127.0.0.1, plans one broadcast to
``--subscribers`` subscribers in a fresh store and runs ``visitbot digest send`` in its own
process. While its ``--kill-after``-th message is in flight (the stand-in holds the answer
back), the process gets SIGKILL. Then the bot (``visitbot run``, long polling) starts on the
same store, and the delay is measured from the moment its process is started to the first
message of the interrupted broadcast it sends (so it includes Python start-up and imports).
Prints the median of ``--runs`` runs per scenario, and each run's figure:

* ``reaped``: the killed process was reaped (its pid is gone);
* ``zombie``: it was not reaped (a zombie, as under a container's PID 1 without an init);
* ``locked``: reaped, and another process holds a write lock on the store for ``--lock``
  seconds from the bot's start.

Also prints, per scenario, when the bot's first request reached the Bot API (its Python
start-up and imports), for scale.
``--root`` runs another checkout of the code (e.g. ``git archive main | tar -x -C DIR``)
to compare. Asserts nothing: the machines here are shared.

    python benchmarks/resume_bench.py [--runs 5] [--scenario all] [--subscribers 100]
"""

from __future__ import annotations

import argparse
import datetime as dtm
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from bot import delivery, subscriptions  # noqa: E402
from bot.subscriptions import Schedule  # noqa: E402
from knowledge.store import open_store  # noqa: E402
from tests.fake_botapi import FakeBotAPI  # noqa: E402

FIRST_CHAT = 700_000
GIVE_UP = 400.0  # seconds: longer than the old 5-minute sweep


def prepare(store: Path, subscribers: int) -> set[int]:
    open_store(store).close()
    db = Database(store)
    now = dtm.datetime.now(dtm.UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    chats = set(range(FIRST_CHAT, FIRST_CHAT + subscribers))
    with db.atomic():
        for chat in sorted(chats):
            subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)
    delivery.plan_broadcast(db, "now:bench:1", now)
    db.close()
    return chats


def visitbot(root: Path, server: FakeBotAPI, store: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(store.parent),
        "PYTHONPATH": str(root),
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "VISITBOT_STORE": str(store),
        "VISITBOT_LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=store.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(check: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return False


def hold_lock(store: Path, seconds: float) -> threading.Thread:
    """Another process writing: a write lock on the store for ``seconds``."""
    ready = threading.Event()

    def run() -> None:
        conn = sqlite3.connect(store, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    return thread


def one_run(root: Path, scenario: str, subscribers: int, kill_after: int, lock: float) -> tuple:
    """(resume delay, first request) in seconds from the bot's start; None if not seen."""
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(max_long_poll=1.0) as server:
        store = Path(tmp) / "visitbot.db"
        chats = prepare(store, subscribers)
        server.delay_next("sendMessage", 0.0, count=kill_after - 1)
        server.delay_next("sendMessage", 30.0)  # in flight when the kill comes
        sender = visitbot(root, server, store, "digest", "send")
        wait_until(lambda: len(server.calls("sendMessage")) >= kill_after, 60)
        sender.send_signal(signal.SIGKILL)
        if scenario != "zombie":
            sender.wait()
        else:
            wait_until(lambda: _state(sender.pid) == "Z", 10)
        server.clear_faults()
        mark = server.mark()
        locker = hold_lock(store, lock) if scenario == "locked" else None
        started = time.monotonic()
        bot = visitbot(root, server, store, "run")
        try:
            resumed = wait_until(
                lambda: any(c.params.get("chat_id") in chats
                            for c in server.calls("sendMessage")[kill_after:]),
                GIVE_UP,
            )  # fmt: skip
            calls = server.calls()[mark:]
            first_send = next(
                (c.at for c in calls if c.method == "sendMessage"
                 and c.params.get("chat_id") in chats), None,
            ) if resumed else None  # fmt: skip
            first_poll = calls[0].at if calls else None  # getMe: the bot is up
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(30)
            except subprocess.TimeoutExpired:
                bot.kill()
                bot.wait()
            sender.wait()
            if locker is not None:
                locker.join(lock + 10)
        return (
            first_send - started if first_send is not None else None,
            first_poll - started if first_poll is not None else None,
        )


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", choices=["reaped", "zombie", "locked", "all"], default="all")
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--kill-after", type=int, default=20, help="messages before the kill")
    parser.add_argument("--lock", type=float, default=3.0, help="locked: seconds held")
    parser.add_argument("--root", type=Path, default=ROOT, help="the code to run")
    args = parser.parse_args()
    scenarios = ["reaped", "zombie", "locked"] if args.scenario == "all" else [args.scenario]
    print(f"code: {args.root}; {args.subscribers} subscribers, SIGKILL at message "
          f"{args.kill_after}; {args.runs} runs per scenario")  # fmt: skip
    for scenario in scenarios:
        figures = [
            one_run(args.root, scenario, args.subscribers, args.kill_after, args.lock)
            for _ in range(args.runs)
        ]
        delays = [d for d, _ in figures if d is not None]
        polls = [p for _, p in figures if p is not None]
        label = f"{scenario} (store locked {args.lock:.0f} s)" if scenario == "locked" else scenario
        shown = ", ".join(f"{d:.2f}" if d is not None else f">{GIVE_UP:.0f}" for d, _ in figures)
        median = f"{statistics.median(delays):.2f} s" if len(delays) == len(figures) else "n/a"
        print(f"\n== {label} ==")
        print(f"  resume delay (bot process start -> first resumed message): median {median}")
        print(f"  each run: {shown} s")
        if polls:
            print(f"  bot's first request (getMe), median: {statistics.median(polls):.2f} s")


if __name__ == "__main__":
    main()
