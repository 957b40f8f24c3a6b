"""How fast and how small the brain is: answering the labelled question sets in one warm
process, and a cold ``visitbot ask`` (a fresh interpreter on a store already built, as a
script would run it). Prints figures; asserts nothing (machines here are shared: compare
medians, and old against new run alternately).

    python benchmarks/brain_bench.py [--passes 5] [--cold-runs 9]

The warm process answers every question once untimed (first-use work: lazily built tables),
then ``--passes`` times timed. The cold ``ask`` runs once untimed (it keeps the built brain
in the store), then ``--cold-runs`` times; its peak RSS is the child's own (wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.brain import Brain, Context  # noqa: E402
from bot.evaluation import load_items  # noqa: E402
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD  # noqa: E402
from knowledge.store import open_store  # noqa: E402

QUESTION = "how many agreements?"


def labelled_questions() -> list[str]:
    """Every single question of the labelled sets (tests/questions*.yaml), in file order."""
    return [
        item.q
        for path in sorted((ROOT / "tests").glob("questions*.yaml"))
        for item in load_items(path)
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def memory(kib: float) -> str:
    """ru_maxrss (KiB on Linux) as MB and MiB: issues quote either."""
    return f"{kib * 1024 / 1e6:.1f} MB = {kib / 1024:.1f} MiB"


# Each cold ask is started by a small launcher process: a child's peak RSS counts the memory
# of the process that started it (Linux keeps it across exec), so it must not be this one.
LAUNCHER = r"""
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(child.pid, 0)
took = time.perf_counter() - started
errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
print(json.dumps({"seconds": took, "kib": usage.ru_maxrss, "status": status, "errors": errors}))
"""


def cold_ask(env: dict[str, str], root: Path = ROOT) -> tuple[float, float]:
    """One ``visitbot ask`` in a fresh process: seconds, and its peak RSS in KiB. It runs
    as ``python -m bot.cli`` in the checkout ``root`` (what the ``visitbot`` script runs),
    so that two checkouts sharing one virtualenv each measure their own code."""
    visitbot = [sys.executable, "-m", "bot.cli"]
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *visitbot, "ask", QUESTION],
        env=env, capture_output=True, text=True, check=True, cwd=root,
    )  # fmt: skip
    got = json.loads(out.stdout)
    if got["status"] != 0:
        raise SystemExit(f"visitbot ask failed: {got['errors']}")
    return float(got["seconds"]), float(got["kib"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=9)
    args = parser.parse_args()

    store_path = Path(tempfile.mkdtemp()) / "bench.db"
    started = time.perf_counter()
    store = open_store(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    brain = Brain(store.knowledge, store)
    setup = time.perf_counter() - started
    questions = labelled_questions()

    for question in questions:  # warm: first-use work is not what a question costs
        brain.answer(question, Context())
    timings: list[float] = []
    wall = time.perf_counter()
    for _ in range(args.passes):
        for question in questions:
            t0 = time.perf_counter_ns()
            brain.answer(question, Context())
            timings.append((time.perf_counter_ns() - t0) / 1000)
    wall = time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    env = {**os.environ, "VISITBOT_STORE": str(store_path)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    cold_ask(env)  # keeps the built brain in the store: later runs find it
    runs = [cold_ask(env) for _ in range(args.cold_runs)]
    cold = [took for took, _ in runs]

    answered = len(timings)
    print(f"questions: {len(questions)} (labelled sets) x {args.passes} passes = {answered}")
    print(f"brain start-up (store build + brain): {setup * 1000:.0f} ms")
    print(
        f"per question: p50 {statistics.median(timings):.0f} us, "
        f"p99 {percentile(timings, 0.99):.0f} us, max {max(timings):.0f} us"
    )
    print(f"throughput: {len(timings) / wall:,.0f} questions/s (one process, one core)")
    print(f"peak RSS of this process: {memory(peak)}")
    print(
        f"cold `visitbot ask {QUESTION!r}`: median {statistics.median(cold):.3f} s "
        f"(min {min(cold):.3f}, max {max(cold):.3f}, {args.cold_runs} runs)"
    )
    print(f"cold `visitbot ask` peak RSS: median {memory(statistics.median(k for _, k in runs))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
