"""Inline mode: ``@bot railway`` in any chat offers answers to share there.

Each result is one answer (the question in bold, the answer, its source quote) with a link
button that opens the bot on the same topic. Inline queries are not conversations: every
answer is given with a fresh Context. They are answered in the language of the query (its
script and words), else in the sender's app's language (``language_code``).
"""

from __future__ import annotations

import hashlib

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)

from bot.answer import Answer
from bot.brain import Brain, Context
from bot.brain.speech import ENGLISH, Speech
from bot.chat_languages import from_telegram
from bot.formatting import html
from handlers.common import CallbackCtx, profiles, services

MAX_RESULTS = 8  # Telegram allows 50; a phone screen shows a handful
CACHE_SECONDS = 300  # the record does not change while the bot runs


def _result_id(answer: Answer, title: str) -> str:
    """The topic's id (with its language when not English), else a hash of the title."""
    if answer.topic:
        return answer.topic if answer.lang == ENGLISH else f"{answer.topic}.{answer.lang}"
    return hashlib.sha1(title.encode("utf-8")).hexdigest()[:20]


def _article(
    answer: Answer, title: str, username: str | None, speech: Speech
) -> InlineQueryResultArticle:
    markup = None
    if answer.topic and username:
        link = f"https://t.me/{username}?start={answer.topic}"
        label = speech.text("inline.more")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, url=link)]])
    description = answer.text if len(answer.text) <= 120 else answer.text[:119] + "\u2026"
    return InlineQueryResultArticle(
        id=_result_id(answer, title),
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(html(answer, speech, heading=title)),
        reply_markup=markup,
    )


def inline_results(
    brain: Brain, query: str, username: str | None, lang: str | None = None
) -> list[InlineQueryResultArticle]:
    """The answer to the query first (unless it is a decline), then the questions that go
    with it; an empty query offers the record's example questions. All in the query's
    language when it tells, else in ``lang`` (the sender's app's language), else English."""
    speaking = brain.detector.choose(query, lang) if query else lang or brain.speech.lang
    asked: list[tuple[str, Answer]] = []
    if query:
        answer = brain.answer(query, Context(), speaking)
        if answer.answered or answer.topic:
            speech = brain.speeches.get(answer.lang, brain.speech)
            topic = answer.topic if answer.topic in brain.topics else None
            title = speech.ask(topic) if topic is not None else query
            asked.append((title, answer))
        follow = answer.candidates or answer.suggestions
    else:
        follow = brain.speeches.get(speaking, brain.speech).examples
    asked += [(q, brain.tap(q, Context(), speaking)) for q in follow]
    results: dict[str, InlineQueryResultArticle] = {}
    for title, answer in asked:
        speech = brain.speeches.get(answer.lang, brain.speech)
        article = _article(answer, title, username, speech)
        results.setdefault(article.id, article)
    return list(results.values())[:MAX_RESULTS]


async def inline_query(update: Update, context: CallbackCtx) -> None:
    query = update.inline_query
    if query is None:
        return
    brain = services(context).brain
    lang = from_telegram(query.from_user.language_code, profiles(brain))
    results = inline_results(brain, query.query.strip(), context.bot.username, lang)
    await query.answer(
        results, cache_time=CACHE_SECONDS, is_personal=True
    )  # a user's language_code counts
