"""The Telegram experience, issue 10 items 4, 6, 7, 8, end to end over the local Bot API
stand-in: the bot's descriptions, /find and the record's full text, /card (a picture, drawn
once, then Telegram's file_id), and a group's digest changed by its admins only.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot import article, card
from bot.brain import Brain
from bot.notices import Notice
from handlers import article as article_handlers
from knowledge.loading import load_files
from tests.fake_botapi import FakeBotAPI
from tests.test_telegram_languages import choose_language, labels, running

USER = 7373
GROUP, OWNER, MEMBER = -7474, 74, 75
TESTS = Path(__file__).resolve().parent


def bold(message: dict[str, Any]) -> list[str]:
    """The bold words of a message as displayed."""
    text = message["plain_text"]
    return [
        text[e["offset"] : e["offset"] + e["length"]]
        for e in message.get("entities") or []
        if e["type"] == "bold"
    ]


# -- 4. the bot introduces itself ---------------------------------------------------------


async def test_descriptions_are_set_in_every_language_and_a_refusal_only_warns(
    server: FakeBotAPI, brain: Brain, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.fail_next("setMyDescription", status=400, description="Bad Request: not now")
    caplog.set_level(logging.WARNING)
    async with running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER)
        await server.await_message(USER)

    assert server.description() == ""  # the refused one (the default) ...
    assert any("description" in r.getMessage() for r in caplog.records)  # ... only warned
    for speech in brain.speeches.values():
        for code in speech.profile.telegram:
            assert server.description(code) == speech.text("bot.description")
            short = speech.text("bot.short_description", title=speech.term("title"))
            assert server.description(code, short=True) == short
    assert server.description(short=True)  # the default short one went through


# -- 6. the article itself ------------------------------------------------------------------


async def test_find_shows_sentences_with_the_words_in_bold_five_at_a_time(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    en = brain.speech
    every = article.find(brain, ("trade",)).sentences
    assert len(every) > article.SHOWN  # the record says "trade" often enough for "more"
    async with running(server, brain, store_path):
        server.send_command("find", "railway", chat_id=USER, user_id=USER)
        railway = await server.await_message(USER)
        server.send_command("find", "trade", chat_id=USER, user_id=USER)
        first = await server.await_message(USER)
        server.press_button(first, text=en.text("find.more_button"))
        rest = await server.await_message(USER)

    assert "MoU on railway sector cooperation" in railway["plain_text"]
    assert "railway" in bold(railway)
    assert first["plain_text"].count("\u2022") == article.SHOWN
    assert en.text("find.more_left", shown=article.SHOWN, count=len(every)) in first["plain_text"]
    assert {w.lower() for w in bold(first)[1:]} == {"trade"}  # the title, then each "trade"
    assert rest["plain_text"].count("\u2022") == len(every) - article.SHOWN
    assert not labels(rest)  # nothing more after the last


async def test_find_nothing_is_polite_and_says_what_to_try(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    ru = brain.speeches["ru"]
    async with running(server, brain, store_path):
        server.send_command("find", "railwya", chat_id=USER, user_id=USER)
        typo = await server.await_message(USER)
        server.send_command("find", "zqxv <b>", chat_id=USER, user_id=USER)
        nothing = await server.await_message(USER)
        server.send_command("find", chat_id=USER, user_id=USER)
        usage = await server.await_message(USER)
        server.send_command("find", "железная", chat_id=USER, user_id=USER, language_code="ru")
        russian = await server.await_message(USER)

    en = brain.speech
    assert typo["plain_text"].startswith(en.text("find.none", words="railwya"))
    assert "/find railway" in typo["plain_text"]  # the record's spelling, ready to tap
    assert nothing["plain_text"].startswith(en.text("find.none", words="zqxv b"))
    assert "The record is in English" in nothing["plain_text"]  # what to try instead
    assert "/find Tokayev" in usage["plain_text"]  # an example from the record
    assert russian["plain_text"].startswith(ru.text("find.none", words="железная"))
    assert "/find railway" in russian["plain_text"]  # the English word of the same concept


async def test_source_offers_the_full_text_within_telegrams_limits(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with running(server, brain, store_path):
        server.send_command("source", chat_id=USER, user_id=USER)
        page = await server.await_message(USER)
        server.press_button(page, text=brain.speech.text("source.full_button"))
        parts = [await server.await_message(USER)]
        total = len(article.full_text_parts(brain))
        parts += [await server.await_message(USER) for _ in range(total - 1)]

    shown = " ".join(p["plain_text"] for p in parts)
    for paragraph in brain.knowledge.source_text.split("\n"):
        assert paragraph.strip() in shown
    assert all(len(p["plain_text"]) <= 4096 for p in parts)


def test_the_full_text_of_a_long_record_comes_in_parts_cut_between_paragraphs(
    brain: Brain,
) -> None:
    class Long:
        knowledge = type("K", (), {"source_text": "\n\n".join([" ".join(["word"] * 300)] * 12)})()

    parts = article.full_text_parts(Long(), limit=4000)  # type: ignore[arg-type]
    assert len(parts) > 1 and all(len(p) <= 4000 for p in parts)
    assert all(p.startswith("word") and p.endswith("word") for p in parts)


def test_find_quotes_words_so_none_is_an_fts_operator(brain: Brain) -> None:
    assert article.query_words(["NOT", "railway", "OR", '"x"*', "co-operation"]) == (
        "not",
        "railway",
        "or",
        "x",
        "co operation",
    )
    assert article.find(brain, ("not", "railway")).sentences == ()  # searched as words
    assert article.find(brain, ()) == article.Found((), ())


# -- 7. the card ---------------------------------------------------------------------------


async def test_card_is_a_photo_and_the_second_time_telegrams_file_id(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with running(server, brain, store_path):
        server.send_command("card", chat_id=USER, user_id=USER)
        first = await server.await_message(USER)
        server.send_command("about", chat_id=USER, user_id=USER)
        about = await server.await_message(USER)
        server.press_button(about, text=brain.speech.text("card.button"))
        second = await server.await_message(USER)

    sends = server.calls("sendPhoto")
    assert [m["method"] for m in (first, second)] == ["sendPhoto", "sendPhoto"]
    uploaded, again = sends[0].params["photo"], sends[1].params["photo"]
    assert isinstance(uploaded, dict) and uploaded["size"] > 10_000  # a PNG went up once
    assert again == sends[0].result["photo"][-1]["file_id"]  # then only its file_id
    actions = [c.params["action"] for c in server.calls("sendChatAction")]
    assert actions == ["upload_photo"]  # shown while drawing, not for the file_id
    assert brain.speech.term("title") in first["plain_text"]  # the caption


async def test_card_is_drawn_in_the_chats_language(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with running(server, brain, store_path):
        await choose_language(server, brain, "ur", chat_id=USER, user_id=USER)
        server.send_command("card", chat_id=USER, user_id=USER)
        urdu = await server.await_message(USER)
        server.send_command("card", chat_id=USER + 1, user_id=USER + 1)
        english = await server.await_message(USER + 1)

    ur = brain.speeches["ur"]
    assert ur.term("title") in urdu["plain_text"]
    photos = [c.params["photo"] for c in server.calls("sendPhoto")]
    assert all(isinstance(p, dict) for p in photos)  # two languages: two uploads
    assert brain.speech.term("title") in english["plain_text"]


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def test_a_different_record_gives_a_different_card(brain: Brain) -> None:
    other = Brain(load_files(TESTS / "data" / "other_visit" / "record.yaml"))
    ours = card.card_content(brain, brain.speech)
    theirs = card.card_content(other, other.speech)
    assert theirs.title == other.record.visit.title != ours.title
    assert theirs.count == str(other.record.agreements.total)
    assert len(theirs.areas) == len(other.record.agreements.named)
    assert ours.award.startswith("President Tokayev was awarded")
    assert [leader.line for leader in ours.leaders] == [
        card.first_sentence(brain.speech.answer("reliable_partner")),
        card.first_sentence(brain.speech.answer("strategic_partner")),
    ]  # each leader's first key statement
    _, mine = card.card_png(brain, "en")
    _, yours = card.card_png(other, "en")
    assert mine != yours
    assert png_size(mine)[0] == png_size(yours)[0] == card.WIDTH


@pytest.mark.parametrize("lang", ["en", "ur", "ur-Latn", "ru", "kk"])
def test_the_card_is_drawn_in_every_language(brain: Brain, lang: str) -> None:
    drawn, png = card.card_png(brain, lang)
    assert drawn == lang  # this Pillow shapes Urdu (libraqm with FriBiDi)
    width, height = png_size(png)
    assert width == card.WIDTH and 1000 < height < card.MAX_HEIGHT  # nothing was cut
    content = card.card_content(brain, brain.speeches[lang])
    assert content.rtl == (lang == "ur")
    assert content.title == brain.speeches[lang].term("title")


def test_without_text_shaping_the_urdu_card_falls_back_to_english(
    brain: Brain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card, "can_shape", lambda: False)
    assert card.card_language("ur") == "en"
    assert card.card_language("ru") == "ru"
    drawn, png = card.card_png(brain, "ur")
    assert drawn == "en" and png_size(png)[0] == card.WIDTH


def test_a_missing_font_file_still_draws_a_card(
    brain: Brain, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(card, "FONT_DIR", tmp_path)
    card.font.cache_clear()
    try:
        _, png = card.card_png(brain, "kk")
    finally:
        card.font.cache_clear()
    assert png_size(png)[0] == card.WIDTH


# -- 8. a group's digest is its admins' ----------------------------------------------------


async def test_only_group_admins_change_the_groups_digest_with_commands_or_buttons(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    en = brain.speech
    server.set_chat_admins(GROUP, owner=OWNER)
    group = {"chat_id": GROUP, "chat_type": "group"}
    async with running(server, brain, store_path):
        server.send_command("subscribe", "daily 09:00 UTC", user_id=MEMBER, **group)
        refused = await server.await_message(GROUP)
        server.send_command("subscribe", user_id=OWNER, **group)
        prompt = await server.await_message(GROUP)  # the owner's "daily or weekly?"
        press = server.press_button(prompt, text=en.text("digest.button.daily"), user_id=MEMBER)
        query = press["callback_query"]["id"]
        server.send_command("subscription", user_id=MEMBER, **group)  # looking is fine
        looked = await server.await_message(GROUP)
        server.press_button(prompt, text=en.text("digest.button.daily"), user_id=OWNER)
        step = await server.await_message(GROUP, include_edits=True)
        server.send_command("subscribe", "daily 09:00 UTC", user_id=OWNER, **group)
        subscribed = await server.await_message(GROUP)

    assert refused["plain_text"] == en.text("digest.group_admins_only")
    assert server.callback_answer(query) == {
        **(server.callback_answer(query) or {}),
        "text": en.text("digest.group_admins_only"),
        "show_alert": True,
    }
    assert looked["plain_text"].startswith("This group doesn't get digests yet")
    assert step["plain_text"] == en.text("digest.ask_time_daily")  # the owner's press acted
    assert subscribed["plain_text"].startswith("\u2705 This group gets the digest")
    assert "you" not in subscribed["plain_text"].lower().split()


def test_a_notice_to_a_group_speaks_of_the_group(brain: Brain) -> None:
    en, ru = brain.speech, brain.speeches["ru"]
    to_group = Notice(GROUP, "unreadable:", "")
    to_person = Notice(USER, "unreadable:", "")
    assert to_group.say(en).startswith("\u26a0\ufe0f This group's digests are paused")
    assert to_person.say(en).startswith("\u26a0\ufe0f Your digests are paused")
    assert to_group.say(ru) == ru.text("digest.notice.unreadable_group")


def test_example_word_comes_from_the_record(brain: Brain) -> None:
    other = Brain(load_files(TESTS / "data" / "other_visit" / "record.yaml"))
    assert article_handlers.example_word(brain) == "Tokayev"
    assert article_handlers.example_word(other) in other.knowledge.source_text
