"""The brain's answer to every question of the labelled sets, as one JSON line each.

Refactoring commits must leave this file unchanged; behaviour commits regenerate it
(``python -m tests.snapshot``) so that the diff shows exactly which answers changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.brain import Brain, Context
from bot.evaluation import load_items

TESTS = Path(__file__).resolve().parent
SNAPSHOT = TESTS / "snapshots" / "answers.jsonl"
SETS = sorted(p.name for p in TESTS.glob("questions*.yaml"))


def snapshot_lines(brain: Brain) -> list[str]:
    lines = []
    for name in SETS:
        for item in load_items(TESTS / name):
            context = Context()
            for earlier in item.context:
                brain.answer(earlier, context)
            answer = brain.answer(item.q, context)
            row = {
                "set": name,
                "q": item.q,
                "context": item.context,
                "intent": answer.intent,
                "topic": answer.topic,
                "answered": answer.answered,
                "text": answer.text,
                "lang": answer.lang,
            }
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return lines


def main() -> int:
    from bot.settings import load_settings

    settings = load_settings()
    brain = Brain.open(settings.store_path, settings.record_path, settings.language_path)
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text("\n".join(snapshot_lines(brain)) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
