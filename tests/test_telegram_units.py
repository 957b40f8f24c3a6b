"""Unit tests of the Telegram front end's pieces that need no server: callback data, flood
control, HTML limits, the command pages, log redaction, retry rules, start-up settings."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from pathlib import Path

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.answer import Answer
from bot.application import RedactSecrets, configure_logging
from bot.brain import Brain
from bot.cli import main
from bot.formatting import TELEGRAM_LIMIT, html, truncate
from bot.keyboards import (
    MAX_DATA_BYTES,
    MENU_ROOT,
    PICK,
    SOURCES,
    ButtonMemory,
    QuestionKeys,
    answer_keyboard,
    example_data,
    topic_data,
)
from bot.ratelimit import FloodGate, FloodPolicy, never_arrived
from handlers import views
from handlers.commands import MENU_COMMANDS, menu_commands
from tests.fake_botapi import DEFAULT_TOKEN, parse_html

# -- callback data -------------------------------------------------------------------------


def test_every_topic_and_example_button_fits_64_bytes_and_decodes(brain: Brain) -> None:
    keys = QuestionKeys(brain)
    memory = ButtonMemory()
    for topic in brain.topics.values():
        data = keys.data(topic.ask, memory)
        assert data == topic_data(topic.id)
        assert len(data.encode("utf-8")) <= MAX_DATA_BYTES
        pressed = keys.decode(data, memory)
        assert pressed is not None and pressed.question == topic.ask
    for index, example in enumerate(brain.record.examples):
        pressed = keys.decode(example_data(index), memory)
        assert pressed is not None and pressed.question == example


def test_long_question_goes_through_bounded_memory_and_expires(brain: Brain) -> None:
    keys = QuestionKeys(brain)
    memory = ButtonMemory(size=2)
    long_question = "What did the two leaders say about " + "very " * 40 + "long questions?"
    data = keys.data(long_question, memory)
    assert len(data.encode("utf-8")) <= MAX_DATA_BYTES
    assert long_question not in data
    pressed = keys.decode(data, memory)
    assert pressed is not None and pressed.question == long_question
    keys.data("another question?", memory)
    keys.data("and a third one?", memory)
    assert keys.decode(data, memory) is None  # pushed out: the press says "expired"
    assert keys.decode("a:t.no_such_topic", memory) is None
    assert keys.decode("zz:t.railway", memory) is None
    assert keys.decode("", memory) is None


def test_answer_keyboard_offers_candidates_suggestions_and_sources(brain: Brain) -> None:
    keys = QuestionKeys(brain)
    memory = ButtonMemory()
    asks = [t.ask for t in list(brain.topics.values())[:2]]
    clarify = Answer("Did you mean?", False, "clarify", 0.5, candidates=tuple(asks))
    markup = answer_keyboard(clarify, keys, memory, brain.speech)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data[-1] == MENU_ROOT  # the way out, under the options
    options = data[:-1]
    assert all(isinstance(d, str) and d.startswith(f"{PICK}:") for d in options)
    assert [keys.decode(str(d), memory).question for d in options] == asks  # type: ignore[union-attr]

    answer = Answer("x", True, "fact", 0.9, sources=("One.", "Two."), suggestions=tuple(asks))
    markup = answer_keyboard(answer, keys, memory, brain.speech, more="p:m.1", share="q?")
    rows = markup.inline_keyboard
    assert [b.callback_data for b in rows[0]] == ["p:m.1"]  # "More" first, under the text
    assert [row[0].text for row in rows[1:3]] == asks
    sources = keys.decode(str(rows[3][0].callback_data), memory)
    assert sources is not None and sources.action == SOURCES and sources.sources == ("One.", "Two.")
    assert rows[-1][0].callback_data == MENU_ROOT and rows[-1][1].switch_inline_query == "q?"
    bare = answer_keyboard(Answer("x", True, "fact", 0.9), keys, memory, brain.speech)
    assert [[b.callback_data for b in row] for row in bare.inline_keyboard] == [[MENU_ROOT]]
    quoted = Answer("x", True, "fact", 0.9, sources=("One.",), quotes=("One.",))
    unquoted = Answer("x", True, "fact", 0.9, sources=("One.",), quotes=("",))
    assert len(answer_keyboard(quoted, keys, memory, brain.speech).inline_keyboard) == 1
    shown = answer_keyboard(unquoted, keys, memory, brain.speech).inline_keyboard
    assert shown[0][0].text == brain.speech.text("button.source")  # the source, one tap away


# -- flood control -------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_flood_gate_burst_then_waits_then_drops_and_warns_once() -> None:
    clock = Clock()
    gate = FloodGate(FloodPolicy(burst=3, per_second=1.0, max_wait=2.0), clock=clock)
    verdicts = [gate.admit(1) for _ in range(8)]
    assert [v.admit for v in verdicts] == [True] * 5 + [False] * 3
    assert [v.wait for v in verdicts[:5]] == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert [v.warn for v in verdicts[5:]] == [True, False, False]
    assert gate.admit(2).admit and gate.admit(2).wait == 0.0  # other chats are not affected
    clock.now += 10  # quiet for a while: the chat is welcome again, and warned again later
    assert [gate.admit(1).wait for _ in range(3)] == [0.0, 0.0, 0.0]
    assert gate.admit(1).wait == 1.0


def test_flood_gate_steady_rate_is_never_held_back() -> None:
    clock = Clock()
    gate = FloodGate(FloodPolicy(burst=2, per_second=1.0, max_wait=1.0), clock=clock)
    for _ in range(20):
        verdict = gate.admit(7)
        assert verdict.admit and verdict.wait == 0.0
        clock.now += 1.0


# -- HTML and Telegram's limits ------------------------------------------------------------


def test_html_escapes_user_visible_text_and_heading(brain: Brain) -> None:
    quote = "A <b>quote</b> & more"
    answer = Answer("Tea & <cake> > coffee", True, "fact", 0.9, sources=(quote,), quotes=(quote,))
    text = html(answer, brain.speech, heading="<i>you</i> asked & asked")
    plain, entities = parse_html(text)
    assert plain.startswith("<i>you</i> asked & asked\n\nTea & <cake> > coffee")
    assert "A <b>quote</b> & more" in plain
    assert {e["type"] for e in entities} == {"bold", "expandable_blockquote"}


@pytest.mark.parametrize("cut_at", [0, 3, 4095, 4096, 4099, 4100, 4111, 4121])
def test_truncate_keeps_html_valid_and_within_the_limit(cut_at: int) -> None:
    body = "x" * cut_at + "&amp; <b>bold &lt;text&gt;</b> " + "y" * 5000
    long = f"<b>Heading</b>\n\n{body}<blockquote expandable>{'z' * 200}</blockquote>"
    short = truncate(long)
    assert len(short) <= TELEGRAM_LIMIT
    parse_html(short)  # raises if a tag or an entity was cut in half or left open
    assert truncate("fine <b>as is</b>") == "fine <b>as is</b>"


# -- the command pages come from the record ------------------------------------------------


def _other_brain(brain: Brain) -> Brain:
    record = brain.record
    person = record.people[0].model_copy(update={"name": "Ada Example", "role": "Chancellor"})
    area = record.agreements.named[0].model_copy(update={"name": "Lunar cheese exports"})
    agreements = record.agreements.model_copy(
        update={"total": 12, "named": [area, *record.agreements.named[1:]]}
    )
    target = record.targets[0].model_copy(update={"figure": "7 zillion"})
    visit = record.visit.model_copy(update={"title": "A Made-Up Summit", "date": "30 February"})
    other = record.model_copy(
        update={
            "visit": visit,
            "people": [person, *record.people[1:]],
            "agreements": agreements,
            "targets": [target],
            "examples": ["Is cheese on the agenda?"],
        }
    )
    return Brain(dataclasses.replace(brain.knowledge, record=other))


def test_pages_are_composed_from_the_record_not_typed_in(brain: Brain) -> None:
    other = _other_brain(brain)
    about = views.about(other, other.speech).text
    assert "A Made-Up Summit" in about and "30 February" in about
    assert brain.record.visit.title not in about
    agreements = views.agreements(other, other.speech).text
    assert "<b>12 " in agreements and "Lunar cheese exports" in agreements
    assert f"<b>{brain.record.agreements.total} " not in agreements
    assert "Ada Example</b>, Chancellor" in views.leaders(other, other.speech).text
    assert "7 zillion" in views.targets(other, other.speech).text
    welcome = views.welcome(other.speech)
    assert welcome.keyboard is not None
    assert welcome.keyboard.inline_keyboard[0][0].text == "Is cheese on the agenda?"
    assert other.record.visit.title in views.source(other, other.speech, 3).text
    for view in (
        views.about(brain, brain.speech),
        views.agreements(brain, brain.speech),
        views.leaders(brain, brain.speech),
    ):
        parse_html(view.text)
        assert len(view.text) <= TELEGRAM_LIMIT


def test_menu_commands_are_valid_and_deduplicated(brain: Brain) -> None:
    assert [name for name, _ in MENU_COMMANDS[:2]] == ["start", "help"]
    MENU_COMMANDS.append(("help", "a duplicate from another feature"))
    try:
        names = [name for name, _ in menu_commands(brain.speech)]
        assert names.count("help") == 1
    finally:
        MENU_COMMANDS.pop()
    for name, description in menu_commands(brain.speech):
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 1 <= len(description) <= 256


# -- logging never shows the token ---------------------------------------------------------


def test_redaction_covers_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", secrets=[DEFAULT_TOKEN], stream=stream)
    root = logging.getLogger()
    try:
        logger = logging.getLogger("visitbot.test")
        logger.info("POST https://api.telegram.org/bot%s/getMe", DEFAULT_TOKEN)
        secret_half = DEFAULT_TOKEN.split(":", 1)[1]
        logger.info("url-encoded: bot123456789%%3A%s/getMe", secret_half)
        try:
            raise RuntimeError(f"request to /bot{DEFAULT_TOKEN}/sendMessage failed")
        except RuntimeError:
            logger.exception("it failed")
    finally:
        root.removeHandler(handler)
        root.setLevel(logging.WARNING)
        for name in ("httpx", "httpcore", "apscheduler"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    output = stream.getvalue()
    assert output.count("[redacted]") == 3
    assert "RuntimeError" in output and "getMe" in output
    assert secret_half not in output


def test_redact_filter_leaves_clean_records_alone() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert RedactSecrets([None, ""]).filter(record)
    assert RedactSecrets([DEFAULT_TOKEN]).filter(record)
    assert record.getMessage() == "hello world"


# -- what the limiter may send again -------------------------------------------------------


def _raised(error: NetworkError, cause: BaseException | None) -> NetworkError:
    try:
        raise error from cause
    except NetworkError as caught:
        return caught


def test_only_requests_that_never_arrived_are_retried() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")
    assert never_arrived(_raised(NetworkError("Internal Server Error (500)"), None))
    assert never_arrived(_raised(NetworkError("x"), httpx.ConnectError("refused")))
    assert never_arrived(_raised(TimedOut(), httpx.ConnectTimeout("slow")))
    assert never_arrived(_raised(TimedOut(), httpx.PoolTimeout("busy")))
    assert not never_arrived(_raised(TimedOut(), httpx.ReadTimeout("late", request=request)))
    assert not never_arrived(_raised(NetworkError("x"), httpx.ReadError("cut")))
    assert not never_arrived(_raised(BadRequest("message is too long"), None))


# -- start-up settings ---------------------------------------------------------------------


def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the repository
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "VISITBOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VISITBOT_STORE", str(tmp_path / "store.db"))


def test_run_without_a_token_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _clean_env(monkeypatch, tmp_path)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "TELEGRAM_BOT_TOKEN" in err[0]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot"),
        ("TELEGRAM_BOT_TOKEN", "not a token"),
        ("VISITBOT_TIMEZONE", "Mars/Olympus"),
        ("VISITBOT_ADMIN_IDS", "12,abc"),
    ],
)
def test_a_malformed_setting_stops_start_up_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
) -> None:
    _clean_env(monkeypatch, tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0]
    assert DEFAULT_TOKEN.split(":")[1] not in err[0]
