"""Every answer to every labelled question equals the committed snapshot.

A refactoring must not change it; a behaviour change regenerates it with
``python -m tests.snapshot`` in the same commit, so the diff is the review."""

from __future__ import annotations

import json

from bot.brain import Brain
from tests.snapshot import SNAPSHOT, snapshot_lines


def test_answers_equal_the_snapshot(brain: Brain) -> None:
    want = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    got = snapshot_lines(brain)
    changed = [
        (json.loads(w)["q"], json.loads(w)["text"][:80], json.loads(g)["text"][:80])
        for w, g in zip(want, got, strict=False)
        if w != g
    ]
    assert len(got) == len(want), "the question sets changed: regenerate the snapshot"
    assert not changed, f"{len(changed)} answers changed, e.g. {changed[:5]}"
