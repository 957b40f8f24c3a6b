"""Per-question time of this checkout's brain against another checkout's, on the same
questions, one after the other on the same machine: a ratio survives a noisy machine where
absolute figures do not.

    python3 benchmarks/brain_pair_bench.py --root /path/to/other/checkout [--rounds 2] [--cold 9]

Each side runs in its own process (its own imports), answers every question of the other
checkout's tests/questions*.yaml once to warm up, then five times timed; prints p50 and p99,
and the p99 of each question's best time of the five (what the code costs, with less of
what the machine's other work adds). ``--cold N``: then N cold ``visitbot ask`` of each
side, alternately, on stores already built: median seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from brain_bench import cold_ask, memory

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import glob, json, os, statistics, sys, time
root, questions_root, store = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)
os.environ["VISITBOT_STORE"] = store
import yaml
from bot.brain import Brain, Context
from bot.settings import load_settings
s = load_settings()
brain = Brain.open(s.store_path, s.record_path, s.language_path)
qs = [x["q"] for f in sorted(glob.glob(questions_root + "/tests/questions*.yaml"))
      for x in yaml.safe_load(open(f))]
for q in qs:
    brain.answer(q, Context())
times = []
best = [1.0] * len(qs)
for _ in range(5):
    for i, q in enumerate(qs):
        t = time.perf_counter(); brain.answer(q, Context()); took = time.perf_counter() - t
        times.append(took); best[i] = min(best[i], took)
times.sort(); best.sort()
print(json.dumps({"n": len(times), "p50": statistics.median(times),
                  "p99": times[int(len(times) * 0.99)], "best99": best[int(len(best) * 0.99)]}))
"""


def run(root: Path, questions: Path, store: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(questions), str(store)],
        capture_output=True, text=True, check=True, cwd=root,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cold", type=int, default=0, help="cold asks of each side")
    args = parser.parse_args()
    if args.root is None:  # `dev.py bench` runs every script: this one needs a second tree
        print("brain_pair_bench: nothing to compare; give --root OTHER_CHECKOUT")
        return 0
    other = args.root.resolve()
    for i in range(args.rounds):
        for name, root in (("other", other), ("this", ROOT)):
            got = run(root, other, Path(f"/tmp/visitbot-pair-{name}.db"))
            print(
                f"round {i + 1} {name:5} n={got['n']:.0f} p50 {got['p50'] * 1e6:.0f} us "
                f"p99 {got['p99'] * 1e6:.0f} us (best-of-5 p99 {got['best99'] * 1e6:.0f} us)"
            )
    if args.cold:
        cold(other, args.cold)
    return 0


def cold(other: Path, runs: int) -> None:
    """Cold asks of both sides, alternately (the first of each keeps its built brain)."""
    sides = {"other": other, "this": ROOT}
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    envs = {name: {**env, "VISITBOT_STORE": f"/tmp/visitbot-pair-{name}.db"} for name in sides}
    for name, root in sides.items():
        cold_ask(envs[name], root)
    got: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for _ in range(runs):
        for name, root in sides.items():
            got[name].append(cold_ask(envs[name], root))
    for name, results in got.items():
        seconds = [s for s, _ in results]
        print(
            f"cold ask {name:5} median {statistics.median(seconds):.3f} s "
            f"(min {min(seconds):.3f}, {runs} runs), "
            f"peak RSS {memory(statistics.median(k for _, k in results))}"
        )


if __name__ == "__main__":
    sys.exit(main())
