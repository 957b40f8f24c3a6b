"""Tests of the Bot API stand-in (tests/fake_botapi.py).

They drive a real python-telegram-bot ``Application``/``Bot`` over real HTTP on 127.0.0.1, so
they also pin down how PTB 22 talks to the API (what it sends, which exception each error
becomes). Every wait is bounded; the whole file runs in a few seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import http.client
import json
import re
import threading
import time
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonCommands,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fake_botapi import (
    DEFAULT_SUPERGROUP_ID,
    DEFAULT_USER_ID,
    FakeBotAPI,
    application_builder,
    check_markdown_v2,
    detect_entities,
    parse_html,
    running,
)

TOKEN = "123456789:TEST-visitbot-fake-token"
CHAT = 4242  # a private chat: its id is the user's id


@pytest.fixture
def server() -> Any:
    with FakeBotAPI(TOKEN, username="visit_test_bot", max_long_poll=2.0) as srv:
        yield srv


@pytest.fixture
async def bot(server: FakeBotAPI) -> Any:
    request = HTTPXRequest(read_timeout=2.0, httpx_kwargs={"trust_env": False})
    async with Bot(TOKEN, base_url=server.base_url, request=request) as client:
        yield client


def _raw_client() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=5.0)


# ------------------------------------------------------------------ PTB Application end to end


async def test_get_me_through_application_initialize(server: FakeBotAPI) -> None:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .get_updates_read_timeout(1.0)
        .build()
    )
    await app.initialize()
    try:
        assert app.bot.username == "visit_test_bot"
        assert app.bot.id == 123456789
        assert app.bot.supports_inline_queries is True
        assert app.bot.can_join_groups is True
    finally:
        await app.shutdown()
    (call,) = server.calls("getMe")
    assert call.ok and call.http_method == "POST"
    assert call.result["username"] == "visit_test_bot"


async def test_text_message_reaches_handler_and_reply_is_recorded(server: FakeBotAPI) -> None:
    seen: list[tuple[int, str, str]] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        seen.append((update.message.from_user.id, update.message.chat.type, update.message.text))
        await update.message.reply_text(
            f"<b>You said:</b> {html.escape(update.message.text)}",
            parse_mode=ParseMode.HTML,
            do_quote=True,
        )

    app = application_builder(server).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with running(app):
        update = server.send_text("Tea & <cake>?", chat_id=CHAT, user_id=CHAT)
        reply = await server.await_message(CHAT)

    assert seen == [(CHAT, "private", "Tea & <cake>?")]
    assert reply["text"] == "<b>You said:</b> Tea &amp; &lt;cake&gt;?"
    assert reply["plain_text"] == "You said: Tea & <cake>?"
    assert reply["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
    assert reply["message_id"] == update["message"]["message_id"] + 1  # ids shared per chat
    (sent,) = server.calls("sendMessage")
    assert sent.params["chat_id"] == CHAT
    assert sent.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert sent.result["reply_to_message"]["text"] == "Tea & <cake>?"
    assert server.message_counts() == {CHAT: 1}
    # PTB confirmed the update with a later offset in its final, timeout=0 poll on stop.
    final_polls = [c for c in server.calls("getUpdates") if c.params.get("timeout") == 0]
    assert final_polls and final_polls[-1].ok
    assert final_polls[-1].params["offset"] == update["update_id"] + 1
    assert server.pending_updates == 0


async def test_commands_and_group_mentions_parse_in_ptb(server: FakeBotAPI) -> None:
    got: list[tuple[Any, ...]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        got.append(("start", update.effective_chat.id, context.args))
        await update.effective_message.reply_text("welcome")

    async def mentioned(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        mentions = list(update.message.parse_entities(["mention"]).values())
        got.append(("mention", update.effective_chat.type, mentions))
        await update.effective_message.reply_text("yes?")

    app = application_builder(server).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.Entity("mention"), mentioned))
    async with running(app):
        server.send_command("start", "deep-link", chat_id=CHAT, user_id=CHAT)
        await server.await_message(CHAT)
        group_cmd = server.send_command("start", chat_type="supergroup")
        await server.await_message(DEFAULT_SUPERGROUP_ID)
        # An emoji before the mention checks UTF-16 entity offsets end to end.
        server.send_text("😀 hey @visit_test_bot, when?", chat_type="supergroup")
        server.send_text("schedule?", chat_type="supergroup", mention_bot=True)
        await server.await_message(DEFAULT_SUPERGROUP_ID)
        await server.await_message(DEFAULT_SUPERGROUP_ID)

    assert group_cmd["message"]["text"] == "/start@visit_test_bot"
    assert got == [
        ("start", CHAT, ["deep-link"]),
        ("start", DEFAULT_SUPERGROUP_ID, []),
        ("mention", "supergroup", ["@visit_test_bot"]),
        ("mention", "supergroup", ["@visit_test_bot"]),
    ]


async def test_callback_button_press_round_trip(server: FakeBotAPI) -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Yes", callback_data="visit:yes"),
                    InlineKeyboardButton("No", callback_data="visit:no"),
                ]
            ]
        )
        await update.message.reply_text("Go to Astana?", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(f"picked {query.data}")
        await query.edit_message_text(f"You chose {query.data.split(':')[1]}")

    app = application_builder(server).build()
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^visit:"))
    async with running(app):
        server.send_command("menu", chat_id=CHAT, user_id=CHAT)
        menu_msg = await server.await_message(CHAT)
        with pytest.raises(ValueError, match="no button"):
            server.press_button(menu_msg, "visit:maybe")
        press = server.press_button(menu_msg, text="Yes")
        edited = await server.await_message(CHAT, include_edits=True)
        answer = await server.await_for(method="answerCallbackQuery")

    assert menu_msg["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "visit:no"
    query_id = press["callback_query"]["id"]
    assert press["callback_query"]["message"]["message_id"] == menu_msg["message_id"]
    assert answer.ok and answer.params["callback_query_id"] == query_id
    assert server.callback_answer(query_id)["text"] == "picked visit:yes"
    assert edited["method"] == "editMessageText"
    assert edited["message_id"] == menu_msg["message_id"]
    assert edited["text"] == "You chose yes"
    current = server.message(CHAT, menu_msg["message_id"])
    # Editing the text without reply_markup removes the keyboard, as on Telegram.
    assert current is not None and "reply_markup" not in current and "edit_date" in current


async def test_inline_query_round_trip(server: FakeBotAPI) -> None:
    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.inline_query.query
        results = [
            InlineQueryResultArticle(
                id=f"r{i}",
                title=f"{text} #{i}",
                input_message_content=InputTextMessageContent(
                    f"<b>{html.escape(text)}</b> {i}", parse_mode=ParseMode.HTML
                ),
            )
            for i in range(3)
        ]
        await update.inline_query.answer(results, cache_time=0)

    app = application_builder(server).build()
    app.add_handler(InlineQueryHandler(inline))
    async with running(app):
        update = server.inline_query("Astana & Islamabad")
        call = await server.await_for(method="answerInlineQuery")

    query_id = update["inline_query"]["id"]
    assert call.ok and call.params["inline_query_id"] == query_id
    assert [r["id"] for r in call.params["results"]] == ["r0", "r1", "r2"]
    assert call.params["results"][0]["input_message_content"]["parse_mode"] == "HTML"
    assert call.params["cache_time"] == 0
    assert server.inline_answer(query_id) is not None


async def test_other_update_kinds_are_valid_for_ptb(server: FakeBotAPI) -> None:
    kinds: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.effective_message
        if update.edited_message is not None:
            kind = f"edited:{msg.text}"
        elif msg.sticker is not None:
            kind = f"sticker:{msg.sticker.emoji}"
        elif msg.photo:
            kind = f"photo:{msg.photo[-1].width}:{msg.caption}"
        elif msg.location is not None:
            kind = f"location:{msg.location.latitude:.2f}"
        elif msg.voice is not None:
            kind = f"voice:{msg.voice.mime_type}"
        else:
            kind = f"text:{msg.text}"
        kinds.append(kind)
        await context.bot.send_message(msg.chat_id, kind)

    app = application_builder(server).build()
    app.add_handler(TypeHandler(Update, record))
    async with running(app):
        first = server.send_text("typo", chat_id=CHAT, user_id=CHAT)
        server.send_sticker(emoji="🇰🇿", chat_id=CHAT, user_id=CHAT)
        server.send_photo(caption="the palace", chat_id=CHAT, user_id=CHAT)
        server.send_location(chat_id=CHAT, user_id=CHAT)
        server.send_voice(chat_id=CHAT, user_id=CHAT)
        server.edit_text(first, "fixed")
        replies = [(await server.await_message(CHAT))["text"] for _ in range(6)]

    expected = [
        "text:typo",
        "sticker:🇰🇿",
        "photo:1280:the palace",
        "location:51.13",
        "voice:audio/ogg",
        "edited:fixed",
    ]
    assert kinds == expected
    assert replies == expected


async def test_polling_survives_get_updates_error_and_delivers_exactly_once(
    server: FakeBotAPI,
) -> None:
    handled: list[str] = []

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.message.text)
        await update.message.reply_text(f"re: {update.message.text}")

    server.fail_next("getUpdates", status=502)  # PTB logs it and retries after 1 s
    for i in range(5):
        server.send_text(f"q{i}", chat_id=CHAT + i, user_id=CHAT + i)
    app = application_builder(server).build()
    app.add_handler(MessageHandler(filters.TEXT, answer))
    async with running(app):
        for i in range(5):
            assert (await server.await_message(CHAT + i))["text"] == f"re: q{i}"

    assert sorted(handled) == [f"q{i}" for i in range(5)]
    assert server.message_counts() == {CHAT + i: 1 for i in range(5)}
    assert [f["kind"] for f in server.faults("getUpdates")] == ["fail"]
    assert server.calls("getUpdates")[0].status == 502
    assert server.pending_updates == 0


# ------------------------------------------------------------------ errors as PTB sees them


async def test_server_error_surfaces_as_network_error(server: FakeBotAPI, bot: Bot) -> None:
    server.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error") as err:
        await bot.send_message(CHAT, "hello")
    assert type(err.value) is NetworkError

    server.fail_next("sendMessage", status=502, body="<html>502 Bad Gateway</html>")
    with pytest.raises(NetworkError, match="Parsing the server response"):
        await bot.send_message(CHAT, "hello")

    server.disconnect_next("sendMessage")
    with pytest.raises(NetworkError, match="RemoteProtocolError"):
        await bot.send_message(CHAT, "hello")

    message = await bot.send_message(CHAT, "hello")
    assert message.message_id == 1 and message.text == "hello"
    assert [c.status for c in server.calls("sendMessage")] == [500, 502, 0, 200]
    assert [f["kind"] for f in server.faults()] == ["fail", "fail", "disconnect"]
    assert server.message_counts() == {CHAT: 1}

    def broken(srv: FakeBotAPI, params: dict[str, Any], ctx: Any) -> Any:
        raise KeyError("oops")

    server.register_method("getVisitSchedule", broken)  # a handler bug is reported, not hung
    with pytest.raises(NetworkError, match="FakeBotAPI getVisitSchedule: KeyError"):
        await bot.do_api_request("getVisitSchedule")


async def test_rate_limit_raises_retry_after_and_retry_succeeds(
    server: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as timedelta, no warning
    server.rate_limit_next("sendMessage", retry_after=1)
    started = time.monotonic()
    sent = None
    for _attempt in range(3):
        try:
            sent = await bot.send_message(CHAT, "flood")
            break
        except RetryAfter as exc:
            assert exc.retry_after == dtm.timedelta(seconds=1)
            await asyncio.sleep(exc.retry_after.total_seconds())
    assert sent is not None and sent.text == "flood"
    assert time.monotonic() - started >= 1.0
    first, second = server.calls("sendMessage")
    assert (first.status, first.description) == (429, "Too Many Requests: retry after 1")
    assert first.fault == "rate_limit" and second.ok
    assert server.message_counts() == {CHAT: 1}


async def test_delayed_answer_times_out_the_client(server: FakeBotAPI, bot: Bot) -> None:
    server.delay_next("sendMessage", 1.0)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "slow", read_timeout=0.2)
    assert time.monotonic() - started < 0.9
    # The request still took effect: a client timeout does not mean "not sent".
    assert server.message_counts() == {CHAT: 1}
    assert server.faults("sendMessage")[0]["kind"] == "delay"


async def test_blocked_and_gone_chats(server: FakeBotAPI, bot: Bot) -> None:
    server.block_chat(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(CHAT, "typing")
    server.block_chat(DEFAULT_SUPERGROUP_ID)
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(DEFAULT_SUPERGROUP_ID, "hi")
    server.gone_chat(777)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(777, "hi")
    server.unblock_chat(CHAT)
    assert (await bot.send_message(CHAT, "hi again")).chat.id == CHAT
    assert [f["kind"] for f in server.faults()] == ["blocked", "blocked", "blocked", "gone"]
    assert server.message_counts() == {CHAT: 1}


LONG_HTML = "<b>" + "x" * 4096 + "</b>"  # raw text is longer, displayed text is exactly 4096


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "x" * 4097}, "Message is too long"),
        ({"text": "   "}, "Message text is empty"),
        ({"text": "<b>unclosed", "parse_mode": "HTML"}, "can't find end tag"),
        ({"text": "1 < 2", "parse_mode": "HTML"}, 'unsupported start tag ""'),
        ({"text": "<b>x</i>", "parse_mode": "HTML"}, "unmatched end tag"),
        ({"text": "Q&A", "parse_mode": "HTML"}, "unescaped '&'"),
        ({"text": "Visit on 3.06!", "parse_mode": "MarkdownV2"}, "character '.' is reserved"),
        (
            {
                "text": "pick",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("a", callback_data="x" * 65)]]
                ),
            },
            "Button_data_invalid",
        ),
        (
            {  # 33 two-byte characters = 66 bytes: the limit is in bytes, not characters
                "text": "pick",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("a", callback_data="é" * 33)]]
                ),
            },
            "Button_data_invalid",
        ),
        ({"text": "hi", "reply_parameters": ReplyParameters(99)}, "to be replied not found"),
    ],
)
async def test_send_message_validation(
    server: FakeBotAPI, bot: Bot, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadRequest, match="(?i)" + re.escape(message)):
        await bot.send_message(CHAT, **kwargs)
    (call,) = server.calls("sendMessage")
    assert call.status == 400 and call.description.startswith("Bad Request: ")
    assert server.message_counts() == {}


async def test_limits_count_what_telegram_counts(server: FakeBotAPI, bot: Bot) -> None:
    long_ok = await bot.send_message(CHAT, LONG_HTML, parse_mode=ParseMode.HTML)
    assert len(long_ok.text) == 4096 and long_ok.entities[0].length == 4096
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="é" * 32)]])
    assert (await bot.send_message(CHAT, "64 bytes", reply_markup=keyboard)).reply_markup
    assert (await bot.send_message(CHAT, r"Visit on 3\.06\!", parse_mode="MarkdownV2")).text

    query_id = server.inline_query("x")["inline_query"]["id"]
    too_many = [
        InlineQueryResultArticle(str(i), f"t{i}", InputTextMessageContent("x")) for i in range(51)
    ]
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await bot.answer_inline_query(query_id, too_many)
    assert await bot.answer_inline_query(query_id, too_many[:50])
    with pytest.raises(BadRequest, match="Query is too old"):  # answered once already
        await bot.answer_inline_query(query_id, too_many[:1])


async def test_edit_and_delete_errors_match_telegram(server: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("new", CHAT, 999)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data="go")]])
    edited = await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard)
    assert edited.reply_markup == keyboard
    assert await bot.delete_message(CHAT, sent.message_id) is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)
    assert server.message(CHAT, sent.message_id) is None
    assert [m["method"] for m in server.sent_messages(CHAT)] == [
        "sendMessage",
        "editMessageReplyMarkup",
    ]


async def test_wrong_token_and_unknown_method(server: FakeBotAPI, bot: Bot) -> None:
    wrong = Bot("999:WRONG", base_url=server.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendFlyingCarpet")
    with _raw_client() as client:
        unauthorized = client.post(server.method_url("getMe", token="999:WRONG"))
        not_found = client.post(server.method_url("sendFlyingCarpet"))
    assert unauthorized.status_code == 401
    assert unauthorized.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert not_found.status_code == 404
    assert not_found.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_ptb_parameter_encoding_is_decoded_faithfully(server: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="1")]])
    await bot.send_message(CHAT, "123", disable_notification=True, reply_markup=keyboard)
    call = server.calls("sendMessage")[0]
    assert call.content_type == "application/x-www-form-urlencoded"
    assert call.params["text"] == "123"  # free text stays a string although it is valid JSON
    assert call.params["chat_id"] == CHAT
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "1", "callback_data": "1"}]]
    }


async def test_file_upload_arrives_as_multipart(server: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_document(
        CHAT,
        document=b"day 1: Astana",
        filename="programme.txt",
        caption="<b>Programme</b>",
        parse_mode=ParseMode.HTML,
    )
    (call,) = server.calls("sendDocument")
    assert call.content_type.startswith("multipart/form-data")
    assert call.params["document"]["filename"] == "programme.txt"
    assert call.params["document"]["data"] == b"day 1: Astana"
    assert call.params["caption"] == "<b>Programme</b>"
    assert message.document.file_name == "programme.txt"
    assert message.caption == "Programme" and message.caption_entities[0].type == "bold"


async def test_bot_configuration_methods(server: FakeBotAPI, bot: Bot) -> None:
    commands = [BotCommand("start", "Start"), BotCommand("ask", "Ask about the visit")]
    assert await bot.set_my_commands(commands)
    assert tuple(await bot.get_my_commands()) == tuple(commands)
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Cmd", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    assert await bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")
    with pytest.raises(BadRequest, match=r"(?i)an https url must be provided"):
        await bot.set_webhook("http://example.org/hook")
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.log_out() and await bot.close()


async def test_many_concurrent_ptb_requests(server: FakeBotAPI, bot: Bot) -> None:
    sent = await asyncio.gather(*(bot.send_message(1000 + i % 10, f"m{i}") for i in range(50)))
    assert len(sent) == 50
    assert server.message_counts() == {1000 + c: 5 for c in range(10)}
    for chat in range(1000, 1010):
        assert sorted(m["message_id"] for m in server.sent_messages(chat)) == [1, 2, 3, 4, 5]


# ------------------------------------------------------------------ raw HTTP: polling, load, life


def test_get_updates_long_polling_semantics(server: FakeBotAPI) -> None:
    url = server.method_url("getUpdates")
    with _raw_client() as client:
        assert client.get(url, params={"timeout": 0}).json() == {"ok": True, "result": []}
        ids = [server.send_text(f"m{i}", chat_id=CHAT)["update_id"] for i in range(3)]
        assert ids == [ids[0], ids[0] + 1, ids[0] + 2]

        first = client.post(url, data={"limit": "2"}).json()["result"]
        assert [u["update_id"] for u in first] == ids[:2]
        again = client.post(url, data={"limit": "2"}).json()["result"]  # not confirmed yet
        assert [u["update_id"] for u in again] == ids[:2]
        rest = client.post(url, data={"offset": str(ids[1] + 1)}).json()["result"]
        assert [u["update_id"] for u in rest] == [ids[2]]
        assert client.post(url, data={"offset": str(ids[2] + 1)}).json()["result"] == []
        assert server.pending_updates == 0

        timer = threading.Timer(0.2, server.send_text, args=("late",), kwargs={"chat_id": CHAT})
        started = time.monotonic()
        timer.start()
        late = client.post(url, json={"offset": ids[2] + 1, "timeout": 3}).json()["result"]
        woke_after = time.monotonic() - started
        timer.join()
        assert late[0]["message"]["text"] == "late"
        assert 0.15 <= woke_after < 1.5

        started = time.monotonic()
        offset = str(late[0]["update_id"] + 1)
        empty = client.post(url, data={"offset": offset, "timeout": "0.3"}).json()
        assert empty == {"ok": True, "result": []}
        assert 0.25 <= time.monotonic() - started < 1.5

        assert client.post(server.method_url("setWebhook"), data={"url": "https://x.org/h"}).json()[
            "result"
        ]
        conflict = client.post(url)
        assert conflict.status_code == 409
        assert conflict.json()["description"].startswith("Conflict: can't use getUpdates")


def test_long_poll_wait_is_bounded_and_stop_is_quick() -> None:
    server = FakeBotAPI(TOKEN, max_long_poll=0.3).start()
    try:
        with _raw_client() as client:
            started = time.monotonic()
            reply = client.post(server.method_url("getUpdates"), data={"timeout": "30"})
            assert reply.json()["result"] == [] and time.monotonic() - started < 1.5
    finally:
        server.stop()

    server = FakeBotAPI(TOKEN, max_long_poll=30).start()
    port = server.port
    outcome: list[Any] = []

    def long_poll() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", f"/bot{TOKEN}/getUpdates?timeout=30")
            outcome.append(json.loads(conn.getresponse().read()))
        except OSError as exc:
            outcome.append(exc)
        finally:
            conn.close()

    poller = threading.Thread(target=long_poll, daemon=True)
    poller.start()
    deadline = time.monotonic() + 3
    while server.long_polls_waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.long_polls_waiting == 1
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0
    poller.join(timeout=2)
    assert not poller.is_alive() and len(outcome) == 1

    server.start()  # a restart keeps the port, so clients can reconnect
    try:
        assert server.port == port
        with _raw_client() as client:
            assert client.get(server.method_url("getMe")).json()["result"]["is_bot"] is True
    finally:
        server.stop()


def test_fifty_concurrent_clients_thousands_of_requests(server: FakeBotAPI) -> None:
    clients, per_client = 50, 40
    errors: list[str] = []
    barrier = threading.Barrier(clients)

    def worker(chat_id: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        barrier.wait(timeout=5)
        try:
            for i in range(per_client):
                body = f"chat_id={chat_id}&text=msg{i}"
                conn.request(
                    "POST",
                    f"/bot{TOKEN}/sendMessage",
                    body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                reply = conn.getresponse()
                payload = json.loads(reply.read())
                if reply.status != 200 or payload["result"]["message_id"] != i + 1:
                    errors.append(f"{chat_id}: {reply.status} {payload}")
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(5000 + n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.monotonic() - started
    assert errors == []
    assert server.message_counts() == {5000 + n: per_client for n in range(clients)}
    assert len(server.calls("sendMessage")) == clients * per_client
    assert elapsed < 10, f"{clients * per_client} requests took {elapsed:.1f}s"
    assert server.send_rate() > 200


async def test_global_rate_limit_mode(
    server: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else every RetryAfter() warns (PTB 22.2+)
    for i in range(5):  # off by default: bursts to one chat are accepted
        await bot.send_message(CHAT, f"burst {i}")
    server.enable_rate_limit(global_per_second=3, per_chat_per_second=1)
    await bot.send_message(CHAT, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT, "two, too soon for this chat")
    await bot.send_message(CHAT + 1, "other chat")
    await bot.send_message(CHAT + 2, "third chat")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT + 3, "fourth message this second")
    assert [f["kind"] for f in server.faults()] == ["chat_rate_limit", "global_rate_limit"]
    assert server.message_counts() == {CHAT: 6, CHAT + 1: 1, CHAT + 2: 1}
    assert server.max_in_window(1.0, chat_id=CHAT + 1) == 1
    server.disable_rate_limit()
    assert await bot.send_message(CHAT, "fine again")


# ------------------------------------------------------------------ helpers and parsers


async def test_wait_helpers_and_timeout_dump(server: FakeBotAPI, bot: Bot) -> None:
    mark = server.mark()
    await bot.send_message(CHAT, "first")
    found = await asyncio.to_thread(server.wait_for, lambda c: c.params.get("text") == "first")
    assert found.method == "sendMessage" and found.ok
    method, params = found  # unpacks as (method, params)
    assert (method, params["text"]) == ("sendMessage", "first")
    assert (await server.await_for(method="sendMessage", since=mark)).params["text"] == "first"
    assert server.wait_for_message(CHAT, timeout=1)["text"] == "first"
    with pytest.raises(TimeoutError, match=r"recent calls[\s\S]*getMe"):
        server.wait_for_message(CHAT, timeout=0.1)  # already consumed by the cursor
    with pytest.raises(TimeoutError, match="sendMessage -> 200"):
        await server.await_for(method="answerCallbackQuery", timeout=0.1)
    server.clear()
    assert server.calls() == [] and server.sent_messages() == [] and server.message_counts() == {}


def test_parsers_directly() -> None:
    text, entities = parse_html('<b>Hi</b> 😀 <a href="https://gov.kz">link</a> &amp; more')
    assert text == "Hi 😀 link & more"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "text_link", "offset": 6, "length": 4, "url": "https://gov.kz"},
    ]
    assert parse_html("Q&A", strict_ampersand=False)[0] == "Q&A"
    pre = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert pre[1] == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    assert check_markdown_v2(r"*Day 1*: arrive \- [map](https://x.kz/a.b)") == "Day 1: arrive - map"
    assert detect_entities("/start@visit_test_bot hi @someone") == [
        {"type": "bot_command", "offset": 0, "length": 21},
        {"type": "mention", "offset": 25, "length": 8},
    ]
    assert DEFAULT_USER_ID != CHAT
