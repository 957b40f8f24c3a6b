"""``visitbot digest [show|send] [--html]``: the digest from a terminal.

``show`` prints the on-demand digest (plain text, or the Telegram HTML messages with
``--html``). ``send`` runs the due deliveries once, exactly as the bot's timers do: resume an
interrupted run, plan the slots that are due, send everything pending, print what happened.
It can run next to the bot: the delivery lease lets only one of them send at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database

    from knowledge.loading import Knowledge

SEPARATOR = "\n\u2500\u2500\u2500\u2500\u2500 next message \u2500\u2500\u2500\u2500\u2500\n"
BUSY = 3  # exit code: another process is delivering


def digest_command(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.store import open_store

    store = open_store(settings.store_path, settings.record_path, settings.language_path)
    if store.warning:
        print(f"visitbot: warning: using the last good store: {store.warning}", file=sys.stderr)
    try:
        if args.action == "send":
            return asyncio.run(_send(settings, store.db, store.knowledge))
        from bot.digest import on_demand

        found = on_demand(store.knowledge.record)
        print(SEPARATOR.join(found.html_parts()) if args.html else found.plain())
        return 0
    finally:
        store.close()


async def _send(settings: Settings, db: Database, knowledge: Knowledge) -> int:
    """Deliver what is due, each chat's digest in its language (as the bot does)."""
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.delivery import Broadcaster, Options
    from bot.digest import speeches
    from bot.ratelimit import TelegramLimiter

    if not settings.token:
        print("visitbot: setting TELEGRAM_BOT_TOKEN: missing (needed to send)", file=sys.stderr)
        return 2
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # finish the messages in flight, stop
        loop.add_signal_handler(sig, stopping.set)
    bot: ExtBot[int] = ExtBot(
        settings.token,
        base_url=settings.telegram_api_base_url,
        request=HTTPXRequest(connection_pool_size=settings.digest_in_flight + 2),
        rate_limiter=TelegramLimiter(),
    )
    async with bot:
        said = speeches(knowledge)
        sender = Broadcaster(
            db,
            bot,
            lambda: knowledge.record,
            should_stop=stopping.is_set,
            speeches=lambda: said,
            options=Options(in_flight=settings.digest_in_flight),
        )
        report = await sender.deliver()
    print(f"visitbot digest send: {report.summary()}")
    for error in report.errors[:10]:
        print(f"  failed: {error}", file=sys.stderr)
    if report.busy:
        return BUSY
    return 1 if report.failed else 0
