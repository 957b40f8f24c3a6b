"""The Telegram bot under load: simulated users asking through a local Bot API over real HTTP.

Starts ``tests.fake_botapi.FakeBotAPI`` on 127.0.0.1, runs the real application against it in
its own process (``build_application`` and ``run_polling``, as ``visitbot run`` does, so the
stand-in and the simulated users do not share its CPU) and lets ``--users`` users each
ask ``--questions`` questions from the labelled question sets (typos included), one at a
time: a user asks, waits for the reply, then asks the next. Prints replies received, p50/p95
reply latency (question queued at the Bot API -> reply received by the Bot API) and total
time. Asserts nothing: the machines here are shared.

Two scenarios (``--scenario both`` runs them in turn):

* ``raw``: flood control and Telegram's send limits off, no pause between questions: what
  the bot itself can do.
* ``limits``: production settings (per-chat flood control, 30 messages/s overall) with
  users pausing ~1 s between questions like a fast reader: what users would feel at peak.

    python benchmarks/telegram_bench.py [--users 50] [--questions 20] [--scenario both]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.application import POOL_SIZE, POOL_WAIT, build_application  # noqa: E402
from bot.brain import Brain  # noqa: E402
from bot.evaluation import load_items  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from handlers import guards  # noqa: E402
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD  # noqa: E402
from knowledge.store import open_store  # noqa: E402
from tests.fake_botapi import FakeBotAPI  # noqa: E402
from tests.visitbot_app import english  # noqa: E402

SLOW_DOWN = english(guards.SLOW_DOWN)

FIRST_USER = 100_000
REPLY_TIMEOUT = 30.0


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds
    slow_downs: int = 0
    missing: int = 0


class Inboxes:
    """Hands each reply to its user's queue. One thread reads the stand-in's outbox, so fifty
    users waiting do not all wake up and scan it on every message (that would measure the
    stand-in, not the bot)."""

    def __init__(self, server: FakeBotAPI, users: list[int]) -> None:
        self.server = server
        self.queues: dict[int, queue.Queue[dict[str, Any]]] = {u: queue.Queue() for u in users}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                message = self.server.wait_for_message(None, timeout=0.2)
            except TimeoutError:
                continue
            if message["chat_id"] in self.queues:
                self.queues[message["chat_id"]].put(message)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def user_session(
    server: FakeBotAPI,
    inbox: queue.Queue[dict[str, Any]],
    user_id: int,
    questions: list[str],
    think: float,
    seed: int,
) -> Result:
    """One user, in a thread: ask, wait for the reply, (pause,) ask the next."""
    rng = random.Random(seed)
    result = Result()
    for question in questions:
        asked = time.monotonic()
        server.send_text(question, chat_id=user_id, user_id=user_id)
        try:
            reply = inbox.get(timeout=REPLY_TIMEOUT)
        except queue.Empty:
            result.missing += 1
            continue
        if reply["plain_text"] == SLOW_DOWN:
            result.slow_downs += 1
            continue
        result.latencies.append(reply["at"] - asked)
        if think:
            time.sleep(think * rng.uniform(0.5, 1.5))
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def serve_bot(base_url: str, token: str, store: str, production: bool) -> None:
    """The bot process: the production application, stopped by SIGTERM like ``visitbot run``."""
    from knowledge.store import open_store as open_knowledge

    opened = open_knowledge(Path(store), DEFAULT_RECORD, DEFAULT_LANGUAGE)
    settings = load_settings(
        telegram_bot_token=token, telegram_api_base_url=base_url, store_path=store
    )
    no_env = {"trust_env": False}
    extra = {} if production else {"flood": None, "rate_limiter": None}
    app = build_application(
        settings,
        Brain(opened.knowledge, opened),
        request=HTTPXRequest(
            connection_pool_size=POOL_SIZE, pool_timeout=POOL_WAIT, httpx_kwargs=no_env
        ),
        get_updates_request=HTTPXRequest(httpx_kwargs=no_env),
        **extra,
    )
    app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=1)


async def scenario(name: str, store: Path, pool: list[str], args: argparse.Namespace) -> None:
    production = name == "limits"
    think = 1.0 if production else 0.0
    with FakeBotAPI(max_long_poll=2.0) as server:
        spawn = multiprocessing.get_context("spawn")
        bot = spawn.Process(
            target=serve_bot, args=(server.base_url, server.token, str(store), production)
        )
        bot.start()
        try:
            await server.await_for(method="getUpdates", timeout=60)
            loop = asyncio.get_running_loop()
            rng = random.Random(7)
            users = [FIRST_USER + n for n in range(args.users)]
            plans = [rng.choices(pool, k=args.questions) for _ in users]
            inboxes = Inboxes(server, users)
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=args.users) as threads:
                futures = [
                    loop.run_in_executor(
                        threads, user_session, server, inboxes.queues[u], u, plan, think, n
                    )
                    for n, (u, plan) in enumerate(zip(users, plans, strict=True))
                ]
                results = await asyncio.gather(*futures)
            total = time.monotonic() - started
            inboxes.close()
        finally:
            bot.terminate()  # SIGTERM: a clean stop
            await asyncio.to_thread(bot.join, 15)
            if bot.is_alive():
                bot.kill()

    latencies = [lat for r in results for lat in r.latencies]
    asked = args.users * args.questions
    print(f"scenario {name}: {SCENARIOS[name]}")
    print(f"  replies received  {len(latencies)}/{asked}", end="")
    slow = sum(r.slow_downs for r in results)
    missing = sum(r.missing for r in results)
    print(f" (slow-down notices {slow}, no reply {missing})")
    print(
        f"  reply latency     p50 {percentile(latencies, 0.5) * 1000:.1f} ms   "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms   "
        f"mean {statistics.fmean(latencies) * 1000 if latencies else float('nan'):.1f} ms   "
        f"max {max(latencies, default=float('nan')) * 1000:.1f} ms"
    )
    print(f"  total time        {total:.2f} s ({len(latencies) / total:.0f} replies/s)")


SCENARIOS = {
    "raw": "no flood control, no send limits, users ask again as soon as answered",
    "limits": "production limits (flood control, 30 msg/s overall), users pause ~1 s",
}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--scenario", choices=["raw", "limits", "both"], default="both")
    args = parser.parse_args()

    store = Path(tempfile.mkdtemp()) / "bench.db"
    open_store(store, DEFAULT_RECORD, DEFAULT_LANGUAGE).close()  # built once, up front
    pool = [
        item.q
        for name in ("questions.yaml", "questions_heldout.yaml")
        for item in load_items(ROOT / "tests" / name)
    ]
    print(
        f"visitbot Telegram benchmark: {args.users} users x {args.questions} questions "
        f"({len(pool)} distinct), real HTTP to a local Bot API on 127.0.0.1"
    )
    names = ["raw", "limits"] if args.scenario == "both" else [args.scenario]
    for name in names:
        await scenario(name, store, pool, args)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
