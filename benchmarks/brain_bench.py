"""How fast and how small the brain is: answering the labelled question sets in one process,
and a cold ``visitbot ask``. Prints figures; asserts nothing (machines here are shared).

    python benchmarks/brain_bench.py [--passes 5] [--cold-runs 7]
"""

from __future__ import annotations

import argparse
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=7)
    args = parser.parse_args()

    store_path = Path(tempfile.mkdtemp()) / "bench.db"
    started = time.perf_counter()
    store = open_store(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    brain = Brain(store.knowledge, store)
    setup = time.perf_counter() - started
    questions = [
        item.q
        for path in sorted((ROOT / "tests").glob("questions*.yaml"))
        for item in load_items(path)
    ]

    timings: list[float] = []
    wall = time.perf_counter()
    for _ in range(args.passes):
        for question in questions:
            t0 = time.perf_counter_ns()
            brain.answer(question, Context())
            timings.append((time.perf_counter_ns() - t0) / 1000)
    wall = time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    env = {**os.environ, "VISITBOT_STORE": str(store_path)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    visitbot = Path(sys.executable).parent / "visitbot"
    cold: list[float] = []
    for _ in range(args.cold_runs):
        t0 = time.perf_counter()
        subprocess.run(
            [str(visitbot), "ask", "how many deals did they sign?"],
            env=env, capture_output=True, check=True,
        )  # fmt: skip
        cold.append(time.perf_counter() - t0)

    answered = len(timings)
    print(f"questions: {len(questions)} (labelled sets) x {args.passes} passes = {answered}")
    print(f"brain start-up (store build + brain): {setup * 1000:.0f} ms")
    print(
        f"per question: p50 {statistics.median(timings):.0f} us, "
        f"p99 {percentile(timings, 0.99):.0f} us, max {max(timings):.0f} us"
    )
    print(f"throughput: {len(timings) / wall:,.0f} questions/s (one process, one core)")
    print(f"peak RSS of this process: {peak_mb:.1f} MB")
    print(
        f"cold `visitbot ask`: median {statistics.median(cold):.3f} s "
        f"(min {min(cold):.3f}, max {max(cold):.3f}, {args.cold_runs} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
