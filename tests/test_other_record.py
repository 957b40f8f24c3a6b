"""A different (made-up) visit, described in the documented format: the bot answers about it
with no code change, when a setting points at it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.brain import Brain, Context
from knowledge.loading import DEFAULT_LANGUAGE
from knowledge.store import open_store

OTHER = Path(__file__).resolve().parent / "data" / "other_visit" / "record.yaml"


@pytest.fixture(scope="module")
def other_brain(tmp_path_factory: pytest.TempPathFactory) -> Brain:
    store = open_store(tmp_path_factory.mktemp("other") / "other.db", OTHER, DEFAULT_LANGUAGE)
    return Brain(store.knowledge, store)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("how many agreements did they sign", "5"),
        ("was there a ferry deal?", "Port Alder"),
        ("what award did varga get", "Silver Gull"),
        ("who is the president", "Tomas Brel"),
        ("tourism target?", "double"),
        ("date of the signing?", "12 March"),  # "date" is the language file's, not the record's
    ],
)
def test_it_answers_from_the_other_record(other_brain: Brain, question: str, fact: str) -> None:
    answer = other_brain.answer(question, Context())
    assert answer.answered and fact in answer.text, answer.text
    assert "Tokayev" not in answer.text and "37" not in answer.text


def test_the_closed_list_works_for_the_other_record(other_brain: Brain) -> None:
    answer = other_brain.answer("any railway agreement", Context())
    assert "not among" in answer.text and "3 areas of the 5" in answer.text


def test_the_record_setting_picks_the_record(tmp_path: Path) -> None:
    env = {**os.environ, "VISITBOT_RECORD": str(OTHER), "VISITBOT_STORE": str(tmp_path / "o.db")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "visitbot"), "ask", "--json", "how many deals"],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    assert "Freedonia" in json.loads(result.stdout)["text"]
