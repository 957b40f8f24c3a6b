"""The Telegram application: built in one place, run with long polling or a webhook.

``build_application`` wires everything (Bot API address, defaults, rate limits, every
handler) and is what the tests run against a local Bot API stand-in; ``run`` adds logging
and the blocking ``run_polling``/``run_webhook`` that handle Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import secrets as secrets_module
import sqlite3
import sys
from collections.abc import Callable, Coroutine, Iterable
from typing import IO, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlite_utils import Database
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import chat_languages, delivery, feedback
from bot.brain import Brain
from bot.keyboards import QuestionKeys
from bot.outbox import KEY as OUTBOX_KEY
from bot.outbox import Outbox, RetryPolicy
from bot.ratelimit import FloodGate, FloodPolicy, TelegramLimiter
from bot.services import KEY as SERVICES_KEY
from bot.services import Services
from bot.settings import Settings, SettingsError
from bot.storewriter import KEY as WRITER_KEY
from bot.storewriter import StoreWriter, database_path
from handlers.buttons import pressed
from handlers.commands import COMMANDS, register_menu, unknown_command
from handlers.common import STATE_KEY, Command, TelegramState
from handlers.errors import on_error
from handlers.feedback import register as register_feedback
from handlers.guards import flood_guard
from handlers.inline import inline_query
from handlers.language import register as register_language
from handlers.memory import schedule_forgetting
from handlers.navigation import register as register_navigation
from handlers.questions import joined_group, not_text, question

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 128  # chats answered at once; one chat's answers stay in order
# Connections to the Bot API. Far fewer than CONCURRENT_UPDATES: sends are capped at 30/s by
# Telegram anyway, and httpcore scans its whole pool for every request (a pool of 144 made
# the benchmark ~20% slower than one of 32). A send waits up to POOL_WAIT s for a connection.
POOL_SIZE = 32
POOL_WAIT = 5.0
BOOTSTRAP_RETRIES = 5  # start-up calls retried (1 s, 1.5 s, ...) before giving up
DEFAULT_WEBHOOK_PORT = 8443
_UNSET: Any = object()

Hook = Callable[[Any], Coroutine[Any, Any, None]]


def build_application(
    settings: Settings,
    brain: Brain | None = None,
    *,
    db: Database | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    flood: FloodPolicy | None = _UNSET,
    rate_limiter: BaseRateLimiter[Any] | None = _UNSET,
    retry: RetryPolicy | None = None,
) -> Any:
    """The bot, ready for ``run_polling``/``run_webhook`` or ``initialize``/``start``.

    ``brain`` defaults to one on the store at ``settings.store_path`` (closed on shutdown);
    ``db`` (questions log, digests) defaults to the brain's store. ``flood=None`` and
    ``rate_limiter=None`` switch those limits off (benchmarks of raw capacity). ``retry``
    says how long an answer is retried through an outage (tests scale it down).
    """
    token = settings.token
    if not token:
        raise SettingsError("setting TELEGRAM_BOT_TOKEN: missing (ask @BotFather for one)")
    owned: Database | None = None  # opened here, so closed here on shutdown
    if brain is None:
        brain = _open_brain(settings)
        owned = brain.store.db if brain.store is not None else None
    if db is None:
        if brain.store is not None:
            db = brain.store.db
        else:
            db = owned = Database(settings.store_path)

    base_url = settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(settings.timezone)))
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(request or HTTPXRequest(connection_pool_size=POOL_SIZE, pool_timeout=POOL_WAIT))
        .get_updates_request(get_updates_request or HTTPXRequest())
    )
    if base_url.endswith("/bot"):  # a local Bot API server serves files next to it
        builder = builder.base_file_url(base_url.removesuffix("bot") + "file/bot")
    limiter = TelegramLimiter() if rate_limiter is _UNSET else rate_limiter
    if limiter is not None:
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    application = builder.build()

    policy = FloodPolicy() if flood is _UNSET else flood
    # The digest tables exist before the store writer starts: DDL in a handler would race
    # its writes (SQLite refuses a write at once on a connection that just read).
    delivery.ensure_tables(db)
    _ensure_chat_languages(db)
    _ensure_feedback(db)
    application.bot_data[SERVICES_KEY] = Services(settings, brain, db)
    application.bot_data[STATE_KEY] = TelegramState(
        QuestionKeys(brain), FloodGate(policy) if policy is not None else None
    )
    outbox = application.bot_data[OUTBOX_KEY] = Outbox(retry)
    writer = _store_writer(db)
    application.bot_data[WRITER_KEY] = writer
    _register_handlers(application)
    schedule_forgetting(application, settings.memory_minutes)
    # handlers.digest.register may have set its own hooks: run ours and theirs.
    application.post_init = _chain(register_menu, application.post_init)
    application.post_shutdown = _chain(
        _stopper(outbox, writer), application.post_shutdown, _closer(owned)
    )
    return application


def _ensure_chat_languages(db: Database) -> None:
    """The table of /language choices, before the store writer starts. Another process
    holding the store's lock must not stop the bot: then the writer creates it with the first
    choice, and until then every chat speaks its users' app language."""
    try:
        chat_languages.ensure_table(db)
    except sqlite3.Error as error:
        log.warning("chat languages not ready (%s); /language waits for the store", error)


def _ensure_feedback(db: Database) -> None:
    """The votes table and an older question log's new columns, before the store writer
    starts (as above: the writer makes them with its first write if the store is locked)."""
    try:
        feedback.prepare(db)
    except sqlite3.Error as error:
        log.warning("votes not ready (%s); the store writer makes the table later", error)


def _store_writer(db: Database) -> StoreWriter | None:
    """The writer thread for ``db``'s file (none for an in-memory store)."""
    path = database_path(db)
    return StoreWriter(path) if path is not None else None


def _stopper(outbox: Outbox, writer: StoreWriter | None) -> Hook:
    async def stop(application: Any) -> None:
        await outbox.close()
        if writer is not None:
            await asyncio.to_thread(writer.close)

    return stop


def _open_brain(settings: Settings) -> Brain:
    brain = Brain.open(settings.store_path, settings.record_path, settings.language_path)
    if brain.warning:
        log.warning("knowledge not rebuilt, using the last good store: %s", brain.warning)
    return brain


def _register_handlers(application: Any) -> None:
    """Every handler, in one place. Order matters within a group: first match wins."""
    import handlers.article
    import handlers.digest  # here, not at the top: digest code may import this module

    application.add_handler(TypeHandler(Update, flood_guard), group=-1)
    for name, callback in COMMANDS.items():
        application.add_handler(Command(name, callback))
    register_language(application)  # /language and its buttons
    handlers.digest.register(application)  # /digest, /subscribe, /stats... and their jobs
    handlers.article.register(application)  # /find, /card, the full text and their buttons
    register_feedback(application)  # 👍 / 👎 and the comments on a 👎
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGES & (filters.TEXT | filters.CAPTION), question)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, joined_group))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, not_text)
    )
    register_navigation(application)  # the Topics menu and "More" (t:, p:)
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(on_error)


def _closer(db: Database | None) -> Hook:
    async def close(application: Any) -> None:
        if db is not None:
            db.close()

    return close


def _chain(*hooks: Hook | None) -> Hook:
    """Run several start-up (or shut-down) hooks in order. None of them is essential to
    answering questions, so a failure is logged and the rest still run."""

    async def run_all(application: Any) -> None:
        for hook in hooks:
            if hook is None:
                continue
            try:
                await hook(application)
            except Exception:
                log.exception("a start-up/shut-down step failed; the bot goes on without it")

    return run_all


# -- running -------------------------------------------------------------------------------


def run(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str | None = None,
    port: int | None = None,
    secret: str | None = None,
) -> int:
    """Run until Ctrl-C or SIGTERM (PTB stops polling, finishes open answers, shuts down).

    Returns the exit code: 0 after a clean stop, 1 when Telegram cannot be used.
    """
    if webhook_url and secret is None:
        secret = secrets_module.token_urlsafe(32)  # Telegram echoes it; spoofed posts lack it
    configure_logging(settings.log_level, secrets=[settings.token, secret])
    application = build_application(settings)
    try:
        if webhook_url:
            log.info("starting the bot with a webhook at %s", webhook_url)
            application.run_webhook(
                listen=listen or "127.0.0.1",
                port=port or DEFAULT_WEBHOOK_PORT,
                url_path=urlsplit(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=BOOTSTRAP_RETRIES,
            )
        else:
            log.info("starting the bot with long polling")
            application.run_polling(
                allowed_updates=Update.ALL_TYPES, bootstrap_retries=BOOTSTRAP_RETRIES
            )
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather")
        return 1
    except NetworkError as error:
        log.error("cannot reach the Bot API at %s: %s", settings.telegram_api_base_url, error)
        return 1
    except Exception:  # through the log, so the traceback is redacted too
        log.exception("the bot stopped on an unexpected error")
        return 1
    log.info("stopped")
    return 0


# -- logging -------------------------------------------------------------------------------

REDACTED = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token, the webhook secret) in every record a handler emits.

    httpx logs each request URL, and the Bot API puts the token in the URL; exceptions can
    carry it too. Redacting at the handler catches all of them, whoever logs.
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        found: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            found.add(secret)
            _, _, tail = secret.partition(":")  # a token's secret half, URL-encoded or not
            if len(tail) >= 8:
                found.add(tail)
        self.secrets = sorted(found, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class _BotLogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``configure_logging`` installs (so a second call replaces it)."""


def configure_logging(
    level: str, secrets: Iterable[str | None] = (), stream: IO[str] | None = None
) -> logging.Handler:
    """Log to stderr at ``level`` with secrets redacted; quieter HTTP libraries unless DEBUG."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _BotLogHandler)]:
        root.removeHandler(old)
    handler = _BotLogHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    quiet = level if level == "DEBUG" else "WARNING"
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(quiet)
    return handler
