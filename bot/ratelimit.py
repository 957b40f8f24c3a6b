"""Rate limits both ways: how fast one chat may ask, and how fast the bot may send.

Incoming: :class:`FloodGate` gives each chat a small burst and then a steady rate (a GCRA
token bucket). A message slightly over the rate waits its turn; one far over it is dropped
and the chat is told once, so one chat pasting fifty lines cannot starve the others.

Outgoing: :class:`TelegramLimiter` keeps the bot within Telegram's documented limits (30
messages a second overall, 20 a minute per group) and retries what is safe to retry: a 429
after its ``retry_after``, and failures that prove the request never took effect (no
connection, a 5xx answer). A read timeout is *not* retried: Telegram may well have delivered
the message, and a duplicate answer is worse than a warning in the log. It replaces PTB's
``AIORateLimiter``, whose pause after a 429 can be lifted early by another request finishing
(PTB issue #5338); here the pause is a deadline every request checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import time
import warnings
import weakref
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# -- incoming: per-chat flood control ------------------------------------------------------


@dataclass(frozen=True)
class FloodPolicy:
    """How much one chat may send: ``burst`` at once, then ``per_second``; a message that
    would wait longer than ``max_wait`` seconds is dropped."""

    burst: int = 5
    per_second: float = 1.0
    max_wait: float = 3.0


@dataclass(frozen=True)
class Verdict:
    admit: bool
    wait: float = 0.0  # seconds to hold the message back before answering
    warn: bool = False  # dropped, and the chat has not been told yet in this flood


FloodKey = int | tuple[int, int]  # a chat, or one member of a group: (chat id, user id)


class FloodGate:
    """Per-chat flood control and per-chat ordering. One instance per application."""

    PRUNE_AT = 10_000  # chats remembered before idle ones are forgotten

    def __init__(
        self, policy: FloodPolicy | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy = policy or FloodPolicy()
        self._clock = clock
        self._interval = 1.0 / self.policy.per_second
        self._tolerance = (max(1, self.policy.burst) - 1) * self._interval
        self._due: dict[FloodKey, float] = {}  # GCRA "theoretical arrival time" per key
        self._warned: set[FloodKey] = set()
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def admit(self, chat_id: FloodKey) -> Verdict:
        now = self._clock()
        due = max(self._due.get(chat_id, now), now)
        wait = max(0.0, due - self._tolerance - now)
        if wait > self.policy.max_wait:
            warn = chat_id not in self._warned
            self._warned.add(chat_id)
            return Verdict(admit=False, warn=warn)
        self._due[chat_id] = due + self._interval
        if wait == 0.0:
            self._warned.discard(chat_id)  # the flood is over; warn again next time
        if len(self._due) > self.PRUNE_AT:
            self._prune(now)
        return Verdict(admit=True, wait=wait)

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The chat's lock: answers in one chat go out in the order the questions came."""
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    def _prune(self, now: float) -> None:
        for chat_id in [c for c, due in self._due.items() if due <= now]:
            del self._due[chat_id]
            self._warned.discard(chat_id)


# -- outgoing: Telegram's limits and safe retries ------------------------------------------


def retry_after_seconds(error: RetryAfter) -> float:
    """``RetryAfter.retry_after`` as seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22.2+ warns while moving int -> timedelta
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def never_arrived(error: NetworkError) -> bool:
    """True when the request certainly did not take effect, so sending it again is safe."""
    if isinstance(error, BadRequest):
        return False  # Telegram read it and refused it: the same request fails again
    cause = error.__cause__
    if isinstance(error, TimedOut):
        return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)
    if cause is None:
        return True  # Telegram answered 5xx: it failed there
    return isinstance(cause, httpx.ConnectError | httpx.RemoteProtocolError | httpx.WriteError)


NO_RETRIES = -1  # rate_limit_args for "no retries here": the caller retries itself


class TelegramLimiter(BaseRateLimiter[int]):
    """Throttle to Telegram's limits and retry what is safe (see the module docstring).

    ``rate_limit_args`` on a single call overrides ``retries`` for that call; use
    ``NO_RETRIES`` to switch them off (python-telegram-bot drops a falsy 0 on the way).
    """

    GROUP_LIMITERS = 512  # groups remembered before idle ones are forgotten

    def __init__(
        self,
        *,
        overall_per_second: float = 30,
        group_per_minute: float = 20,
        retries: int = 3,
        longest_wait: float = 30.0,
        backoff: float = 0.5,
    ) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1) if overall_per_second else None
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self.retries = retries
        self.longest_wait = longest_wait
        self.backoff = backoff
        self._paused_until = 0.0

    def has_room(self) -> bool:
        """Whether a request now would go out at once under the overall limit: extras such as
        "typing…" are sent only then, so they never take a reply's place."""
        return self._overall is None or self._overall.has_capacity()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = self.retries if rate_limit_args is None else max(0, rate_limit_args)
        chat_id = data.get("chat_id")
        attempt = 0
        while True:
            await self._wait_for_pause()
            try:
                async with self._group(chat_id), self._overall_for(chat_id):
                    await self._wait_for_pause()
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                if attempt >= retries or wait > self.longest_wait:
                    raise
                self._paused_until = max(self._paused_until, time.monotonic() + wait + 0.1)
                log.warning("Telegram asked to wait %.1f s (%s); will retry", wait, endpoint)
            except NetworkError as error:
                if attempt >= retries or not never_arrived(error):
                    raise
                delay = self.backoff * 2**attempt
                log.warning("%s failed (%s); retrying in %.2f s", endpoint, error, delay)
                await asyncio.sleep(delay)
            attempt += 1

    async def _wait_for_pause(self) -> None:
        while (left := self._paused_until - time.monotonic()) > 0:
            await asyncio.sleep(left)

    def _overall_for(self, chat_id: object) -> contextlib.AbstractAsyncContextManager[Any]:
        if chat_id is None or self._overall is None:
            return contextlib.nullcontext()
        return self._overall

    def _group(self, chat_id: object) -> contextlib.AbstractAsyncContextManager[Any]:
        key: int | str | None = None
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            key = chat_id  # @channelusername
        elif chat_id is not None:
            with contextlib.suppress(TypeError, ValueError):
                number = int(chat_id)  # type: ignore[call-overload]
                key = number if number < 0 else None
        if key is None or not self._group_per_minute:
            return contextlib.nullcontext()
        if key not in self._groups:
            if len(self._groups) >= self.GROUP_LIMITERS:
                for old in [k for k, lim in self._groups.items() if lim.has_capacity(lim.max_rate)]:
                    del self._groups[old]
            self._groups[key] = AsyncLimiter(self._group_per_minute, 60)
        return self._groups[key]
