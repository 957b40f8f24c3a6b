"""A digest broadcast to 1,000 subscribers through a local Bot API, over real HTTP.

Starts ``tests.fake_botapi.FakeBotAPI`` on 127.0.0.1 enforcing Telegram's limits (a 429 for
more than 30 messages in any second, or more than 1 a second to one chat), plans one
broadcast edition for ``--subscribers`` subscribers in a fresh store, and runs
``visitbot digest send`` in its own process, as an admin or cron would. Prints the achieved
messages a second (first to last message), the most messages in any 1 s window, the 429s,
duplicates (chats that got more than one copy; must be 0) and missed (subscribers who got
nothing; must be 0). Asserts nothing: the machines here are shared.

Two scenarios: ``limits`` (the server only enforces Telegram's limits) and ``429s`` (it also
answers a 429 with retry_after=1 after every ``--every`` messages, as Telegram does when it
is under load).

    python benchmarks/broadcast_bench.py [--subscribers 1000] [--scenario both] [--every 100]
"""

from __future__ import annotations

import argparse
import datetime as dtm
import os
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

FIRST_CHAT = 500_000


def prepare(store: Path, subscribers: int) -> list[int]:
    open_store(store).close()
    db = Database(store)
    now = dtm.datetime.now(dtm.UTC)
    later = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    chats = list(range(FIRST_CHAT, FIRST_CHAT + subscribers))
    with db.atomic():
        for chat in chats:
            subscriptions.subscribe(db, chat, chat, Schedule("daily", later, "UTC"), now)
    delivery.plan_broadcast(db, "now:bench:1", now)
    db.close()
    return chats


def inject_429s(server: FakeBotAPI, every: int, stop: threading.Event) -> list[int]:
    """Every ``every`` delivered messages, make the next send a 429 (retry_after=1)."""
    injected: list[int] = []

    def run() -> None:
        mark = every
        while not stop.is_set():
            if sum(server.message_counts().values()) >= mark:
                server.rate_limit_next("sendMessage", retry_after=1)
                injected.append(mark)
                mark += every
            time.sleep(0.005)

    threading.Thread(target=run, daemon=True).start()
    return injected


def scenario(name: str, subscribers: int, every: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI() as server:
        store = Path(tmp) / "visitbot.db"
        chats = prepare(store, subscribers)
        server.enable_rate_limit(global_per_second=30, per_chat_per_second=1)
        stop = threading.Event()
        injected = inject_429s(server, every, stop) if every else []
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": server.token,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "VISITBOT_STORE": str(store),
            "VISITBOT_LOG_LEVEL": "ERROR",
        }
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "digest", "send"],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=600,
        )
        elapsed = time.monotonic() - started
        stop.set()
        counts = server.message_counts()
        db = Database(store)
        windows = sorted(
            (dtm.datetime.fromisoformat(d) - dtm.datetime.fromisoformat(c)).total_seconds()
            for c, d in db.execute(
                f"SELECT claimed_at, done_at FROM {delivery.TABLE} WHERE state = 'sent'"
            ).fetchall()
        )
        db.close()
        faults = server.faults("sendMessage")
        answered = sum(1 for f in faults if f["kind"] == "rate_limit")  # injected, sent back
        over = sum(1 for f in faults if f["kind"] in ("global_rate_limit", "chat_rate_limit"))
        print(f"\n== {name}: {subscribers} subscribers ==")
        print(f"  visitbot digest send: exit {done.returncode}; {done.stdout.strip()}")
        if done.returncode != 0:
            print(f"  stderr: {done.stderr.strip()[-500:]}")
        print(f"  run time (process start to exit):   {elapsed:.1f} s")
        print(f"  messages a second (first to last):   {server.send_rate():.1f}")
        print(f"  most messages in any 1 s window:     {server.max_in_window(1.0)}")
        print(f"  429s injected (retry_after=1):       {answered} (armed {len(injected)})")
        print(f"  429s for going over the limits:      {over}")
        if windows:
            median, p99 = windows[len(windows) // 2], windows[int(len(windows) * 0.99)]
            print(
                f"  in flight ('sending' -> 'sent'):     median {median * 1000:.1f} ms, "
                f"p99 {p99 * 1000:.1f} ms, max {windows[-1] * 1000:.1f} ms (1 message at a time)"
            )
        print(f"  duplicates (chats with >1 copy):     {sum(1 for n in counts.values() if n > 1)}")
        print(f"  missed (subscribers with no copy):   {sum(1 for c in chats if c not in counts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--scenario", choices=["limits", "429s", "both"], default="both")
    parser.add_argument("--every", type=int, default=100, help="429s: one per N messages")
    args = parser.parse_args()
    if args.scenario in ("limits", "both"):
        scenario("limits", args.subscribers, None)
    if args.scenario in ("429s", "both"):
        scenario("429s", args.subscribers, args.every)


if __name__ == "__main__":
    main()
