"""How big and how slow the /card picture is, per language.

Draws the real record's card ``--runs`` times in each language (after one warm-up draw that
loads the fonts) and prints the median render time, the PNG's size in bytes and its pixels.
With ``--out DIR`` it also writes each language's card there (``card.<lang>.png``; the README
shows ``docs/card.en.png``). Asserts nothing: the machines here are shared.

    python benchmarks/card_bench.py [--runs 15] [--out docs]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bot import card  # noqa: E402
from bot.brain import Brain  # noqa: E402
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD  # noqa: E402
from knowledge.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "visitbot.db", DEFAULT_RECORD, DEFAULT_LANGUAGE)
        brain = Brain(store.knowledge, store)
        print(f"text shaping (libraqm + FriBiDi): {card.can_shape()}; runs: {args.runs}")
        print(f"{'language':10} {'drawn in':9} {'median ms':>9} {'bytes':>8}  pixels")
        for lang in brain.speeches:
            drawn, png = card.card_png(brain, lang)  # warm-up: fonts loaded once
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                card.card_png(brain, lang)
                times.append(time.perf_counter() - start)
            with Image.open(io.BytesIO(png)) as image:
                width, height = image.size
            median = statistics.median(times) * 1000
            print(f"{lang:10} {drawn:9} {median:9.0f} {len(png):8,}  {width}x{height}")
            if args.out is not None:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"card.{lang}.png").write_bytes(png)
        store.close()


if __name__ == "__main__":
    main()
