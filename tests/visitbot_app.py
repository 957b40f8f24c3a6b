"""The real visitbot Application, wired to the local Bot API stand-in, for end-to-end tests.

Shared by the Telegram and digest tests so both run the bot exactly as ``run_polling``
would: post_init (command menu, start-up jobs), polling, then post_shutdown.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from telegram import Update
from telegram.request import HTTPXRequest

from bot.application import build_application
from bot.brain import Brain
from bot.outbox import RetryPolicy
from bot.ratelimit import FloodPolicy, TelegramLimiter
from bot.settings import load_settings
from knowledge.loading import DEFAULT_LANGUAGES_DIR, load_languages
from tests.fake_botapi import FakeBotAPI

ADMIN = 7777


def english(key: str) -> str:
    """A fixed text of the bot in English (``knowledge/languages/en/``), by its key."""
    return _english_texts()[key]


@functools.cache
def _english_texts() -> dict[str, str]:
    return load_languages(DEFAULT_LANGUAGES_DIR)["en"].texts


# Outages retried as in production, at 1/100 of the time: a 60 s retry_after waits 0.6 s.
TEST_RETRY = RetryPolicy().scaled(0.01)
NO_ENV = {"trust_env": False}  # never a proxy from the environment: 127.0.0.1 only


def visitbot_app(
    server: FakeBotAPI,
    brain: Brain,
    store_path: Path,
    *,
    flood: FloodPolicy | None,
    backoff: float = 0.05,
    pool: int = 32,
    retry: RetryPolicy = TEST_RETRY,
    db: Database | None = None,
) -> Any:
    """``build_application`` as production calls it, pointed at ``server``."""
    settings = load_settings(
        telegram_bot_token=server.token,
        telegram_api_base_url=server.base_url,
        store_path=store_path,
        admin_ids=str(ADMIN),
    )
    return build_application(
        settings,
        brain,
        db=db if db is not None else Database(store_path),
        request=HTTPXRequest(connection_pool_size=pool, read_timeout=2.0, httpx_kwargs=NO_ENV),
        get_updates_request=HTTPXRequest(read_timeout=1.0, httpx_kwargs=NO_ENV),
        flood=flood,
        rate_limiter=TelegramLimiter(backoff=backoff),
        retry=retry,
    )


@contextlib.asynccontextmanager
async def polling(app: Any) -> AsyncIterator[Any]:
    """Start ``app`` as ``run_polling`` starts it (post_init included) and stop it after."""
    async with app:
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    await app.post_shutdown(app)
