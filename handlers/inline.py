"""Inline mode: ``@bot railway`` in any chat offers answers to share there.

Each result is one answer (the question in bold, the answer, its source quote) with a link
button that opens the bot on the same topic. Inline queries are not conversations: every
answer is given with a fresh Context.
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
from bot.formatting import html
from handlers.common import CallbackCtx, services

MAX_RESULTS = 8  # Telegram allows 50; a phone screen shows a handful
CACHE_SECONDS = 300  # the record does not change while the bot runs


def _result_id(answer: Answer, title: str) -> str:
    return answer.topic or hashlib.sha1(title.encode("utf-8")).hexdigest()[:20]


def _article(answer: Answer, title: str, username: str | None) -> InlineQueryResultArticle:
    heading = title
    markup = None
    if answer.topic and username:
        link = f"https://t.me/{username}?start={answer.topic}"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ask the bot more", url=link)]])
    description = answer.text if len(answer.text) <= 120 else answer.text[:119] + "\u2026"
    return InlineQueryResultArticle(
        id=_result_id(answer, title),
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(html(answer, heading=heading)),
        reply_markup=markup,
    )


def inline_results(
    brain: Brain, query: str, username: str | None
) -> list[InlineQueryResultArticle]:
    """The answer to the query first (unless it is a decline), then the questions that go
    with it; an empty query offers the record's example questions."""
    asked: list[tuple[str, Answer]] = []
    if query:
        answer = brain.answer(query, Context())
        if answer.answered or answer.topic:
            topic = brain.topics.get(answer.topic or "")
            title = topic.ask if topic is not None else query
            asked.append((title, answer))
        follow = answer.candidates or answer.suggestions
    else:
        follow = tuple(brain.record.examples)
    asked += [(q, brain.answer(q, Context())) for q in follow]
    results: dict[str, InlineQueryResultArticle] = {}
    for title, answer in asked:
        article = _article(answer, title, username)
        results.setdefault(article.id, article)
    return list(results.values())[:MAX_RESULTS]


async def inline_query(update: Update, context: CallbackCtx) -> None:
    query = update.inline_query
    if query is None:
        return
    results = inline_results(services(context).brain, query.query.strip(), context.bot.username)
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)
