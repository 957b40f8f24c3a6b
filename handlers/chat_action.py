"""The "typing…" indicator while a reply takes long enough for a user to wonder.

``async with typing_shown(bot, chat_id):`` around the work of a reply: when it is not done
within ``after`` seconds (0.3 by default), the chat shows "typing…" (or ``action``, e.g.
``ChatAction.UPLOAD_PHOTO`` for a picture) until it is, renewed every few seconds as
Telegram shows an action for five. A quick reply sends nothing. Best effort: a failed
indicator is logged and never costs the reply, and it is never retried.

It shows while the event loop is free: around work that awaits (a picture drawn in a
thread, a reply waiting for the chat's previous one or for Telegram), not around sync work
that holds the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.ratelimit import NO_RETRIES, TelegramLimiter

log = logging.getLogger(__name__)

SHOW_AFTER = 0.3  # seconds: a reply quicker than this needs no indicator
RENEW_EVERY = 4.5  # seconds: Telegram shows an action for about five


@contextlib.asynccontextmanager
async def typing_shown(
    bot: Bot,
    chat_id: int,
    *,
    after: float = SHOW_AFTER,
    action: str = ChatAction.TYPING,
) -> AsyncIterator[None]:
    """Show ``action`` in the chat while the body runs, once it has run ``after`` seconds
    (never for an update with no chat to show it in)."""
    if not chat_id:
        yield
        return
    done = asyncio.Event()
    task = asyncio.create_task(_show_until(bot, chat_id, done, after, action))
    try:
        yield
    finally:
        done.set()
        task.cancel()  # the reply is out: an indicator still on its way is of no use
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _show_until(
    bot: Bot, chat_id: int, done: asyncio.Event, after: float, action: str
) -> None:
    wait = after
    while True:
        try:
            await asyncio.wait_for(done.wait(), timeout=wait)
            return  # the work ended first
        except TimeoutError:
            pass
        try:
            await _send(bot, chat_id, action)
        except TelegramError as error:
            log.info("could not show %s in chat %s: %s", action, chat_id, error)
            return
        wait = RENEW_EVERY


async def _send(bot: Bot, chat_id: int, action: str) -> None:
    """Once, never retried, and not when Telegram's overall limit is nearly used up: a late
    indicator is no use, and it must not take the budget of the replies themselves."""
    if not isinstance(bot, ExtBot) or bot.rate_limiter is None:
        await bot.send_chat_action(chat_id, action)
        return
    limiter = bot.rate_limiter
    if isinstance(limiter, TelegramLimiter) and not limiter.has_room():
        return
    await bot.send_chat_action(chat_id, action, rate_limit_args=NO_RETRIES)
