"""The slow end of the brain: which labelled questions take longest, and how long.

    python benchmarks/brain_tail.py [--passes 7] [--gc default|freeze|off] [--clock wall|cpu]

Like ``brain_bench.py`` (one warm process, every question answered once untimed first),
but it keeps each question's own times: the p99 of all timings (what brain_bench prints)
moves with whatever else the machine runs, while each question's median over the passes,
and the time the slowest 2% take together, move much less. ``--gc`` measures the garbage
collector's share: ``freeze`` moves what the warm-up made into the permanent generation
(measured: no gain, so the application does not), ``off`` disables it. Prints figures;
asserts nothing (compare old against new runs alternately; on a busy machine ``--clock
cpu`` counts only this thread's own CPU time, not the time other processes take the core).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.brain_bench import labelled_questions, percentile  # noqa: E402
from bot.brain import Brain, Context  # noqa: E402
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD  # noqa: E402
from knowledge.store import open_store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--gc", choices=("default", "freeze", "off"), default="default")
    parser.add_argument("--show", type=int, default=10)
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="cpu: this thread's CPU time"
    )
    args = parser.parse_args()

    store = open_store(Path(tempfile.mkdtemp()) / "tail.db", DEFAULT_RECORD, DEFAULT_LANGUAGE)
    brain = Brain(store.knowledge, store)
    questions = labelled_questions()
    for question in questions:  # warm: first-use work is not what a question costs
        brain.answer(question, Context())
    if args.gc == "freeze":
        gc.collect()
        gc.freeze()
    elif args.gc == "off":
        gc.disable()

    clock = time.perf_counter_ns if args.clock == "wall" else time.thread_time_ns
    own: list[list[float]] = [[] for _ in questions]
    everything: list[float] = []
    for _ in range(args.passes):
        for n, question in enumerate(questions):
            t0 = clock()
            brain.answer(question, Context())
            took = (clock() - t0) / 1000
            own[n].append(took)
            everything.append(took)
    medians = [statistics.median(times) for times in own]
    slowest = sorted(range(len(questions)), key=medians.__getitem__, reverse=True)
    tail = slowest[: max(1, len(questions) // 50)]

    print(f"questions: {len(questions)} x {args.passes} passes, gc {args.gc}, {args.clock} clock")
    print(
        f"all timings: p50 {statistics.median(everything):.0f} us, "
        f"p99 {percentile(everything, 0.99):.0f} us, max {max(everything):.0f} us"
    )
    print(
        f"each question's median: p50 {statistics.median(medians):.0f} us, "
        f"p99 {percentile(medians, 0.99):.0f} us"
    )
    best = sorted(min(times) for times in own)  # what a question costs undisturbed
    print(
        f"each question's best: p50 {statistics.median(best):.0f} us, "
        f"p99 {percentile(best, 0.99):.0f} us, slowest 2% {sum(best[-len(tail) :]) / 1000:.1f} ms"
    )
    print(f"slowest 2% ({len(tail)} questions): {sum(medians[n] for n in tail) / 1000:.1f} ms")
    for n in slowest[: args.show]:
        print(f"  {medians[n]:7.0f} us  {questions[n][:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
