"""Issue 8, the handler side: what probing the running bot broke, end to end over the local
Bot API stand-in (real Application, real HTTP, real SQLite store).

Each test is the probe's input and what a user (or admin) must see instead of what they saw.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.brain import Brain
from bot.questionlog import TABLE, ensure_table
from bot.ratelimit import FloodPolicy
from bot.settings import SettingsError, load_settings
from handlers import errors, guards
from tests.fake_botapi import DEFAULT_GROUP_ID, Call, FakeBotAPI
from tests.fake_botapi import utf16_len as telegram_length
from tests.test_telegram import USER, bot_running, buttons, expected
from tests.visitbot_app import ADMIN, english

SORRY = english(errors.SORRY)
SLOW_DOWN = english(guards.SLOW_DOWN)

GROUP = DEFAULT_GROUP_ID
EXCERPT_CHARS = 40  # bot.formatting.EXCERPT_CHARS: how much of their input a reply quotes
SHORT_REPLY = 400  # a reply that quotes user input stays about this short, whatever was typed


# -- item 4 and 5: /stats ------------------------------------------------------------------


async def test_stats_in_a_group_points_to_a_private_chat_and_shows_nothing_private(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    private = "my phone is 0300 1234567, can you call me about a visa"
    async with bot_running(server, brain, store_path):
        server.send_text(private, chat_id=USER, user_id=USER)
        await server.await_message(USER)
        server.send_command("stats", chat_type="group", user_id=ADMIN)
        in_group = await server.await_message(GROUP)
        server.send_command("stats", chat_id=ADMIN, user_id=ADMIN)
        in_private = await server.await_message(ADMIN)

    assert "1234567" not in in_group["plain_text"]
    assert "private" in in_group["plain_text"] and "Asked" not in in_group["plain_text"]
    assert "1234567" in in_private["plain_text"]  # the admin still sees it, in private


async def test_stats_stay_short_whatever_was_asked_and_list_only_recent_questions(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    db = Database(store_path)
    ensure_table(db)
    month_ago = time.time() - 30 * 86400
    old = {"at": month_ago, "chat_id": 1, "question": "an ancient unanswered question"}
    db.table(TABLE).insert_all(
        [{**old, "intent": "off_topic", "answered": 0, "confidence": 0.0}] * 20
    )
    async with bot_running(server, brain, store_path):
        for n in range(5):  # five messages of 600 emoji each, as in the probe
            server.send_text(chr(0x1F600 + n) * 600, chat_id=USER, user_id=USER)
            await server.await_message(USER)
        server.send_command("stats", chat_id=ADMIN, user_id=ADMIN)
        shown = await server.await_message(ADMIN)

    text = shown["plain_text"]
    assert text != SORRY and "Most asked without an answer" in text
    assert telegram_length(text) < 1500
    assert "ancient" not in text  # a month old: outside the window
    assert all(chr(0x1F600 + n) in text for n in range(5))
    assert all(text.count(chr(0x1F600 + n)) <= 80 for n in range(5))


# -- item 8: huge arguments ----------------------------------------------------------------


async def test_huge_arguments_get_a_short_reply_quoting_only_a_short_excerpt(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_command("subscribe", "x" * 4000, chat_id=USER, user_id=USER)
        long_word = await server.await_message(USER)
        many = " ".join(f"word{n}" for n in range(300))
        server.send_command("subscribe", many, chat_id=USER, user_id=USER)
        many_words = await server.await_message(USER)
        command = "/" + "y" * 4080  # the entity as a forged (or future) update marks it
        entity = {"type": "bot_command", "offset": 0, "length": len(command)}
        server.send_text(command, chat_id=USER, user_id=USER, entities=[entity])
        unknown = await server.await_message(USER)
        server.send_command("subscribe", "daily &amp; <b>", chat_id=USER, user_id=USER)
        markup = await server.await_message(USER)

    for reply in (long_word, many_words, unknown, markup):
        assert reply["plain_text"] != SORRY
        assert telegram_length(reply["plain_text"]) < SHORT_REPLY
    assert "x" * (EXCERPT_CHARS - 1) in long_word["plain_text"]
    assert "x" * (EXCERPT_CHARS + 1) not in long_word["plain_text"]
    assert "word0" in many_words["plain_text"] and "word299" not in many_words["plain_text"]
    assert "/yyy" in unknown["plain_text"] and "/help" in unknown["plain_text"]
    assert "\u201c&amp;\u201d" in markup["plain_text"]  # escaped once: shown as typed
    assert "\u201c<b>\u201d" in markup["plain_text"]
    assert long_word["reply_markup"]  # and the buttons to set it up instead


# -- item 6: answering a button press is best effort --------------------------------------

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def test_a_press_too_old_to_answer_or_failing_to_answer_still_acts(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    question = brain.record.examples[1]
    async with bot_running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER)
        welcome = await server.await_message(USER)
        data = buttons(welcome)[1]["callback_data"]
        server.fail_next("answerCallbackQuery", status=400, description=TOO_OLD)
        server.press_button(welcome, data)
        after_too_old = await server.await_message(USER)
        server.fail_next("answerCallbackQuery", status=500, count=4)  # outlasts any retries
        server.press_button(welcome, data)
        after_500 = await server.await_message(USER)
        server.clear_faults()
        server.send_command("subscribe", chat_id=USER, user_id=USER)
        prompt = await server.await_message(USER)
        server.fail_next("answerCallbackQuery", status=400, description=TOO_OLD)
        server.press_button(prompt, "dg:f:d")
        digest_step = await server.await_message(USER, include_edits=True)

    assert question in after_too_old["plain_text"] and after_too_old["plain_text"] != SORRY
    assert question in after_500["plain_text"]
    assert digest_step["method"] == "editMessageText" and "time" in digest_step["plain_text"]
    assert all(m["plain_text"] != SORRY for m in server.sent_messages(USER))


# -- item 15: forged, stale and empty button data ------------------------------------------

FORGED = [
    "",  # no data at all: must not overwrite the pressed message
    "dg:",
    "dg:t:w9",  # was IndexError
    "dg:t:" + "w" * 59,
    "dg:z:w1:9999",
    "dg:s:d-:0900:99",
    "dg:s:d-:0900:\u00b2",
    "dg:f:q",
    "a:x.\u00b2",  # "²".isdigit() is True, int("²") a ValueError
    "a:x.99999999999999999999",
    "a:m.-1",
    "s:t.nothing",
    "d:",
    "zz",
]


async def test_forged_stale_or_empty_button_data_says_expired_and_changes_nothing(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_command("subscribe", chat_id=USER, user_id=USER)
        prompt = await server.await_message(USER)
        presses = [server.press_button(prompt, data, strict=False) for data in FORGED]
        for press in presses:
            query_id = press["callback_query"]["id"]
            await server.await_for(
                lambda c, q=query_id: c.params.get("callback_query_id") == q,
                method="answerCallbackQuery",
            )
        server.send_text("thanks", chat_id=USER, user_id=USER)
        barrier = await server.await_message(USER, include_edits=True)

    assert barrier["method"] == "sendMessage"  # nothing sent or edited before it
    assert server.calls("editMessageText") == []
    stored = server.message(USER, prompt["message_id"])
    assert stored is not None and stored["text"] == prompt["plain_text"]
    assert stored["reply_markup"] == prompt["reply_markup"]
    for press in presses:
        answer = server.callback_answer(press["callback_query"]["id"])
        assert answer is not None and "expired" in answer["text"], press["callback_query"]


# -- item 9: flood control per member in a group -------------------------------------------


async def test_one_member_s_spam_in_a_group_costs_the_others_nothing_and_is_told_once(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    policy = FloodPolicy(burst=3, per_second=1.0, max_wait=0.5)
    spammer, other = USER, USER + 7
    async with bot_running(server, brain, store_path, flood=policy):
        spam = [
            server.send_text(
                f"was there a railway deal? ({n})", chat_type="group", user_id=spammer,
                mention_bot=True,
            )
            for n in range(15)
        ]  # fmt: skip
        asked = server.send_text(
            "what is the trade target?", chat_type="group", user_id=other, mention_bot=True
        )
        answer = await server.await_for(
            lambda c: replies_to(c, asked), method="sendMessage", timeout=8
        )
        notice = await server.await_for(
            lambda c: c.params.get("text") == SLOW_DOWN, method="sendMessage", timeout=8
        )

    assert expected(brain, "what is the trade target?") in answer.params["text"]
    spam_ids = {m["message"]["message_id"] for m in spam}
    assert notice.params["reply_parameters"]["message_id"] in spam_ids  # told: the spammer
    notices = [m for m in server.sent_messages(GROUP) if m["plain_text"] == SLOW_DOWN]
    assert len(notices) == 1  # once per burst


def replies_to(call: Call, update: dict[str, Any]) -> bool:
    wanted = update["message"]["message_id"]
    return bool((call.params.get("reply_parameters") or {}).get("message_id") == wanted)


# -- item 10: captions --------------------------------------------------------------------


async def test_a_photo_whose_caption_is_a_question_gets_the_answer(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    question = "was there a railway deal?"
    async with bot_running(server, brain, store_path):
        server.send_photo(caption=question, chat_id=USER, user_id=USER)
        private = await server.await_message(USER)
        server.send_photo(chat_id=USER, user_id=USER)
        bare = await server.await_message(USER)
        server.send_photo(caption="what is the trade target?", chat_type="group")  # not to us
        asked = server.send_photo(caption=f"@visit_test_bot {question}", chat_type="group")
        in_group = await server.await_message(GROUP)

    assert expected(brain, question) in private["plain_text"]
    assert "text" in bare["plain_text"]  # no caption: the hint, as before
    assert expected(brain, question) in in_group["plain_text"]
    assert in_group["params"]["reply_parameters"]["message_id"] == asked["message"]["message_id"]


# -- item 15: commands addressed to another bot -------------------------------------------


async def test_a_command_for_another_bot_is_ours_in_private_and_theirs_in_a_group(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_text("/help@OtherBot", chat_id=USER, user_id=USER)
        help_page = await server.await_message(USER)
        server.send_text("/subscribe@OtherBot daily 07:00", chat_id=USER, user_id=USER)
        subscribed = await server.await_message(USER)
        server.send_text("/help@OtherBot", chat_type="group")  # for the other bot: silence
        server.send_command("about", chat_type="group")
        in_group = await server.await_message(GROUP)

    assert "What to ask" in help_page["plain_text"] and "know" not in help_page["plain_text"]
    assert "daily" in subscribed["plain_text"] and "07:00" in subscribed["plain_text"]
    assert brain.record.visit.title in in_group["plain_text"]  # the first reply is to /about


# -- item 15: per-chat memory expires -------------------------------------------------------


async def test_an_idle_chat_s_memory_is_released_and_it_starts_afresh(
    server: FakeBotAPI, brain: Brain, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISITBOT_MEMORY_MINUTES", "0.02")  # 1.2 s, so the test need not wait
    follow_up = "what did he say?"
    firsts = [f"who is {person.name}?" for person in brain.record.people]
    first = next(q for q in firsts if expected(brain, q, follow_up) != expected(brain, follow_up))
    async with bot_running(server, brain, store_path) as app:
        server.send_text(first, chat_id=USER, user_id=USER)
        await server.await_message(USER)
        assert USER in app.chat_data
        await until(lambda: USER not in app.chat_data, timeout=10)
        server.send_text(follow_up, chat_id=USER, user_id=USER)
        cold = await server.await_message(USER)

    assert expected(brain, follow_up) in cold["plain_text"]  # "he" is no longer known


def test_forgetting_drops_only_idle_chats_and_only_the_bot_s_own_keys() -> None:
    from handlers.common import CONTEXT_KEY, SEEN_KEY
    from handlers.memory import forget_idle

    class App:
        def __init__(self) -> None:
            self.chat_data: dict[int, dict[str, Any]] = {
                1: {SEEN_KEY: 1000.0, CONTEXT_KEY: object()},
                2: {SEEN_KEY: 1900.0, CONTEXT_KEY: object()},
                3: {SEEN_KEY: 1000.0, CONTEXT_KEY: object(), "someone_else": 1},
                4: {"someone_else": 2},
            }

        def drop_chat_data(self, chat_id: int) -> None:
            del self.chat_data[chat_id]

    app = App()
    assert forget_idle(app, idle_seconds=600, now=2000.0) == 2
    assert set(app.chat_data) == {2, 3, 4}
    assert app.chat_data[3] == {"someone_else": 1}


async def until(check: Any, timeout: float) -> None:
    """Wait for a condition, bounded (no speed is asserted: only that it happens)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


# -- item 15: the token's shape -----------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [":", "123:", ":" + "a" * 35, "123:short", "abc:" + "a" * 35, "123:" + "a" * 34 + "!"],
)
def test_a_token_without_id_and_secret_is_refused_at_start_up(token: str) -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(telegram_bot_token=token)


def test_a_token_as_botfather_gives_it_is_accepted() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-"
    assert load_settings(telegram_bot_token=token).token == token


# -- the shared helpers, directly ----------------------------------------------------------


def test_an_excerpt_of_user_input_is_short_one_line_and_escaped_once() -> None:
    from bot.formatting import EXCERPT_CHARS as LIMIT
    from bot.formatting import excerpt

    assert excerpt("&amp; <b>") == "&amp;amp; &lt;b&gt;"
    assert excerpt("a\nb\x00\tc\u202e") == "a b c"
    long = excerpt("x" * 5000)
    assert len(long) == LIMIT and long.endswith("\u2026")
    assert len(excerpt("&" * 5000)) <= 5 * LIMIT  # escaping can only grow it that much


def test_truncate_counts_as_telegram_does_so_emoji_are_cut_too() -> None:
    from bot.formatting import truncate

    text = "<b>" + "\U0001f600" * 3000 + "</b> &amp; done"
    cut = truncate(text)
    assert telegram_length(cut) <= 4096 and cut.endswith("</b>")
    assert truncate("\U0001f600" * 2048) == "\U0001f600" * 2048  # exactly at the limit
