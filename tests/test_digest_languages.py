"""Digests and subscriptions in the subscriber's language (issue 9).

English fixed text is found by its fragments: every piece of an English ``digest.*`` text
between its {slots} and tags that still has an English word once commands, zone names and
UTC offsets are taken out ("Next one", "Areas the record names", "Daily"). A text said in
Urdu, Roman Urdu, Russian or Kazakh must contain none of them; source quotes (the expandable
quote blocks, labelled as the original English) and names are aside.
"""

from __future__ import annotations

import datetime as dtm
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot import chat_languages, delivery, subscriptions
from bot import digest as compose
from bot.brain import Brain
from bot.brain.speech import Speech, slots
from bot.subscriptions import Schedule, Vocabulary, parse_schedule
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD, Knowledge, load_files
from tests.fake_botapi import FakeBotAPI, parse_html
from tests.test_digest_bot import Clock, buttons, digest_bot, edited, slot_jobs
from tests.test_digest_units import record_with_updates

UTC = dtm.UTC
OTHERS = ("ur", "ur-Latn", "ru", "kk")
# Names a language spells as English does (Roman Urdu's months, "Pakistan").
NAME_KEYS = re.compile(r"digest\.(zone|month)\.")
# Urdu lines that never begin a message (inside a digest or /stats, or filled into one).
URDU_INNER = {
    "digest.agreements", "digest.areas", "digest.target", "digest.context",
    "digest.statements", "digest.speaker", "digest.latest_updates", "digest.updates",
    "digest.new_since", "digest.brief", "digest.areas_named", "digest.header_place",
    "digest.stats.digests", "digest.stats.questions", "digest.stats.top", "digest.bullet",
    "digest.area_group", "digest.update", "digest.source_quote", "digest.source_named",
}  # fmt: skip
URDU_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
NOT_ENGLISH = re.compile(
    r"/\w+|@\w*|\b[A-Z][a-z]+/[A-Za-z_/]+\b|\bUTC(?:[+-]\d+)?|\bHH:MM\b|\be\.g\b"
)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_files()


@pytest.fixture(scope="module")
def speeches(knowledge: Knowledge) -> dict[str, Speech]:
    return compose.speeches(knowledge)


def _fragments(text: str) -> list[str]:
    pieces = re.split(r"\{[^{}]*\}|<[^>]+>|\n", text)
    trimmed = (re.sub(r"^[\W_]+|[\W_]+$", "", p) for p in pieces)
    return [p for p in trimmed if re.search(r"[A-Za-z]{2,}", NOT_ENGLISH.sub(" ", p))]


def english_fragments(knowledge: Knowledge, lang: str) -> set[str]:
    """The English fixed text of digests that ``lang`` must never show."""
    english = knowledge.languages["en"].texts
    theirs = knowledge.languages[lang].texts
    found: set[str] = set()
    names: set[str] = set()
    for key, text in english.items():
        if not key.startswith("digest.") or key.startswith("digest.words."):
            continue
        if NAME_KEYS.match(key) and theirs.get(key) == text:
            names.add(text)
            continue
        found.update(_fragments(text))
    return found - names


def english_in(text: str, fragments: set[str]) -> list[str]:
    return sorted(
        f for f in fragments if re.search(rf"(?<![A-Za-z]){re.escape(f)}(?![A-Za-z])", text)
    )


def without_sources(html: str) -> str:
    """The message as read, without the quote blocks of original English sources."""
    return parse_html(re.sub(r"<blockquote expandable>.*?</blockquote>", "", html, flags=re.S))[0]


def sample(template: str) -> dict[str, object]:
    return {name: 7 if name in ("count", "n", "total", "day", "year") else "X"
            for name in slots(template)}  # fmt: skip


# -- the texts --------------------------------------------------------------------------


def test_the_english_check_finds_english(knowledge: Knowledge, speeches: dict[str, Speech]) -> None:
    """The check itself: English said where Russian should be is caught."""
    fragments = english_fragments(knowledge, "ru")
    english = speeches["en"]
    assert {"Next one", "Areas the record names", "Daily", "Sources"} <= fragments
    assert english_in(english.text("digest.ask_frequency"), fragments)
    assert english_in(english.text("digest.typed_hint"), fragments)
    assert not english_in(speeches["ru"].text("digest.typed_hint"), fragments)


@pytest.mark.parametrize("lang", OTHERS)
def test_every_digest_text_exists_in_the_language_with_no_english_in_it(
    knowledge: Knowledge, speeches: dict[str, Speech], lang: str
) -> None:
    english = {k: v for k, v in knowledge.languages["en"].texts.items() if k.startswith("digest.")}
    theirs = knowledge.languages[lang].texts
    fragments = english_fragments(knowledge, lang)
    assert set(english) <= set(theirs), sorted(set(english) - set(theirs))
    found: dict[str, list[str]] = {}
    for key, template in english.items():
        assert slots(theirs[key]) == slots(template), key
        said = speeches[lang].text(key, **sample(template))
        assert "{" not in said, key
        if not key.startswith("digest.words.") and (wrong := english_in(said, fragments)):
            found[key] = wrong
    assert found == {}


def test_urdu_texts_start_with_an_urdu_letter(knowledge: Knowledge) -> None:
    """Telegram sets a paragraph's direction by its first strong letter."""
    wrong = [
        key
        for key, text in knowledge.languages["ur"].texts.items()
        if key.startswith("digest.")
        and key not in URDU_INNER
        and not text.startswith("{")
        and re.search(r"[^\W\d_]", text)  # no letter at all: "{n}× {question}"
        and not URDU_LETTER.match(text)
    ]
    assert wrong == []


def test_typed_subscribe_words_of_every_language_are_read_and_none_is_ambiguous(
    knowledge: Knowledge,
) -> None:
    vocabulary = Vocabulary.of(knowledge.languages.values())
    listed = {
        " ".join(w.lower().split())
        for pack in knowledge.languages.values()
        for key, text in pack.texts.items()
        if key.startswith("digest.words.")
        for w in text.split(",")
        if w.strip()
    }
    assert listed - set(vocabulary.meanings) == set()  # a word two meanings claim is lost
    cases = {
        "еженедельно пятница 18:30 Asia/Almaty": Schedule("weekly", dtm.time(18, 30), "Asia/Almaty", 4),  # noqa: E501
        "ежедневно в 7:00 алматы": Schedule("daily", dtm.time(7), "Asia/Almaty"),
        "апта сайын жұма сағат 18:30": Schedule("weekly", dtm.time(18, 30), "UTC", 4),
        "күн сайын 09:00 Asia/Karachi": Schedule("daily", dtm.time(9), "Asia/Karachi"),
        "ہفتہ وار جمعہ ۱۸:۳۰ کراچی": Schedule("weekly", dtm.time(18, 30), "Asia/Karachi", 4),
        "روزانہ 9 بجے": Schedule("daily", dtm.time(9), "UTC"),
        "har hafte juma 6:30pm lahore": Schedule("weekly", dtm.time(18, 30), "Asia/Karachi", 4),
        "rozana 21:00": Schedule("daily", dtm.time(21), "UTC"),
    }  # fmt: skip
    for typed, expected in cases.items():
        assert parse_schedule(typed.split(), "UTC", vocabulary).schedule == expected, typed


# -- digests ----------------------------------------------------------------------------


def with_updates_and_translations(tmp_path: Path) -> Knowledge:
    """The record with made-up updates, its translations beside it (none translates them)."""
    path = record_with_updates(tmp_path)
    for translation in DEFAULT_RECORD.parent.glob(f"{DEFAULT_RECORD.stem}.*.yaml"):
        code = translation.name[len(DEFAULT_RECORD.stem) + 1 : -len(".yaml")]
        shutil.copy(translation, tmp_path / f"{path.stem}.{code}.yaml")
    return load_files(path, DEFAULT_LANGUAGE)


@pytest.mark.parametrize("lang", OTHERS)
def test_digests_are_composed_in_the_language_with_sources_labelled_as_the_english_original(
    knowledge: Knowledge, speeches: dict[str, Speech], tmp_path: Path, lang: str
) -> None:
    grown = with_updates_and_translations(tmp_path)
    grown_speech = compose.speeches(grown)[lang]
    record, speech = knowledge.record, speeches[lang]
    digests = [
        compose.on_demand(record, speech),
        compose.personal(record, "scheduled", [], None, speech),
        compose.nothing_new(record, dtm.date(2025, 2, 5), speech),
        compose.on_demand(grown.record, grown_speech),
        compose.personal(grown.record, "broadcast", grown.record.updates, dtm.date(2025, 3, 1),
                         grown_speech),
    ]  # fmt: skip
    fragments = english_fragments(knowledge, lang)
    for digest in digests:
        parts = digest.html_parts()
        text = "\n".join(without_sources(p) for p in parts)
        for update in grown.record.updates:  # untranslated: English, labelled as such
            if update.text in text:
                assert speech.text("digest.original", text=update.text) in text
                text = text.replace(update.text, "")
        assert english_in(text, fragments) == []
        if lang == "ur":
            assert all(URDU_LETTER.match(parse_html(p)[0]) for p in parts)
    full = "\n".join(parse_html(p)[0] for p in digests[0].html_parts())
    assert speech.term("title") in full and speech.term("area_short.railway") in full
    assert all(q in full for q in record.visit.sources)  # the quotes stay as the record has them


# -- on Telegram --------------------------------------------------------------------------


KK, RU, UR_STORED, NOBODY = 7101, 7102, 7103, 7104


async def test_each_subscriber_gets_the_scheduled_digest_in_their_language(
    server: FakeBotAPI, brain: Brain, store_path: Path, knowledge: Knowledge
) -> None:
    """A Kazakh subscriber (chose kk) gets a Kazakh digest with no English fixed text; a
    Russian one Russian; one who never chose, the language stored when subscribing; one
    with neither, English."""
    db = Database(store_path)
    at = dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC)
    schedule = Schedule("daily", dtm.time(9), "Asia/Karachi")
    for chat, lang in ((KK, None), (RU, "en"), (UR_STORED, "ur"), (NOBODY, None)):
        subscriptions.subscribe(db, chat, chat, schedule, at, lang)
    chat_languages.choose(db, KK, "kk", at)
    chat_languages.choose(db, RU, "ru", at)  # the choice wins over what was stored
    clock = Clock(dtm.datetime(2025, 2, 5, 3, 59, 59, tzinfo=UTC))
    clock.follow_real(clock.at)  # 08:59:59 in Karachi, and ticking
    got: dict[int, list[dict[str, Any]]] = {}
    async with digest_bot(server, brain, store_path, clock):
        for chat in (KK, RU, UR_STORED, NOBODY):
            first = await server.await_message(chat, timeout=10)
            got[chat] = [first]
            while "/unsubscribe" not in got[chat][-1]["text"]:
                got[chat].append(await server.await_message(chat))

    def read(chat: int) -> str:
        return "\n".join(without_sources(m["text"]) for m in got[chat])

    kazakh = read(KK)
    assert brain.speeches["kk"].term("title") in kazakh
    assert brain.speeches["kk"].text("digest.brief").strip("<b>/") in kazakh
    assert english_in(kazakh, english_fragments(knowledge, "kk")) == []
    assert not re.search(r"[A-Za-z]{4,}", kazakh.replace("/subscription", "").replace(
        "/unsubscribe", "").replace("/digest", ""))  # fmt: skip
    assert brain.speeches["ru"].term("title") in read(RU)
    assert english_in(read(RU), english_fragments(knowledge, "ru")) == []
    assert URDU_LETTER.match(got[UR_STORED][0]["plain_text"])
    assert english_in(read(UR_STORED), english_fragments(knowledge, "ur")) == []
    assert brain.record.visit.title in read(NOBODY)
    rows = db.execute(f"SELECT chat_id, state FROM {delivery.TABLE} ORDER BY chat_id").fetchall()
    assert rows == [(KK, "sent"), (RU, "sent"), (UR_STORED, "sent"), (NOBODY, "sent")]


RU_USER = 7201


async def test_the_subscribe_flow_in_russian_end_to_end(
    server: FakeBotAPI, brain: Brain, store_path: Path, knowledge: Knowledge
) -> None:
    """A user whose Telegram speaks Russian: buttons, a typed schedule in Russian words,
    /subscription and /unsubscribe, all in Russian; the language is stored with the
    subscription for the digests."""
    ru = brain.speeches["ru"]
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))  # a Tuesday
    said: list[dict[str, Any]] = []
    who = {"chat_id": RU_USER, "user_id": RU_USER, "language_code": "ru"}
    async with digest_bot(server, brain, store_path, clock) as app:
        server.send_command("subscribe", **who)
        step = await server.await_message(RU_USER)
        said.append(step)
        for label in ("Еженедельно", "пт", "18:00", "Казахстан (Asia/Almaty)"):
            server.press_button(step, buttons(step)[label])
            step = await edited(server, RU_USER)
            said.append(step)
        stored = subscriptions.get(Database(store_path), RU_USER)
        jobs = slot_jobs(app)
        server.send_command("subscription", **who)
        said.append(shown := await server.await_message(RU_USER))
        server.send_command("subscribe", "ежедневно в 7:30 карачи", **who)
        said.append(typed := await server.await_message(RU_USER))
        server.send_command("subscribe", "ежечасно 25:00", **who)
        said.append(wrong := await server.await_message(RU_USER))
        server.send_command("unsubscribe", **who)
        said.append(stopped := await server.await_message(RU_USER))

    assert said[0]["plain_text"].startswith(ru.text("digest.ask_frequency"))
    assert set(buttons(said[0])) == {"Ежедневно", "Еженедельно", "Отмена"}
    assert said[1]["plain_text"] == ru.text("digest.ask_day")
    assert said[2]["plain_text"] == "Еженедельно по пятницам: в какое время?"
    assert "Пакистан (Asia/Karachi)" in buttons(said[3])
    confirmed = said[4]["plain_text"]
    assert "еженедельно по пятницам в 18:00 (Asia/Almaty)" in confirmed
    assert "Следующая: пт, 7 февраля, 18:00" in confirmed
    assert stored is not None and stored.lang == "ru"
    assert stored.schedule == Schedule("weekly", dtm.time(18), "Asia/Almaty", 4)
    assert jobs == ["digest:slot:2025-02-07T13:00Z"]
    assert set(buttons(shown)) == {"Изменить", "Отписаться"}
    assert "ежедневно в 07:30 (Asia/Karachi)" in typed["plain_text"]
    assert "«ежечасно»" in wrong["plain_text"] and "«25:00»" in wrong["plain_text"]
    assert stopped["plain_text"] == ru.text("digest.unsubscribed")
    fragments = english_fragments(knowledge, "ru")
    for message in said:
        assert english_in(message["plain_text"], fragments) == [], message["plain_text"]
        assert english_in(" ".join(buttons(message) if message.get("reply_markup") else ()),
                          fragments) == []  # fmt: skip


UR_CHAT = 7301


async def test_an_urdu_chat_reads_digest_and_subscription_right_to_left(
    server: FakeBotAPI, brain: Brain, store_path: Path, knowledge: Knowledge
) -> None:
    """Every message and button to a chat that chose Urdu starts with an Urdu letter."""
    chat_languages.choose(Database(store_path), UR_CHAT, "ur", dtm.datetime.now(UTC))
    clock = Clock(dtm.datetime(2025, 2, 4, 10, 0, tzinfo=UTC))
    said: list[dict[str, Any]] = []
    who = {"chat_id": UR_CHAT, "user_id": UR_CHAT}  # Telegram says English: the choice wins
    async with digest_bot(server, brain, store_path, clock):
        server.send_command("digest", **who)
        said.append(await server.await_message(UR_CHAT))
        said.append(await server.await_message(UR_CHAT))
        server.send_command("subscribe", "روزانہ 9 بجے کراچی", **who)
        said.append(await server.await_message(UR_CHAT))
        server.send_command("subscription", **who)
        said.append(await server.await_message(UR_CHAT))
    fragments = english_fragments(knowledge, "ur")
    for message in said:
        assert URDU_LETTER.match(message["plain_text"]), message["plain_text"][:40]
        assert english_in(without_sources(message["text"]), fragments) == []
        for label in buttons(message) if message.get("reply_markup") else ():
            assert URDU_LETTER.match(label), label
    assert "روزانہ 09:00 بجے" in said[2]["plain_text"]
