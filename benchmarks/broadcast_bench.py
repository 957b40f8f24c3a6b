"""Digests to many subscribers through a local Bot API that is a round trip away.

Starts ``tests.fake_botapi.FakeBotAPI`` on 127.0.0.1 enforcing Telegram's limits (a 429 for
more than 30 messages in any second, or more than 1 a second to one chat) and delaying every
answer by a simulated network round trip (``--latency``, as between a real server and
Telegram), puts ``--subscribers`` subscribers in a fresh store, and runs ``visitbot digest
send`` in its own process, as an admin or cron would. Prints, per run and as the median of
``--runs`` runs: the messages a second (first to last message), the most messages in any
1 s window, the 429s, duplicates (chats that got more than one copy; must be 0), missed
(subscribers who got nothing and whose row is not ``unknown``; must be 0), the rows left
``unknown``, the process's peak RSS, its run time (start to exit) and plan-plus-delivery
time (from the run's start, before planning, to the last row decided). Asserts nothing: the
machines here are shared.

Kinds: ``scheduled`` (default: every subscription's daily slot has just passed, so the
process plans every digest itself) or ``broadcast`` (an admin's broadcast, planned before).

Scenarios: ``limits`` (the server only enforces Telegram's limits), ``429s`` (it also
answers a 429 with retry_after=1 after every ``--every`` messages, as Telegram does under
load) and ``kill`` (SIGKILL after ``--kill-after`` delivered messages, then a second
``visitbot digest send``; prints the rows undecided at the kill and the rate of each run).

    python benchmarks/broadcast_bench.py [--subscribers 1000] [--latency 0,50,100,200]
        [--runs 3] [--scenario limits] [--kind scheduled] [--in-flight N] [--every 100]
        [--kill-after 300]
"""

from __future__ import annotations

import argparse
import datetime as dtm
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from bot import delivery, subscriptions  # noqa: E402
from bot.subscriptions import Schedule  # noqa: E402
from knowledge.store import open_store  # noqa: E402
from tests.fake_botapi import FakeBotAPI  # noqa: E402

FIRST_CHAT = 500_000


@dataclass
class Figures:
    """One run's results."""

    rate: float = 0.0
    peak_window: int = 0
    over_limits: int = 0
    injected: int = 0
    duplicates: int = 0
    missed: int = 0
    unknown: int = 0
    rss_mb: float = 0.0
    cpu: float = 0.0  # seconds of CPU the sending processes used
    seconds: float = 0.0
    plan_and_delivery: float = 0.0
    exits: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def prepare(store: Path, subscribers: int, kind: str) -> list[int]:
    open_store(store).close()
    db = Database(store)
    now = dtm.datetime.now(dtm.UTC)
    if kind == "scheduled":  # the slot passed a minute ago: `digest send` plans them all
        at = (now - dtm.timedelta(minutes=2)).time().replace(second=0, microsecond=0)
        since = now - dtm.timedelta(hours=1)
    else:
        at = (now + dtm.timedelta(hours=6)).time().replace(second=0, microsecond=0)
        since = now
    chats = list(range(FIRST_CHAT, FIRST_CHAT + subscribers))
    with db.atomic():
        for chat in chats:
            subscriptions.subscribe(db, chat, chat, Schedule("daily", at, "UTC"), since)
    if kind == "broadcast":
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


def start(server: FakeBotAPI, store: Path, in_flight: int | None) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(store.parent),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "VISITBOT_STORE": str(store),
        "VISITBOT_LOG_LEVEL": "ERROR",
    }
    if in_flight is not None:
        env["VISITBOT_DIGEST_IN_FLIGHT"] = str(in_flight)
    out = open(store.parent / f"out-{time.monotonic_ns()}.txt", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "digest", "send"],
        env=env,
        cwd=store.parent,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def peak_rss_mb(pid: int) -> float:
    """The process's peak RSS so far (VmHWM). Not wait4's ru_maxrss: on Linux that also
    counts the parent's memory at the fork (this benchmark, with its server's call log)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "")
    return int(found.split()[1]) / 1024 if found else 0.0  # kB


def reap(process: subprocess.Popen[bytes], figures: Figures, timeout: float = 1800) -> None:
    """Wait for the process; keep its exit code, CPU time and peak RSS (read every 20 ms
    while it runs: the memory is flat at the end of a run, so the last reading is its peak)."""
    deadline = time.monotonic() + timeout
    while True:
        figures.rss_mb = max(figures.rss_mb, peak_rss_mb(process.pid))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    figures.exits.append(process.returncode)
    figures.cpu += usage.ru_utime + usage.ru_stime
    if process.returncode not in (0, -signal.SIGKILL):
        out = Path(process.args[0]).name  # the output file is next to the store
        figures.notes.append(f"exit {process.returncode} ({out})")


def states(store: Path) -> dict[str, int]:
    db = Database(store)
    found = dict(
        db.execute(f"SELECT state, count(*) FROM {delivery.TABLE} GROUP BY state").fetchall()
    )
    db.close()
    return found


def plan_and_delivery(store: Path) -> float:
    """From the run's start (planned_at, taken before planning) to the last row decided."""
    db = Database(store)
    first, last = db.execute(
        f"SELECT min(planned_at), max(done_at) FROM {delivery.TABLE}"
    ).fetchone()
    db.close()
    if not first or not last:
        return 0.0
    return (dtm.datetime.fromisoformat(last) - dtm.datetime.fromisoformat(first)).total_seconds()


def one_run(args: argparse.Namespace, latency_ms: float) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(latency=latency_ms / 1000) as server:
        store = Path(tmp) / "visitbot.db"
        chats = prepare(store, args.subscribers, args.kind)
        server.enable_rate_limit(global_per_second=30, per_chat_per_second=1)
        stop = threading.Event()
        every = args.every if args.scenario == "429s" else None
        injected = inject_429s(server, every, stop) if every else []
        started = time.monotonic()
        process = start(server, store, args.in_flight)
        if args.scenario == "kill":
            kill_after(server, process, args.kill_after, figures)
            reap(process, figures)
            undecided = states(store).get("sending", 0)
            time.sleep(latency_ms / 1000 + 0.05)  # every request of the first run arrives
            restarted = time.monotonic()
            first_part = [t for t in server.message_times() if t < restarted]
            figures.notes.append(f"rows 'sending' at the kill: {undecided}")
            figures.notes.append(f"before the kill: {_rate(first_part):.1f} msg/s")
            process = start(server, store, args.in_flight)
            reap(process, figures)
            second_part = [t for t in server.message_times() if t >= restarted]
            figures.notes.append(
                f"after the restart: {_rate(second_part):.1f} msg/s ({len(second_part)} messages)"
            )
        else:
            reap(process, figures)
        figures.seconds = time.monotonic() - started
        stop.set()
        counts = server.message_counts()
        found = states(store)
        figures.unknown = found.get("unknown", 0)
        db = Database(store)
        rows = db.execute(f"SELECT chat_id FROM {delivery.TABLE} WHERE state = 'unknown'")
        unknown = {c for (c,) in rows}
        db.close()
        figures.rate = server.send_rate()
        figures.peak_window = server.max_in_window(1.0)
        faults = server.faults("sendMessage")
        figures.injected = sum(1 for f in faults if f["kind"] == "rate_limit")
        figures.over_limits = sum(
            1 for f in faults if f["kind"] in ("global_rate_limit", "chat_rate_limit")
        )
        per_chat = sum(1 for f in faults if f["kind"] == "chat_rate_limit")
        if per_chat:
            figures.notes.append(f"{per_chat} of the 429s for the 1/s per-chat limit")
        figures.duplicates = sum(1 for n in counts.values() if n > 1)
        figures.missed = sum(1 for c in chats if c not in counts and c not in unknown)
        figures.plan_and_delivery = plan_and_delivery(store)
        if injected:
            figures.notes.append(f"429s armed {len(injected)}")
        left = {k: v for k, v in found.items() if k not in ("sent", "unknown")}
        if left:
            figures.notes.append(f"other states: {left}")
    return figures


def kill_after(
    server: FakeBotAPI, process: subprocess.Popen[bytes], sends: int, figures: Figures
) -> None:
    deadline = time.monotonic() + 600
    while sum(server.message_counts().values()) < sends and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)


def _rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def show(label: str, runs: list[Figures]) -> None:
    print(f"\n== {label} ==")
    for i, f in enumerate(runs, 1):
        notes = f"; {'; '.join(f.notes)}" if f.notes else ""
        print(
            f"  run {i}: {f.rate:5.1f} msg/s, max {f.peak_window}/1 s, "
            f"429s over limits {f.over_limits}, injected {f.injected}, "
            f"duplicates {f.duplicates}, missed {f.missed}, unknown {f.unknown}, "
            f"peak RSS {f.rss_mb:.0f} MB, CPU {f.cpu:.1f} s, "
            f"plan+delivery {f.plan_and_delivery:.1f} s, "
            f"run {f.seconds:.1f} s, exit {f.exits}{notes}"
        )
    med = statistics.median
    print(
        f"  median: {med(f.rate for f in runs):.1f} msg/s; duplicates "
        f"{max(f.duplicates for f in runs)} (max); missed {max(f.missed for f in runs)} (max); "
        f"unknown {max(f.unknown for f in runs)} (max); peak RSS "
        f"{med(f.rss_mb for f in runs):.0f} MB; plan+delivery "
        f"{med(f.plan_and_delivery for f in runs):.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--latency", default="0,50,100,200", help="round trips, ms, comma list")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", choices=["limits", "429s", "kill"], default="limits")
    parser.add_argument("--kind", choices=["scheduled", "broadcast"], default="scheduled")
    parser.add_argument("--in-flight", type=int, default=None, help="default: the setting's")
    parser.add_argument("--every", type=int, default=100, help="429s: one per N messages")
    parser.add_argument("--kill-after", type=int, default=300, help="kill: messages first")
    args = parser.parse_args()
    window = args.in_flight if args.in_flight is not None else "default"
    for latency in [float(x) for x in args.latency.split(",") if x.strip()]:
        runs = [one_run(args, latency) for _ in range(args.runs)]
        show(
            f"{args.scenario}, {args.kind}: {args.subscribers} subscribers, round trip "
            f"{latency:.0f} ms, window {window}, {args.runs} runs",
            runs,
        )


if __name__ == "__main__":
    main()
