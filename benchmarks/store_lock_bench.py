"""/help latency while another process holds the store's write lock (issue 8 item 12).

Runs the real application in this process against the local Bot API stand-in
(``tests.fake_botapi.FakeBotAPI``, real HTTP on 127.0.0.1) on a real store file. Each round,
one user asks a question (which writes to the question log) and right after it another user
sends /help (which never touches the store); the figure is the time from /help reaching the
Bot API to the bot's reply reaching it. Three runs:

* ``no lock``: nobody else holds the store;
* ``locked``: another process holds the write lock (``BEGIN IMMEDIATE``) throughout;
* ``locked, writes on the loop``: the same, with the store writer switched off, so the
  question log is written inside the handler as before (in WAL mode that write fails at
  once with "database is locked" and the question is lost, rather than waiting);
* ``locked, /subscribe instead`` (``--subscribe-rounds N``): the asker subscribes instead of
  asking; subscription writes are still made on the event loop by the digest handlers.

Prints medians and maxima. Asserts nothing: the machines here are shared.

    python benchmarks/store_lock_bench.py [--rounds 15] [--before-rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.application import build_application  # noqa: E402
from bot.brain import Brain  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storewriter import KEY as WRITER_KEY  # noqa: E402
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD  # noqa: E402
from knowledge.store import open_store  # noqa: E402
from tests.fake_botapi import FakeBotAPI  # noqa: E402
from tests.visitbot_app import NO_ENV, polling  # noqa: E402

ASKER = 4001
HELPER = 4002
HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("BEGIN IMMEDIATE")
db.execute("CREATE TABLE IF NOT EXISTS holder (x)")
print("locked", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def write_lock(path: Path, held: bool) -> Iterator[None]:
    if not held:
        yield
        return
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def app_for(server: FakeBotAPI, brain: Brain, store: Path, *, writer: bool) -> Any:
    settings = load_settings(
        telegram_bot_token=server.token, telegram_api_base_url=server.base_url, store_path=store
    )
    app = build_application(
        settings,
        brain,
        db=Database(store),
        request=HTTPXRequest(connection_pool_size=8, httpx_kwargs=NO_ENV),
        get_updates_request=HTTPXRequest(read_timeout=2.0, httpx_kwargs=NO_ENV),
        flood=None,
    )
    if not writer:  # as before issue 8: the handler writes the log on the event loop
        app.bot_data.pop(WRITER_KEY).close()
    return app


async def run(
    name: str,
    brain: Brain,
    store: Path,
    rounds: int,
    *,
    lock: bool,
    writer: bool,
    ask: str = "was there a railway deal? ({n})",
) -> None:
    latencies: list[float] = []
    with FakeBotAPI(max_long_poll=1.0) as server:
        async with polling(app_for(server, brain, store, writer=writer)):
            with write_lock(store, lock):
                for n in range(rounds):
                    question = ask.format(n=n)
                    server.send_text(question, chat_id=ASKER, user_id=ASKER)
                    start = time.monotonic()
                    server.send_command("help", chat_id=HELPER, user_id=HELPER)
                    reply = await server.await_message(HELPER, timeout=60)
                    latencies.append(reply["at"] - start)
                    await server.await_message(ASKER, timeout=60)
    median = statistics.median(latencies) * 1000
    print(f"  {name:<28} /help median {median:8.1f} ms   max {max(latencies) * 1000:8.1f} ms"
          f"   ({rounds} rounds)")  # fmt: skip


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before-rounds", type=int, default=3, help="0 skips that run")
    parser.add_argument("--subscribe-rounds", type=int, default=0, help="0 skips that run")
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp()) / "bench.db"
    built = open_store(store, DEFAULT_RECORD, DEFAULT_LANGUAGE)  # WAL mode, as in production
    brain = Brain(built.knowledge, built)
    print("visitbot /help latency while another process holds the store's write lock")
    await run("no lock", brain, store, args.rounds, lock=False, writer=True)
    await run("locked", brain, store, args.rounds, lock=True, writer=True)
    if args.before_rounds:
        before = "locked, writes on the loop"
        await run(before, brain, store, args.before_rounds, lock=True, writer=False)
    if args.subscribe_rounds:  # not moved off the loop yet: digest handlers write in place
        subscribe = "/subscribe daily 09:{n:02d} Asia/Karachi"
        await run("locked, /subscribe instead", brain, store, args.subscribe_rounds, lock=True,
                  writer=True, ask=subscribe)  # fmt: skip
    built.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
