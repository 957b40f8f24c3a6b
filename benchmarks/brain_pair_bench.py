"""Per-question time of this checkout's brain against another checkout's, on the same
questions, one after the other on the same machine: a ratio survives a noisy machine where
absolute figures do not.

    python3 benchmarks/brain_pair_bench.py --root /path/to/other/checkout [--rounds 2]

Each side runs in its own process (its own imports), answers every question of the other
checkout's tests/questions*.yaml once to warm up, then five times timed; prints p50 and p99.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

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
for _ in range(5):
    for q in qs:
        t = time.perf_counter(); brain.answer(q, Context()); times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"n": len(times), "p50": statistics.median(times),
                  "p99": times[int(len(times) * 0.99)]}))
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
                f"p99 {got['p99'] * 1e6:.0f} us"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
