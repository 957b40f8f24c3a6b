"""``visitbot doctor``: is this installation fit to run? One line per check.

Checks the token (``getMe``, reporting the bot's @username), the webhook (``getWebhookInfo``),
the store (writable, ``PRAGMA integrity_check``), the record (the same validation as ``kb
check``) and the time zone of every subscription. Nothing is changed: a damaged store is
reported, not moved aside (the next start does that). The exit code is 1 when any check fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import subscriptions
from bot.settings import Settings
from knowledge.loading import KnowledgeError, load_files
from knowledge.storefile import StoreError, check_location, header_damage

TELEGRAM_TIMEOUT = 10.0
SHOWN = 5  # bad subscriptions listed by chat id


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':<4}  {self.name}: {self.detail}"


def run_checks(settings: Settings) -> list[Check]:
    token, webhook = asyncio.run(telegram_checks(settings))
    return [
        token,
        webhook,
        store_check(settings.store_path),
        record_check(settings),
        zones_check(settings.store_path),
    ]


# -- Telegram ------------------------------------------------------------------------------


async def telegram_checks(settings: Settings) -> tuple[Check, Check]:
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError
    from telegram.request import HTTPXRequest

    token = settings.token
    if not token:
        missing = Check("token", False, "TELEGRAM_BOT_TOKEN is not set")
        return missing, Check("webhook", False, "not checked without a token")
    request = HTTPXRequest(connect_timeout=TELEGRAM_TIMEOUT, read_timeout=TELEGRAM_TIMEOUT)
    bot = Bot(token, base_url=settings.telegram_api_base_url, request=request)
    try:
        async with bot:  # initialize() calls getMe
            me = bot.bot
            info = await bot.get_webhook_info()
    except InvalidToken:
        refused = Check("token", False, "Telegram refused TELEGRAM_BOT_TOKEN (check @BotFather)")
        return refused, Check("webhook", False, "not checked: the token was refused")
    except TelegramError as err:
        where = settings.telegram_api_base_url
        detail = f"cannot reach the Bot API at {where}: {err}".replace(token, "[redacted]")
        return Check("token", False, detail), Check("webhook", False, "not checked")
    return Check("token", True, f"@{me.username} (id {me.id})"), webhook_check(info)


def webhook_check(info: Any) -> Check:
    if not info.url:
        return Check("webhook", True, "none set: the bot uses long polling")
    pending = f"{info.pending_update_count} updates waiting"
    if info.last_error_message:
        when = f" at {info.last_error_date:%Y-%m-%d %H:%M} UTC" if info.last_error_date else ""
        problem = f"{info.url}: last delivery failed{when}: {info.last_error_message}"
        return Check("webhook", False, f"{problem} ({pending})")
    return Check("webhook", True, f"{info.url} ({pending})")


# -- the store and the record --------------------------------------------------------------


def store_check(path: Path) -> Check:
    if path.is_file():
        return _existing_store(path)
    try:
        check_location(path)
    except StoreError as err:
        return Check("store", False, str(err))
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return Check("store", False, f"cannot write in {path.parent} (permissions)")
    return Check("store", True, f"{path} not built yet; it is made on first start")


def _existing_store(path: Path) -> Check:
    damage = header_damage(path)
    if damage:
        return Check("store", False, f"{path} is damaged ({damage}); {_AT_START}")
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=2.0)) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                problem = f"{path} failed integrity_check ({verdict})"
                return Check("store", False, f"{problem}; {_AT_START}")
            writable = _writable(db)
    except sqlite3.DatabaseError as err:
        return Check("store", False, f"{path}: {err}")
    if writable is False:
        return Check("store", False, f"{path} is intact but read-only (permissions)")
    busy = "; another process is writing to it right now" if writable is None else ""
    size = path.stat().st_size // 1024
    return Check("store", True, f"{path} ({size} KB) is intact and writable{busy}")


_AT_START = "the next start moves it aside and builds a fresh one (back it up first)"


def _writable(db: sqlite3.Connection) -> bool | None:
    """True/False, or None when another process holds the write lock (so we cannot tell)."""
    try:
        db.execute("BEGIN IMMEDIATE")
        db.rollback()
        return True
    except sqlite3.OperationalError as err:
        return None if "locked" in str(err) or "busy" in str(err) else False


def record_check(settings: Settings) -> Check:
    try:
        record = load_files(settings.record_path, settings.language_path).record
    except KnowledgeError as err:
        return Check("record", False, str(err))
    topics = len(record.askables())
    detail = f"{settings.record_path} ({topics} topics, every source sentence found)"
    return Check("record", True, detail)


def zones_check(path: Path) -> Check:
    """Each subscription's zone must load (read defensively: the table may not exist, and
    its rows were written by older versions)."""
    if not path.is_file() or header_damage(path):
        return Check("time zones", True, "no subscriptions (no readable store)")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            rows = db.execute(
                f"SELECT chat_id, timezone FROM {subscriptions.TABLE} WHERE active = 1"
            ).fetchall()
    except sqlite3.Error as err:
        if "no such table" in str(err):
            return Check("time zones", True, "no subscriptions yet")
        return Check("time zones", False, f"cannot read the subscriptions: {err}")
    bad = [(chat, zone) for chat, zone in rows if not _loads(zone)]
    if bad:
        shown = ", ".join(f"chat {chat} {zone!r}" for chat, zone in bad[:SHOWN])
        more = f" and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
        detail = f"{len(bad)} of {len(rows)} subscriptions have an unknown zone: {shown}{more}"
        return Check("time zones", False, detail)
    return Check("time zones", True, f"all {len(rows)} subscriptions have a known zone")


def _loads(zone: object) -> bool:
    return isinstance(zone, str) and subscriptions.load_zone(zone) is not None
