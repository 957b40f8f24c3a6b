"""Getting around with buttons only, sharing, long answers, quotes and "typing…" (issue 10).

The walks and flows run the real application over real HTTP against the local Bot API
(tests/fake_botapi.py): every button from /start is pressed until nothing new appears, and
every topic the bot knows must have been answered on the way, every answer must offer the
Topics menu, and the menu must lead back to the start.
"""

from __future__ import annotations

import asyncio
from collections import deque
from pathlib import Path
from typing import Any

import pytest

from bot.brain import Brain, Context
from bot.brain.topics import UNKNOWN_KINDS, menu_groups
from bot.formatting import PAGE_CHARS, answer_blocks, html, pages, visible_length
from bot.keyboards import MAX_DATA_BYTES, MENU_ROOT, MENU_START
from bot.ratelimit import TelegramLimiter
from handlers.chat_action import typing_shown
from knowledge.loading import DEFAULT_LANGUAGE, KnowledgeError, load_files
from knowledge.store import open_store
from tests.fake_botapi import FakeBotAPI, parse_html
from tests.test_telegram import bot_running, buttons

USER = 6262
OTHER = Path(__file__).resolve().parent / "data" / "other_visit" / "record.yaml"


def known(brain: Brain) -> set[str]:
    """Every topic the bot knows (not what the record does not say or name)."""
    return {t.id for t in brain.topics.values() if t.kind not in UNKNOWN_KINDS}


# -- the suggestion graph --------------------------------------------------------------------


def _reached(brain: Brain, starts: list[str]) -> set[str]:
    seen, todo = set(starts), list(starts)
    while todo:
        for ask in brain.suggestions_for(brain.topics[todo.pop()]):
            topic = brain.topic_of_ask[ask]
            if topic not in seen:
                seen.add(topic)
                todo.append(topic)
    return seen


def test_suggestions_alone_reach_every_topic_and_no_chain_closes_on_itself(brain: Brain) -> None:
    """From /start's examples, following suggestions reaches every topic the bot knows; and
    from any topic reached, every one is reachable again: no loop of suggestions that only
    offer each other (railway -> transit trade -> maritime -> railway ...)."""
    starts = [brain.answer(q, Context()).topic or "" for q in brain.record.examples]
    everything = _reached(brain, starts)
    assert known(brain) <= everything
    trapped = {t: sorted(known(brain) - _reached(brain, [t])) for t in sorted(everything)}
    assert not {t: missed for t, missed in trapped.items() if missed}


def test_every_reply_offers_three_suggestions_its_own_next_first(brain: Brain) -> None:
    """A topic lists one or two `next` questions; the reply fills up to three with theirs
    (breadth first), never offering its own question, so a user always has three buttons."""
    for topic in brain.topics.values():
        offered = brain.suggestions_for(topic)
        own = [brain.topics[n].ask for n in topic.next if n in brain.topics][:3]
        assert list(offered[: len(own)]) == own, topic.id
        assert len(offered) == len(set(offered)) == 3, (topic.id, offered)
        assert topic.ask not in offered, topic.id


def test_the_topics_menu_is_the_record_s_data_and_holds_everything_known(brain: Brain) -> None:
    assert [g.id for g in brain.menu] == [g.id for g in brain.record.menu]
    in_menu = {t for g in brain.menu for t in g.topics}
    assert in_menu == known(brain)
    for group in brain.menu:
        for speech in brain.speeches.values():
            assert speech.term(group.label) != group.label, (speech.lang, group.id)
        assert len(f"t:g.{group.id}".encode()) <= MAX_DATA_BYTES


def test_a_record_without_a_menu_gets_one_from_its_sections(tmp_path: Path) -> None:
    store = open_store(tmp_path / "other.db", OTHER, DEFAULT_LANGUAGE)
    other = Brain(store.knowledge, store)
    assert not other.record.menu
    groups = menu_groups(other.record, other.topics)
    assert {t for g in groups for t in g.topics} == known(other)
    assert all(other.speech.term(g.label) != g.label for g in groups)


def test_a_menu_naming_an_unknown_topic_is_refused(tmp_path: Path) -> None:
    text = OTHER.read_text(encoding="utf-8")
    text += "\nmenu:\n  - id: things\n    label: Things\n    topics: [no_such_topic]\n"
    broken = tmp_path / "record.yaml"
    broken.write_text(text, encoding="utf-8")
    source = OTHER.parent / "source.txt"
    (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"menu\.0\.topics.*no_such_topic"):
        load_files(broken, DEFAULT_LANGUAGE)


# -- quotes and pages --------------------------------------------------------------------------


def test_a_quote_shows_only_what_the_answer_does_not_say(brain: Brain) -> None:
    railway = brain.answer_topic("railway")
    assert railway.sources and railway.quotes == ("",)  # a list fragment: it is the answer
    assert "\U0001f4c4" not in parse_html(html(railway, brain.speech))[0]
    said = brain.answer_topic("sharif_said")  # its sources are what it says
    assert not any(said.quotes)
    date = brain.answer_topic("visit_date")  # the dateline adds the context of the day
    assert date.quotes == (date.sources[0],)


def test_a_multi_part_answer_shows_the_source_of_each_part(brain: Brain) -> None:
    answer = brain.answer("when was the visit? why was it historic?", Context())
    assert answer.intent == "multi" and len(answer.quotes) == 2 and all(answer.quotes)
    text = parse_html(html(answer, brain.speech))[0]
    first, second = text.split("\n\n")[0:2], text.split("\n\n")[2:4]
    assert answer.quotes[0] in first[1] and answer.quotes[1] in second[1]


def test_lists_are_bullet_lines_in_every_language(brain: Brain) -> None:
    for speech in brain.speeches.values():
        for topic in ("agreements_named", "sharif_said", "tokayev_said", "leaders_said"):
            text = speech.answer(topic)
            assert text.count("\n\u2022 ") + text.startswith("\u2022 ") >= 2, (speech.lang, topic)
            assert ";\n" not in text and "; " not in text.split("\n")[0][-3:]


def test_a_long_answer_is_cut_between_lines_into_phone_sized_pages(brain: Brain) -> None:
    answer = brain.answer_topic("sharif_said")
    blocks = answer_blocks(answer, brain.speech, heading=brain.speech.ask("sharif_said"))
    cut = pages(blocks)
    assert len(cut) >= 2
    assert all(visible_length(p) <= PAGE_CHARS for p in cut)
    seen = "\n".join(parse_html(p)[0] for p in cut)
    assert all(line.strip() in seen for line in answer.text.split("\n"))
    short = brain.answer_topic("railway")
    assert len(pages(answer_blocks(short, brain.speech))) == 1


def test_no_page_is_a_heading_alone_or_a_stray_line(brain: Brain) -> None:
    """Every topic in every language, asked by its button: the first page has more than the
    question, and no "More" brings a few words only."""
    for speech in brain.speeches.values():
        for topic in brain.topics:
            answer = brain.answer_topic(topic, Context(), speech.lang)
            ask = speech.ask(topic)
            cut = pages(answer_blocks(answer, speech, heading=ask), heading=True)
            assert visible_length(cut[0]) > len(ask) + 2, (speech.lang, topic)
            if len(cut) > 1:
                assert min(visible_length(p) for p in cut) >= PAGE_CHARS // 4, (speech.lang, topic)


# -- over the Bot API ----------------------------------------------------------------------------


def _data(message: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for b in buttons(message) if "callback_data" in b]


async def _press(
    server: FakeBotAPI, message: dict[str, Any], data: str, *, strict: bool = True
) -> dict[str, Any]:
    server.press_button(message, data, strict=strict)
    reply = await server.await_message(USER, include_edits=True)
    if data.startswith("p:"):  # the page's buttons go, then the next page comes
        assert reply["method"] == "editMessageReplyMarkup" and not buttons(reply)
        reply = await server.await_message(USER, include_edits=True)
    return reply


async def test_every_button_from_start_reaches_every_topic_and_the_start_again(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """Press every button (suggestions, the Topics menu and its groups, More, examples)
    breadth first from /start. Every known topic is answered on the way; every answer offers
    the Topics menu, whose "Start" shows the welcome again."""
    answered: set[str] = set()
    without_way_out: list[str] = []
    welcomes = 0
    async with bot_running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER)
        welcome = await server.await_message(USER)
        pressed: set[str] = set()
        queue = deque([welcome])
        while queue:
            message = queue.popleft()
            # "More" last: it takes the buttons off its page. A menu changes in place, so
            # its other buttons are pressed as on the menu opened again (not strict).
            for data in sorted(_data(message), key=lambda d: d.startswith("p:")):
                if data in pressed or data.startswith(("s:", "v:")):  # sources, votes: no way on
                    continue
                pressed.add(data)
                menu = any(d.startswith("t:") and d != MENU_ROOT for d in _data(message))
                reply = await _press(server, message, data, strict=not menu)
                if data.startswith("a:t."):
                    answered.add(data.removeprefix("a:t."))
                if data.startswith(("a:", "d:", "p:")) and MENU_ROOT not in _data(reply):
                    without_way_out.append(data)
                if data == MENU_START:
                    welcomes += reply["plain_text"] == welcome["plain_text"]
                queue.append(reply)
            assert len(pressed) < 400  # bounded: button data repeat, the walk ends

    assert known(brain) <= answered, sorted(known(brain) - answered)
    assert without_way_out == []
    assert welcomes == 1 and MENU_START in pressed


async def test_topics_from_an_answer_opens_the_menu_and_start_comes_back(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_command("start", chat_id=USER, user_id=USER)
        welcome = await server.await_message(USER)
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        answer = await server.await_message(USER)
        menu = await _press(server, answer, MENU_ROOT)
        group = await _press(server, menu, "t:g.agreements")
        back = await _press(server, group, "t:back")
        start = await _press(server, back, MENU_START)
        topic = await _press(server, group, "a:t.prisoners", strict=False)  # menu reopened

    assert menu["method"] == "sendMessage" and menu["message_id"] != answer["message_id"]
    assert menu["plain_text"] == brain.speech.text("topics.title")
    assert [b["text"] for b in buttons(menu)][:2] == [
        brain.speech.term(g.label) for g in brain.menu[:2]
    ]
    assert group["method"] == "editMessageText" and group["message_id"] == menu["message_id"]
    agreements = next(g for g in brain.menu if g.id == "agreements")
    assert _data(group) == [*(f"a:t.{t}" for t in agreements.topics), "t:back"]
    assert back["plain_text"] == menu["plain_text"] and _data(back) == _data(menu)
    assert start["plain_text"] == welcome["plain_text"]
    assert brain.speech.answer("prisoners") in topic["plain_text"]


async def test_share_puts_the_question_in_inline_mode_which_answers_it(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    async with bot_running(server, brain, store_path):
        server.send_text("railwya deel??", chat_id=USER, user_id=USER)
        answer = await server.await_message(USER)
        share = next(b for b in buttons(answer) if "switch_inline_query" in b)
        update = server.inline_query(share["switch_inline_query"])
        call = await server.await_for(method="answerInlineQuery")
        server.send_text("hello", chat_id=USER, user_id=USER)
        greeting = await server.await_message(USER)

    assert share["text"] == brain.speech.text("button.share")
    assert share["switch_inline_query"] == brain.speech.ask("railway")
    assert call.params["inline_query_id"] == update["inline_query"]["id"]
    assert call.params["results"][0]["id"] == "railway"
    assert not any("switch_inline_query" in b for b in buttons(greeting))  # nothing to share
    assert MENU_ROOT in _data(greeting)


async def test_share_of_a_russian_answer_shares_the_russian_question(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    ru = brain.speeches["ru"]
    async with bot_running(server, brain, store_path):
        server.send_text("Сколько подписано соглашений?", chat_id=USER, user_id=USER)
        answer = await server.await_message(USER)
    share = next(b for b in buttons(answer) if "switch_inline_query" in b)
    assert share["text"] == ru.text("button.share")
    assert share["switch_inline_query"] == ru.ask("agreements_count")


async def test_a_long_answer_shows_its_first_part_and_more_brings_the_rest(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    question = "What did Sharif say?"
    full = brain.answer(question, Context())
    assert len(full.text) > PAGE_CHARS
    async with bot_running(server, brain, store_path):
        server.send_text(question, chat_id=USER, user_id=USER)
        first = await server.await_message(USER)
        more = _data(first)[0]
        server.press_button(first, more)
        rest = [await server.await_message(USER, include_edits=True)]
        while rest[-1]["method"] != "sendMessage" or _data(rest[-1])[0].startswith("p:"):
            if rest[-1]["method"] == "sendMessage":
                server.press_button(rest[-1], _data(rest[-1])[0])
            rest.append(await server.await_message(USER, include_edits=True))
            assert len(rest) < 10
        stale = server.press_button(first, "p:m.999", strict=False)
        expired = await server.await_for(
            lambda c: c.params.get("callback_query_id") == stale["callback_query"]["id"],
            method="answerCallbackQuery",
        )

    assert len(first["plain_text"]) <= PAGE_CHARS
    assert more.startswith("p:") and buttons(first)[0]["text"] == brain.speech.text("button.more")
    assert MENU_ROOT in _data(first)  # the way out is there before "More" is pressed
    pages_sent = [first] + [m for m in rest if m["method"] == "sendMessage"]
    shown = "\n".join(m["plain_text"] for m in pages_sent)
    assert all(line in shown for line in full.text.split("\n"))
    edits = [m for m in rest if m["method"] != "sendMessage"]
    assert edits and all(not buttons(m) for m in edits)  # the buttons move to the next page
    last = pages_sent[-1]
    assert [b["text"] for b in buttons(last)][: len(full.suggestions)] == list(full.suggestions)
    assert MENU_ROOT in _data(last)
    assert expired.params.get("text") == brain.speech.text("button.expired")


# -- "typing…" -------------------------------------------------------------------------------


async def test_an_answer_that_waits_shows_typing_and_a_quick_one_does_not(
    server: FakeBotAPI, brain: Brain, store_path: Path
) -> None:
    """The second of two quick questions waits for the first answer (Telegram is slow to
    confirm it): the chat shows "typing…" meanwhile, before the second answer."""
    async with bot_running(server, brain, store_path) as app:
        server.delay_next("sendMessage", 0.8)
        server.send_text("how many agreements?", chat_id=USER, user_id=USER)
        server.send_text("and the railway?", chat_id=USER, user_id=USER)
        await server.await_message(USER)
        await server.await_message(USER)
        before = len(server.calls("sendChatAction"))
        async with typing_shown(app.bot, USER):
            pass  # done at once: no indicator
        quick = len(server.calls("sendChatAction"))
        async with typing_shown(app.bot, USER):
            await asyncio.sleep(0.6)  # work that awaits, such as drawing a card
        slow = len(server.calls("sendChatAction"))

    calls = [(c.method, c.params) for c in server.calls() if c.method != "getUpdates"]
    answers = [i for i, (m, _) in enumerate(calls) if m == "sendMessage"]
    typing = [i for i, (m, _) in enumerate(calls) if m == "sendChatAction"]
    assert len(answers) == 2 and typing and typing[0] < answers[1]
    assert all(calls[i][1]["action"] == "typing" for i in typing)
    assert quick == before and slow == before + 1


async def test_typing_gives_way_when_telegram_s_overall_budget_is_used() -> None:
    """The indicator is an extra: it is not sent when a reply would have to wait for it."""
    limiter = TelegramLimiter(overall_per_second=1)
    assert limiter.has_room()

    async def sent() -> bool:
        return True

    await limiter.process_request(sent, (), {}, "sendMessage", {"chat_id": USER}, None)
    assert not limiter.has_room()
