"""The Telegram bot in the user's language, end to end (the real Application over real HTTP
against the local Bot API stand-in, a real SQLite store).

What a user sees is compared with what the language's files say (``knowledge/languages/
<code>/ui.yaml``, the record's ``visit.<code>.yaml``), never with English: a reply in the
wrong language fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot import chat_languages
from bot.brain import Brain, Context
from handlers.commands import menu_commands
from handlers.views import e
from tests.fake_botapi import DEFAULT_GROUP_ID, FakeBotAPI
from tests.test_telegram import ROOMY
from tests.visitbot_app import polling, visitbot_app

USER = 6262
GROUP = DEFAULT_GROUP_ID


@contextlib.asynccontextmanager
async def running(server: FakeBotAPI, brain: Any, store_path: Path) -> AsyncIterator[Any]:
    async with polling(visitbot_app(server, brain, store_path, flood=ROOMY)) as app:
        yield app


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def plain(html_text: str) -> str:
    from tests.fake_botapi import parse_html

    return parse_html(html_text)[0]


async def choose_language(
    server: FakeBotAPI, brain: Brain, lang: str, chat_id: int = USER, **who: Any
) -> dict[str, Any]:
    """/language, then the button of ``lang`` (named in itself); the confirmation."""
    server.send_command("language", chat_id=chat_id, **who)
    prompt = await server.await_message(chat_id)
    server.press_button(
        prompt, text=brain.speeches[lang].profile.native, user_id=who.get("user_id")
    )
    return await server.await_message(chat_id, include_edits=True)


async def test_a_russian_app_gets_russian_from_start_on(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    ru = brain.speeches["ru"]
    async with running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER, language_code="ru")
        welcome = await server.await_message(USER)
        server.press_button(welcome, text=ru.examples[1])
        tapped = await server.await_message(USER)
        server.send_text("37?", chat_id=USER, user_id=USER, language_code="ru")
        typed = await server.await_message(USER)

    hello = ru.text("welcome.hello_name", name="Test")
    assert welcome["plain_text"].startswith(hello)
    assert ru.term("scope") in welcome["plain_text"]
    assert labels(welcome) == [*ru.examples, ru.text("button.topics")]
    expected = brain.answer(ru.examples[1], Context(), "ru")
    assert expected.lang == "ru"
    assert tapped["plain_text"].startswith(ru.examples[1])
    assert expected.text in tapped["plain_text"]
    assert ru.text("button.source") in labels(tapped)  # no quote: it would repeat the answer
    assert "Источник (оригинал на английском)" in typed["plain_text"]
    # no word of its own says "37?" is Russian: the user's Telegram language does
    assert brain.answer("37?", Context(), "ru").text in typed["plain_text"]
    assert brain.answer("37?", Context()).text not in typed["plain_text"]
    ru_menu = [{"command": n, "description": d} for n, d in menu_commands(ru)]
    assert server.commands(language_code="ru") == ru_menu
    assert server.commands() == [
        {"command": n, "description": d} for n, d in menu_commands(brain.speech)
    ]
    assert server.description("ru") == ru.text("bot.description")
    assert server.description("ru", short=True).startswith("Вопросы и ответы")
    assert server.description("kk") == brain.speeches["kk"].text("bot.description")
    assert server.description() == brain.speech.text("bot.description")


async def test_language_switches_to_urdu_and_the_choice_survives_a_restart(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    ur = brain.speeches["ur"]
    async with running(server, brain, store_path):
        server.send_command("language", chat_id=USER, user_id=USER)
        prompt = await server.await_message(USER)
        server.press_button(prompt, text="اردو")
        confirmed = await server.await_message(USER, include_edits=True)
        server.send_command("help", chat_id=USER, user_id=USER)
        help_page = await server.await_message(USER)
        server.send_text("37?", chat_id=USER, user_id=USER)
        typed = await server.await_message(USER)
        server.send_command("start", chat_id=USER, user_id=USER)
        welcome = await server.await_message(USER)
        server.press_button(welcome, text=ur.examples[0])
        tapped = await server.await_message(USER)
    async with running(server, brain, store_path):  # a new Application on the same store
        server.send_command("help", chat_id=USER, user_id=USER)
        after_restart = await server.await_message(USER)

    assert labels(prompt) == [s.profile.native for s in brain.speeches.values()]
    assert prompt["plain_text"] == brain.speech.text("language.prompt")
    assert confirmed["plain_text"] == plain(ur.text("language.chosen", scope=e(ur.term("scope"))))
    assert help_page["plain_text"].startswith(ur.text("help.title"))
    assert ur.text("help.groups") in help_page["plain_text"]
    assert brain.answer("37?", Context(), "ur").text in typed["plain_text"]
    assert labels(welcome) == [*ur.examples, ur.text("button.topics")]
    assert brain.answer(ur.examples[0], Context(), "ur").text in tapped["plain_text"]
    assert after_restart["plain_text"] == help_page["plain_text"]
    assert chat_languages.chosen(Database(store_path), USER) == "ur"


async def test_a_message_in_another_language_is_answered_in_it_and_the_setting_stays(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    ur_question = brain.speeches["ur"].examples[1]
    async with running(server, brain, store_path):
        await choose_language(server, brain, "ru", user_id=USER)
        server.send_text(ur_question, chat_id=USER, user_id=USER)
        urdu = await server.await_message(USER)
        server.send_command("help", chat_id=USER, user_id=USER)
        help_page = await server.await_message(USER)
        server.send_text("37?", chat_id=USER, user_id=USER)
        russian = await server.await_message(USER)

    expected = brain.answer(ur_question, Context(), "ru")
    assert expected.lang == "ur" and expected.text in urdu["plain_text"]
    assert labels(urdu) and all(label in brain.topic_of_ask for label in labels(urdu)[:1])
    assert help_page["plain_text"].startswith(brain.speeches["ru"].text("help.title"))
    assert brain.answer("37?", Context(), "ru").text in russian["plain_text"]
    assert chat_languages.chosen(Database(store_path), USER) == "ru"


async def test_in_groups_only_admins_change_the_language_and_it_moves_with_a_migration(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    admin, member, supergroup = 4001, 4002, -100777
    server.set_chat_admins(GROUP, [admin])
    kk = brain.speeches["kk"]
    async with running(server, brain, store_path):
        server.send_command("language", chat_id=GROUP, chat_type="group", user_id=member)
        prompt = await server.await_message(GROUP)
        press = server.press_button(prompt, text=kk.profile.native, user_id=member)
        refused = await server.await_for(method="answerCallbackQuery")
        before = chat_languages.chosen(Database(store_path), GROUP)
        server.press_button(prompt, text=kk.profile.native, user_id=admin)
        confirmed = await server.await_message(GROUP, include_edits=True)
        server.migrate_chat(GROUP, supergroup)
        await server.await_confirmed()
        server.send_command("help", chat_id=supergroup, chat_type="supergroup", user_id=member)
        help_page = await server.await_message(supergroup)

    assert refused.params["callback_query_id"] == press["callback_query"]["id"]
    assert refused.params["text"] == brain.speech.text("admins_only.language")
    assert before is None
    assert confirmed["plain_text"].startswith("Енді бұл чатта қазақша")
    assert help_page["plain_text"].startswith(kk.text("help.title"))
    db = Database(store_path)
    assert chat_languages.chosen(db, supergroup) == "kk"
    assert chat_languages.chosen(db, GROUP) is None


async def test_inline_mode_answers_in_the_language_of_the_query(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    ru_question = brain.speeches["ru"].examples[1]
    async with running(server, brain, store_path):
        server.inline_query(ru_question, language_code="en")
        typed = await server.await_for(method="answerInlineQuery")
        mark = server.mark()
        server.inline_query("", language_code="kk")
        empty = await server.await_for(method="answerInlineQuery", since=mark)

    first = typed.params["results"][0]
    answer = brain.answer(ru_question, Context())
    assert answer.lang == "ru" and answer.topic is not None
    assert first["title"] == brain.speeches["ru"].ask(answer.topic)
    assert answer.text in plain(first["input_message_content"]["message_text"])
    more = first["reply_markup"]["inline_keyboard"][0][0]["text"]
    assert more == brain.speeches["ru"].text("inline.more")
    kk = brain.speeches["kk"]
    assert [r["title"] for r in empty.params["results"]][: len(kk.examples)] == list(kk.examples)


def test_every_speech_of_the_menu_fits_telegram(brain: Brain) -> None:
    """Telegram refuses a description over 512 characters, a short one over 120, and a
    command description over 256: each language's must fit."""
    for speech in brain.speeches.values():
        assert len(speech.text("bot.description")) <= 512, speech.lang
        short = speech.text("bot.short_description", title=speech.term("title"))
        assert len(short) <= 120, speech.lang
        for _, description in menu_commands(speech):
            assert 1 <= len(description) <= 256
