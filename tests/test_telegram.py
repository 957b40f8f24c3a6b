"""The Telegram bot end to end: the real Application over real HTTP against a local Bot API.

Every test starts ``tests.fake_botapi.FakeBotAPI`` on 127.0.0.1, builds the bot with
``build_application`` pointed at it through ``TELEGRAM_API_BASE_URL``, scripts what users do
and checks what they would see. Waits are bounded; order, not timing, proves silence (a
message the bot should ignore is followed by one it must answer, and the first reply must be
to the second).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from telegram import Update

import handlers.digest
from bot.application import configure_logging
from bot.brain import Brain, Context
from bot.formatting import TELEGRAM_LIMIT
from bot.questionlog import question_stats
from bot.ratelimit import FloodPolicy
from handlers import buttons as button_handlers
from handlers import commands, errors, guards
from handlers.commands import menu_commands
from tests.fake_botapi import DEFAULT_GROUP_ID, FakeBotAPI
from tests.visitbot_app import ADMIN, english, polling, visitbot_app

EXPIRED = english(button_handlers.EXPIRED)
SORRY = english(errors.SORRY)
SLOW_DOWN = english(guards.SLOW_DOWN)

USER = 5151

GROUP = DEFAULT_GROUP_ID
ROOMY = FloodPolicy(burst=100, per_second=100.0, max_wait=1.0)  # tests that are not floods


@contextlib.asynccontextmanager
async def bot_running(
    server: FakeBotAPI,
    brain: Any,
    store_path: Path,
    *,
    flood: FloodPolicy | None = ROOMY,
) -> AsyncIterator[Any]:
    """The real application, started as ``run_polling`` starts it (post_init included)."""
    async with polling(visitbot_app(server, brain, store_path, flood=flood)) as app:
        yield app


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def expected(brain: Brain, *questions: str) -> str:
    """The brain's answer to the last question, after the others in the same conversation."""
    context = Context()
    answer = None
    for question in questions:
        answer = brain.answer(question, context)
    assert answer is not None
    return answer.text


# -- commands and buttons ------------------------------------------------------------------


async def test_start_offers_examples_as_buttons_and_a_press_answers(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER)
        welcome = await server.await_message(USER)
        offered = buttons(welcome)
        assert brain.record.scope in welcome["plain_text"]
        assert [b["text"] for b in offered] == [*brain.record.examples, english("button.topics")]
        assert all(len(b["callback_data"].encode()) <= 64 for b in offered)

        update = server.press_button(welcome, offered[1]["callback_data"])
        reply = await server.await_message(USER)

    question = brain.record.examples[1]
    assert reply["plain_text"].startswith(question)  # the tapped question, as a heading
    assert expected(brain, question) in reply["plain_text"]
    assert server.callback_answer(update["callback_query"]["id"]) is not None
    assert server.commands() == [
        {"command": name, "description": text} for name, text in menu_commands(brain.speech)
    ]


async def test_fact_commands_show_the_record_with_buttons_to_go_deeper(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    record = brain.record
    pages: dict[str, dict[str, Any]] = {}
    async with bot_running(server, brain, store_path):
        for command in ("help", "about", "agreements", "leaders", "targets", "source"):
            server.send_command(command, chat_id=USER, user_id=USER)
            pages[command] = await server.await_message(USER)
        area = record.agreements.named[0]
        server.press_button(pages["agreements"], f"a:t.{area.id}")
        area_reply = await server.await_message(USER)
        person = record.people[0]
        server.press_button(pages["leaders"], f"a:t.{person.id}_said")
        said_reply = await server.await_message(USER)

    help_text = pages["help"]["plain_text"]
    assert "/agreements" in help_text and "@visit_test_bot" in help_text
    assert record.visit.title in pages["about"]["plain_text"]
    assert len(pages["about"]["plain_text"].splitlines()) == 4 + record.visit.headline.count("\n")
    agreements = pages["agreements"]["plain_text"]
    assert str(record.agreements.total) in agreements
    assert all(a.name in agreements for a in record.agreements.named)
    assert len(buttons(pages["agreements"])) == len(record.agreements.named)
    assert all(p.name in pages["leaders"]["plain_text"] for p in record.people)
    assert record.targets[0].figure in pages["targets"]["plain_text"]
    assert buttons(pages["targets"])
    assert record.source_file in pages["source"]["plain_text"]
    assert expected(brain, area.ask) in area_reply["plain_text"]
    assert expected(brain, brain.topics[f"{person.id}_said"].ask) in said_reply["plain_text"]


async def test_unknown_command_gets_a_hint_and_stats_are_for_admins_only(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_command("frobnicate", chat_id=USER, user_id=USER)
        unknown = await server.await_message(USER)
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        await server.await_message(USER)
        server.send_text("who was the chef at the dinner?", chat_id=USER, user_id=USER)
        await server.await_message(USER)
        server.send_command("stats", chat_id=USER, user_id=USER)
        refused = await server.await_message(USER)
        server.send_command("stats", chat_id=ADMIN, user_id=ADMIN)
        stats = await server.await_message(ADMIN)

    assert "/frobnicate" in unknown["plain_text"] and "/help" in unknown["plain_text"]
    assert "admins" in refused["plain_text"]
    found = question_stats(Database(store_path))
    assert found.asked == 2
    assert f"Asked: {found.asked}" in stats["plain_text"]


# -- questions -----------------------------------------------------------------------------


async def test_questions_with_typos_are_answered_in_html_with_source_and_follow_ups(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    question = "how many agremeents wer signed?"
    async with bot_running(server, brain, store_path):
        server.send_text(question, chat_id=USER, user_id=USER)
        reply = await server.await_message(USER)
        server.send_text("wht is the trade targett", chat_id=USER, user_id=USER)
        target = await server.await_message(USER)

    answer = brain.answer(question, Context())
    assert answer.answered
    assert reply["parse_mode"] == "HTML"
    assert reply["plain_text"].startswith(answer.text)
    assert str(brain.record.agreements.total) in reply["plain_text"]
    assert any(e["type"] == "expandable_blockquote" for e in reply["entities"])
    assert answer.sources[0] in reply["plain_text"]
    assert [b["text"] for b in buttons(reply)][: len(answer.suggestions)] == list(
        answer.suggestions[:3]
    )
    assert expected(brain, "wht is the trade targett") in target["plain_text"]


async def test_follow_ups_use_the_chat_s_own_conversation(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    follow_up = "what did he say?"
    firsts = [f"who is {person.name}?" for person in brain.record.people]
    # a first question whose "he" the brain would not guess without it
    first = next(
        (q for q in firsts if expected(brain, q, follow_up) != expected(brain, follow_up)), None
    )
    assert first is not None, "every person gives the same follow-up answer: pick another test"
    with_context = expected(brain, first, follow_up)
    gaza = "and what did he say about Gaza?"
    async with bot_running(server, brain, store_path):
        server.send_text(first, chat_id=USER, user_id=USER)
        await server.await_message(USER)
        server.send_text(follow_up, chat_id=USER, user_id=USER)
        reply = await server.await_message(USER)
        server.send_text(follow_up, chat_id=USER + 1, user_id=USER + 1)  # a new chat
        cold = await server.await_message(USER + 1)
        server.send_text(gaza, chat_id=USER, user_id=USER)
        gaza_reply = await server.await_message(USER)

    assert with_context in reply["plain_text"]
    assert expected(brain, follow_up) in cold["plain_text"]
    assert expected(brain, first, follow_up, gaza) in gaza_reply["plain_text"]


AMBIGUOUS = ["history", "visit what", "what about the visit", "visit who"]


async def test_did_you_mean_buttons_pick_a_candidate(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    found = [q for q in AMBIGUOUS if brain.answer(q, Context()).intent == "clarify"]
    assert found, f"none of {AMBIGUOUS} is ambiguous to the brain any more: update the list"
    question = found[0]
    candidates = brain.answer(question, Context()).candidates
    async with bot_running(server, brain, store_path):
        server.send_text(question, chat_id=USER, user_id=USER)
        offer = await server.await_message(USER)
        options = [b for b in buttons(offer) if b["callback_data"].startswith("d:")]
        choice = options[-1]
        server.press_button(offer, choice["callback_data"])
        edited = await server.await_message(USER, include_edits=True)
        answer = await server.await_message(USER, include_edits=True)

    assert [b["text"] for b in options] == list(candidates)
    assert [b["callback_data"] for b in buttons(offer)] == [  # the options, then the way out
        *(b["callback_data"] for b in options),
        "t:all",
    ]
    assert edited["method"] == "editMessageText" and edited["message_id"] == offer["message_id"]
    assert candidates[-1] in edited["plain_text"] and not buttons(edited)
    assert server.message(USER, offer["message_id"]).get("reply_markup") is None
    assert answer["method"] == "sendMessage"
    assert expected(brain, question, candidates[-1]) in answer["plain_text"]


async def test_sources_button_lists_every_source_and_old_buttons_expire(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    tries = ("what did tokayev say?", "what did sharif say?", "which agreements were signed?")
    question = next((q for q in tries if len(brain.answer(q, Context()).sources) > 1), None)
    assert question is not None, f"none of {tries} has several sources any more"
    sources = brain.answer(question, Context()).sources
    async with bot_running(server, brain, store_path):
        server.send_text(question, chat_id=USER, user_id=USER)
        reply = await server.await_message(USER)
        source_button = next(b for b in buttons(reply) if b["callback_data"].startswith("s:"))
        server.press_button(reply, source_button["callback_data"])
        listed = await server.await_message(USER)
        stale = server.press_button(reply, "a:m.999999", strict=False)
        await server.await_for(
            lambda c: c.params.get("callback_query_id") == stale["callback_query"]["id"],
            method="answerCallbackQuery",
        )
        server.send_text("thanks", chat_id=USER, user_id=USER)
        barrier = await server.await_message(USER)

    assert all(s in listed["plain_text"] for s in sources)
    assert server.callback_answer(stale["callback_query"]["id"])["text"] == EXPIRED
    assert barrier["plain_text"] == expected(brain, "thanks")  # nothing sent for the stale press


async def test_inline_query_offers_answers_to_share(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        update = server.inline_query("railway")
        call = await server.await_for(method="answerInlineQuery")
        server.inline_query("")
        empty = await server.await_for(method="answerInlineQuery", since=server.mark() - 1)
        deep_link = call.params["results"][0]["reply_markup"]["inline_keyboard"][0][0]["url"]
        server.send_command("start", deep_link.split("start=")[1], chat_id=USER, user_id=USER)
        opened = await server.await_message(USER)

    assert call.ok and call.params["inline_query_id"] == update["inline_query"]["id"]
    results = call.params["results"]
    assert 1 <= len(results) <= 50
    first = results[0]
    topic = brain.answer("railway", Context()).topic
    assert first["id"] == topic and first["title"] == brain.topics[topic].ask
    assert "railway" in first["input_message_content"]["message_text"].lower()
    assert first["input_message_content"]["parse_mode"] == "HTML"
    assert empty.ok and len(empty.params["results"]) >= 1
    assert deep_link == f"https://t.me/visit_test_bot?start={topic}"
    assert expected(brain, brain.topics[topic].ask) in opened["plain_text"]


# -- groups and odd messages ---------------------------------------------------------------


async def test_in_groups_the_bot_answers_only_when_addressed(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_text("what is the trade target?", chat_type="group")  # people chatting
        asked = server.send_text("was there a railway deal?", chat_type="group", mention_bot=True)
        first = await server.await_message(GROUP)
        server.send_sticker(chat_type="group")
        follow = server.send_text(
            "and maritime?", chat_type="group", reply_to_message=(GROUP, first["message_id"])
        )
        second = await server.await_message(GROUP)
        server.send_text("hello all", chat_type="group")
        server.send_command("about", chat_type="group")  # /about@visit_test_bot
        third = await server.await_message(GROUP)

    assert first["params"]["reply_parameters"]["message_id"] == asked["message"]["message_id"]
    assert expected(brain, "was there a railway deal?") in first["plain_text"]
    assert second["params"]["reply_parameters"]["message_id"] == follow["message"]["message_id"]
    assert expected(brain, "was there a railway deal?", "and maritime?") in second["plain_text"]
    assert brain.record.visit.title in third["plain_text"]
    assert server.message_counts()[GROUP] == 3


async def test_stickers_long_texts_and_edits_get_sensible_replies(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_sticker(chat_id=USER, user_id=USER)
        sticker = await server.await_message(USER)
        server.send_location(chat_id=USER, user_id=USER)
        location = await server.await_message(USER)
        server.send_text("x" * 5000, chat_id=USER, user_id=USER)
        too_long = await server.await_message(USER)
        typo = server.send_text("when was the vist?", chat_id=USER, user_id=USER)
        await server.await_message(USER)
        server.edit_text(typo, "where was the visit?")
        edited = await server.await_message(USER)

    assert "text" in sticker["plain_text"] and "text" in location["plain_text"]
    assert "too long" in too_long["plain_text"] and len(too_long["text"]) <= TELEGRAM_LIMIT
    assert expected(brain, "when was the vist?", "where was the visit?") in edited["plain_text"]


async def test_a_failing_handler_is_logged_the_user_told_and_the_bot_goes_on(
    server: FakeBotAPI, brain: Brain, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Exploding:
        """The real brain, except that one question makes it crash."""

        def __getattr__(self, name: str) -> Any:
            return getattr(brain, name)

        def answer(self, text: str, context: Context | None = None, lang: str | None = None) -> Any:
            if "explode" in text:
                raise RuntimeError("the brain exploded")
            return brain.answer(text, context, lang)

    stream = io.StringIO()
    handler = configure_logging("DEBUG", secrets=[server.token], stream=stream)
    try:
        async with bot_running(server, Exploding(), store_path):
            server.send_text("please explode", chat_id=USER, user_id=USER)
            sorry = await server.await_message(USER)
            server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
            after = await server.await_message(USER)
    finally:
        root = logging.getLogger()
        root.removeHandler(handler)
        root.setLevel(logging.WARNING)
        for name in ("httpx", "httpcore", "apscheduler"):
            logging.getLogger(name).setLevel(logging.NOTSET)

    assert sorry["plain_text"] == SORRY
    assert expected(brain, "was there a railway deal?") in after["plain_text"]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(f"chat {USER}" in r.getMessage() and r.exc_info for r in failures)
    logged = stream.getvalue()
    assert "the brain exploded" in logged and "sendMessage" in logged
    assert "[redacted]" in logged  # httpx logged request URLs, with the token taken out
    assert server.token not in logged and server.token.split(":")[1] not in logged


async def test_a_refused_menu_only_warns_and_the_bot_answers(
    server: FakeBotAPI, brain: Brain, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.fail_next("setMyCommands", status=400, description="Bad Request: not today")
    async with bot_running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER)
        welcome = await server.await_message(USER)

    assert brain.record.scope in welcome["plain_text"]
    assert server.commands() == []
    assert any(
        r.levelno == logging.WARNING and "command menu" in r.getMessage() for r in caplog.records
    )


async def test_other_features_plug_in_through_register_menu_and_hooks(
    server: FakeBotAPI, brain: Brain, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contract handlers.digest.register relies on (issue 4)."""
    ran: list[str] = []

    async def their_startup(application: Any) -> None:
        ran.append(f"startup, services there: {'services' in application.bot_data}")
        raise RuntimeError("their start-up step failed")  # must not stop the bot

    async def digest(update: Update, context: Any) -> None:
        await context.bot.send_message(update.effective_chat.id, "digest here")

    def register(application: Any) -> None:
        from telegram.ext import CommandHandler

        commands.MENU_COMMANDS.append(("digest", "The latest digest"))
        application.add_handler(CommandHandler("digest", digest))
        application.post_init = their_startup

    base_menu = [c for c in commands.MENU_COMMANDS if c not in handlers.digest.MENU]
    monkeypatch.setattr(commands, "MENU_COMMANDS", base_menu)
    monkeypatch.setattr(handlers.digest, "register", register)
    async with bot_running(server, brain, store_path):
        server.send_command("digest", chat_id=USER, user_id=USER)
        reply = await server.await_message(USER)

    assert reply["plain_text"] == "digest here"  # not "I don't know /digest"
    assert ran == ["startup, services there: True"]
    assert {"command": "digest", "description": "The latest digest"} in server.commands()
    assert server.commands()[0]["command"] == "start"  # our menu first, then theirs


async def test_one_flooding_chat_is_slowed_politely_and_others_are_not(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    policy = FloodPolicy(burst=3, per_second=2.0, max_wait=1.0)
    flooder, other = USER, USER + 50
    async with bot_running(server, brain, store_path, flood=policy):
        for n in range(20):
            server.send_text(f"was there a railway deal? ({n})", chat_id=flooder, user_id=flooder)
        server.send_text("what is the trade target?", chat_id=other, user_id=other)
        other_reply = await server.await_message(other)
        got = [await server.await_message(flooder, timeout=5) for _ in range(6)]
        server.send_text("thanks", chat_id=other, user_id=other)  # barrier: later than all
        await server.await_message(other)

    flood_texts = [m["plain_text"] for m in server.sent_messages(flooder)]
    assert flood_texts.count(SLOW_DOWN) == 1
    answers = [t for t in flood_texts if t != SLOW_DOWN]
    assert 3 <= len(answers) < 20
    assert len(got) == len(flood_texts)
    assert expected(brain, "what is the trade target?") in other_reply["plain_text"]
    order = [m["chat_id"] for m in server.sent_messages()]
    assert order.index(other) < len(order) - 1 - order[::-1].index(flooder)


async def test_group_chatter_is_not_a_flood_and_joining_a_group_says_how_to_ask(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    policy = FloodPolicy(burst=2, per_second=1.0, max_wait=0.5)
    async with bot_running(server, brain, store_path, flood=policy):
        server.push_update(
            {
                "message": {
                    "message_id": 900,
                    "from": {"id": USER, "is_bot": False, "first_name": "Admin"},
                    "chat": {"id": GROUP, "type": "group", "title": "Diplomats"},
                    "date": 1_700_000_000,
                    "new_chat_members": [server.bot_user],
                }
            }
        )
        hello = await server.await_message(GROUP)
        for n in range(10):
            server.send_text(f"lunch at {n}?", chat_type="group", user_id=USER + n)
        server.send_text("was there a railway deal?", chat_type="group", mention_bot=True)
        answer = await server.await_message(GROUP)

    assert "Mention me" in hello["plain_text"] and brain.record.scope in hello["plain_text"]
    assert expected(brain, "was there a railway deal?") in answer["plain_text"]
    assert server.message_counts()[GROUP] == 2


# -- the Bot API in trouble ----------------------------------------------------------------


async def test_get_updates_500_then_the_bot_catches_up(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.fail_next("getUpdates", status=500)
        await server.await_for(lambda c: c.fault == "fail", method="getUpdates", timeout=5)
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        reply = await server.await_message(USER, timeout=8)

    assert expected(brain, "was there a railway deal?") in reply["plain_text"]
    assert server.message_counts() == {USER: 1}


async def test_send_500_is_retried_and_delivered_once(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.fail_next("sendMessage", status=500, count=2)
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        reply = await server.await_message(USER, timeout=8)
        server.send_text("thanks", chat_id=USER, user_id=USER)
        await server.await_message(USER)

    assert expected(brain, "was there a railway deal?") in reply["plain_text"]
    assert len(server.faults("sendMessage")) == 2
    assert server.message_counts() == {USER: 2}


async def test_429_waits_retry_after_then_delivers_everything_once(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    other = USER + 1
    async with bot_running(server, brain, store_path):
        server.rate_limit_next("sendMessage", retry_after=1)
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        limited = await server.await_for(lambda c: c.status == 429, method="sendMessage")
        server.send_text("what is the trade target?", chat_id=other, user_id=other)
        reply = await server.await_message(USER, timeout=8)
        other_reply = await server.await_message(other, timeout=8)

    assert expected(brain, "was there a railway deal?") in reply["plain_text"]
    assert expected(brain, "what is the trade target?") in other_reply["plain_text"]
    delivered = [c for c in server.calls("sendMessage") if c.ok]
    assert all(c.at >= limited.at + 1.0 for c in delivered)  # Telegram's wait was honoured
    assert server.message_counts() == {USER: 1, other: 1}


async def test_api_timing_out_for_a_while_loses_nothing(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    chats = [USER, USER + 1, USER + 2]
    async with bot_running(server, brain, store_path):
        server.delay_next("getUpdates", seconds=2.5, count=2)  # longer than the read timeout
        await server.await_for(lambda c: c.fault == "delay", method="getUpdates", timeout=5)
        for chat in chats:
            server.send_text("was there a railway deal?", chat_id=chat, user_id=chat)
        replies = [await server.await_message(chat, timeout=10) for chat in chats]
        for chat in chats:
            server.send_text("thanks", chat_id=chat, user_id=chat)
        for chat in chats:
            await server.await_message(chat)

    assert len(server.faults("getUpdates")) == 2
    assert all(expected(brain, "was there a railway deal?") in r["plain_text"] for r in replies)
    assert server.message_counts() == {chat: 2 for chat in chats}


async def test_a_send_that_times_out_is_not_sent_twice_nor_called_an_error(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.delay_next("sendMessage", seconds=2.5)  # Telegram got it, but answers late
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        first = await server.await_message(USER, timeout=5)
        server.send_text("thanks", chat_id=USER, user_id=USER)
        barrier = await server.await_message(USER, timeout=8)

    assert expected(brain, "was there a railway deal?") in first["plain_text"]
    assert barrier["plain_text"] == expected(brain, "thanks")
    assert server.message_counts() == {USER: 2}  # no duplicate, no "something went wrong"
