"""The terminal: ``visitbot ask``, ``--json``, stdin mode, ``kb``, ``eval``, ``chat``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
VISITBOT = Path(sys.executable).parent / "visitbot"


def run(
    args: list[str], store: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "VISITBOT_STORE": str(store), **env}
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [str(VISITBOT), *args], input=stdin, capture_output=True, text=True, timeout=60,
        env=environment, cwd=TESTS,
    )  # fmt: skip


def test_ask_prints_the_answer_and_its_source(store_path: Path) -> None:
    result = run(["ask", "how many deals did they sign"], store_path)
    assert result.returncode == 0, result.stderr
    assert "37" in result.stdout
    assert "Source:" in result.stdout and "signing 37 memorandums" in result.stdout


def test_ask_json_prints_one_object_with_the_documented_keys(store_path: Path) -> None:
    result = run(["ask", "--json", "railwya?"], store_path)
    data = json.loads(result.stdout)
    assert set(data) == {
        "question", "answered", "intent", "topic", "confidence", "text", "sources",
        "suggestions", "lang",
    }  # fmt: skip
    assert data["question"] == "railwya?"
    assert data["answered"] is True and data["intent"] == "agreement_area"
    assert data["topic"] == "railway"
    assert data["sources"] == ["MoU on railway sector cooperation"]


def test_ask_reads_questions_from_stdin_one_answer_a_line_in_order(store_path: Path) -> None:
    questions = ["who visited", "what year was it", "tell me a joke", "", "how many mous"]
    result = run(["ask", "--json"], store_path, stdin="\n".join(questions) + "\n")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["question"] for line in lines] == questions
    answers = [json.loads(line) for line in lines]
    assert "Tokayev" in answers[0]["text"]
    assert answers[1]["answered"] is False
    assert answers[2]["intent"] == "off_topic"
    assert answers[3]["intent"] == "empty"
    assert "37" in answers[4]["text"]


def test_stdin_questions_are_independent(store_path: Path) -> None:
    """One process, many questions: no context leaks from one line to the next."""
    result = run(["ask", "--json"], store_path, stdin="who visited\nwhat award did he get\n")
    second = json.loads(result.stdout.splitlines()[1])
    assert "Nishan" in second["text"]  # answered on its own words, not on the line before


def test_plain_stdin_mode_prints_one_line_a_question(store_path: Path) -> None:
    result = run(["ask"], store_path, stdin="hi\nwho came and how many deals\n")
    assert len(result.stdout.splitlines()) == 2


def test_kb_check_and_build(store_path: Path) -> None:
    check = run(["kb", "check"], store_path)
    assert check.returncode == 0 and "every source sentence found" in check.stdout
    build = run(["kb", "build"], store_path)
    assert build.returncode == 0 and store_path.exists()


def test_kb_check_reports_a_broken_record_clearly(tmp_path: Path, store_path: Path) -> None:
    record = tmp_path / "broken.yaml"
    record.write_text("schema_version: 1\nsource_file: nowhere.txt\n")
    result = run(["kb", "check"], store_path, VISITBOT_RECORD=str(record))
    assert result.returncode == 1
    assert str(record) in result.stderr and "required field is missing" in result.stderr


def test_kb_build_on_a_broken_record_fails_naming_the_problem_and_keeps_the_old_build(
    tmp_path: Path, store_path: Path
) -> None:
    assert run(["kb", "build"], store_path).returncode == 0
    before = sqlite3.connect(store_path).execute("select value from meta where key = 'fingerprint'")
    good = before.fetchone()[0]
    record = tmp_path / "broken.yaml"
    record.write_text("schema_version: 1\nsource_file: nowhere.txt\n")

    result = run(["kb", "build"], store_path, VISITBOT_RECORD=str(record))

    assert result.returncode == 1, result.stdout
    assert "built" not in result.stdout
    assert str(record) in result.stderr and "required field is missing" in result.stderr
    field = result.stderr.split(f"{record}: ", 1)[1].split(":", 1)[0]
    assert field and field != "(file)"  # the field is named, as kb check names it
    check = run(["kb", "check"], store_path, VISITBOT_RECORD=str(record))
    assert check.stderr.splitlines()[0] in result.stderr  # the same line as kb check
    after = sqlite3.connect(store_path).execute("select value from meta where key = 'fingerprint'")
    assert after.fetchone()[0] == good


def test_a_bad_setting_stops_with_one_line_naming_it(store_path: Path) -> None:
    result = run(["ask", "hi"], store_path, VISITBOT_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "visitbot: setting VISITBOT_TIMEZONE: unknown time zone 'Mars/Olympus' (e.g. Asia/Karachi)"
    ]


def test_eval_prints_accuracy_by_intent_and_category_and_the_misses(store_path: Path) -> None:
    result = run(["eval", str(TESTS / "questions.yaml")], store_path)
    assert result.returncode == 0
    assert result.stdout.startswith("accuracy: ")
    assert "by category:" in result.stdout and "by intent:" in result.stdout


def test_chat_keeps_context_and_numbered_suggestions_work(store_path: Path) -> None:
    result = run(
        ["chat"], store_path, stdin="who visited pakistan\nwhat award did he get\n1\nquit\n"
    )
    assert result.returncode == 0
    assert "Nishan-e-Pakistan" in result.stdout
    assert result.stdout.count("bot> ") == 3  # the third turn is suggestion number 1


def test_without_a_token_plain_visitbot_opens_the_console_chat(store_path: Path) -> None:
    result = run([], store_path, stdin="how many deals\n")
    assert result.returncode == 0
    assert "console chat" in result.stderr and "37" in result.stdout


@pytest.mark.parametrize("question", ["x" * 10_000, "😀", "\x01\x02"])
def test_ask_survives_bad_input(store_path: Path, question: str) -> None:
    result = run(["ask", "--json", question], store_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["answered"] is False


def test_the_ask_path_does_not_import_telegram(store_path: Path) -> None:
    """A cold `visitbot ask` must stay fast: python-telegram-bot is not loaded for it."""
    code = (
        "import sys; from bot.cli import main; main(['ask', 'hi']); "
        "print('TELEGRAM-LOADED' if 'telegram' in sys.modules else 'TELEGRAM-NOT-LOADED')"
    )
    env = {**os.environ, "VISITBOT_STORE": str(store_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert "TELEGRAM-NOT-LOADED" in result.stdout, result.stderr


def test_chat_json_answers_piped_turns_one_object_each(store_path: Path) -> None:
    turns = "how many deals were signed\n1\nwhen was it?\nthanks\n"
    result = run(["chat", "--json"], store_path, stdin=turns)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4, result.stdout
    assert "37" in rows[0]["text"]
    assert rows[1]["question"] == "1" and rows[1]["answered"] is True
    assert rows[1]["topic"] != rows[0]["topic"]  # the tapped suggestion, not the opener again
    assert "4 February" in rows[2]["text"]
    assert rows[3]["intent"] == "thanks"


def test_ask_explain_shows_concepts_unknown_words_scores_and_the_rule(store_path: Path) -> None:
    result = run(["ask", "--explain", "was there a deal on gwadar port?"], store_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "concepts:" in out and "deal=" in out
    assert "unknown words: gwadar" in out
    assert "topic transit_ports: score" in out
    assert "decided by: " in out and "reply: " in out
