"""Replies that outlast an outage: late rather than never.

:class:`~bot.ratelimit.TelegramLimiter` retries a send for a few seconds. When Telegram is
down for longer (5xx for a minute) or asks the bot to wait longer than the limiter will
(a 429 with ``retry_after`` of a minute), the send fails and, before this module, the answer
was lost. :class:`Outbox` takes the reply over at that point: it keeps each chat's unsent
replies in order and retries them from a background task per chat, with exponential backoff
and honouring ``retry_after``, until they go out or :attr:`RetryPolicy.give_up_after` runs
out. The handler returns at once, so one chat's trouble never holds up other chats, and a
later answer in the same chat queues behind the earlier one, so answers keep their order.

Only failures that prove the request never took effect are retried (the rule the limiter
uses, :func:`bot.ratelimit.never_arrived`): a read timeout may mean Telegram delivered the
reply, and a duplicate answer is worse than a late warning in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from telegram.error import NetworkError, RetryAfter

from bot.ratelimit import never_arrived, retry_after_seconds

log = logging.getLogger(__name__)

KEY = "outbox"  # in application.bot_data

Send = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class RetryPolicy:
    """How long an unsent reply is retried. Every duration is in policy seconds; ``scale``
    turns them into real seconds (tests run a minute-long outage in well under a second).

    The defaults cover what issue 8 asks for with room to spare: a ``retry_after`` of up to
    five minutes, and five minutes of 5xx, retried every 1, 2, 4, 8, 15, 15... seconds.
    """

    first_delay: float = 1.0
    max_delay: float = 15.0
    give_up_after: float = 300.0  # from the first failed attempt of a reply
    longest_retry_after: float = 300.0  # a 429 asking for more than this is not waited for
    max_pending: int = 50  # per chat; a chat with this many unsent replies drops the newest
    scale: float = 1.0

    def scaled(self, scale: float) -> RetryPolicy:
        return replace(self, scale=scale)

    def delay_after(self, error: Exception, attempt: int) -> float | None:
        """Policy seconds to wait before the next try, or None when not worth retrying."""
        if isinstance(error, RetryAfter):
            wait = retry_after_seconds(error)
            return wait + 0.1 if wait <= self.longest_retry_after else None
        if isinstance(error, NetworkError) and never_arrived(error):
            return float(min(self.max_delay, self.first_delay * 2**attempt))
        return None


@dataclass
class _Pending:
    send: Send
    started: float  # clock() at the first failed attempt
    error: Exception  # the latest failure


@dataclass
class _Chat:
    queue: deque[_Pending] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class Outbox:
    """Per-chat queues of replies waiting for Telegram to come back (one per application)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._sleep = sleep
        self._chats: dict[int, _Chat] = {}
        self.delivered_late = 0
        self.given_up = 0

    def backlog(self, chat_id: int) -> int:
        chat = self._chats.get(chat_id)
        return len(chat.queue) if chat else 0

    async def deliver(self, chat_id: int, send: Send) -> bool:
        """Send now, or queue behind the chat's earlier unsent replies.

        True when the reply went out now. A failure worth retrying queues the reply (False);
        any other failure is raised to the caller, as a plain send would raise it.
        """
        if chat_id not in self._chats:
            try:
                await send()
                return True
            except (RetryAfter, NetworkError) as error:
                if self.policy.delay_after(error, 0) is None:
                    raise
                log.warning("chat %s: reply not sent (%r); retrying later", chat_id, error)
                self._enqueue(chat_id, _Pending(send, self._clock(), error))
                return False
        self._enqueue(chat_id, _Pending(send, self._clock(), _QUEUED))
        return False

    def _enqueue(self, chat_id: int, pending: _Pending) -> None:
        chat = self._chats.setdefault(chat_id, _Chat())
        if len(chat.queue) >= self.policy.max_pending:
            self.given_up += 1
            log.warning("chat %s: %d replies waiting; dropped one", chat_id, len(chat.queue))
            return
        chat.queue.append(pending)
        if chat.task is None:
            chat.task = asyncio.get_running_loop().create_task(
                self._drain(chat_id, chat), name=f"outbox-{chat_id}"
            )

    async def _drain(self, chat_id: int, chat: _Chat) -> None:
        try:
            while chat.queue:
                await self._retry(chat_id, chat.queue[0])
                chat.queue.popleft()
        finally:  # no await between the last check of the queue and this: nothing is lost
            if self._chats.get(chat_id) is chat:
                del self._chats[chat_id]

    async def _retry(self, chat_id: int, item: _Pending) -> None:
        """Try ``item`` until it is sent, a failure is not worth retrying, or time is up."""
        policy = self.policy
        attempt = 0
        while True:
            delay = 0.0 if item.error is _QUEUED else policy.delay_after(item.error, attempt)
            waited = (self._clock() - item.started) / policy.scale
            if delay is None or waited + delay > policy.give_up_after:
                self.given_up += 1
                log.warning(
                    "chat %s: gave up on a reply after %.0f s: %r", chat_id, waited, item.error
                )
                return
            await self._sleep(delay * policy.scale)
            try:
                await item.send()
            except (RetryAfter, NetworkError) as error:
                if item.error is _QUEUED:
                    item.started = self._clock()  # its own budget starts at its first failure
                else:
                    attempt += 1
                item.error = error
                continue
            except Exception as error:  # e.g. Forbidden: the user blocked the bot meanwhile
                self.given_up += 1
                log.warning("chat %s: a queued reply failed: %r", chat_id, error)
                return
            if item.error is not _QUEUED:
                self.delivered_late += 1
                log.info("chat %s: reply delivered %.0f s late", chat_id, waited + delay)
            return

    async def idle(self) -> None:
        """Wait until every queued reply is sent or given up on (tests, orderly stops)."""
        while tasks := [c.task for c in self._chats.values() if c.task is not None]:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop retrying (shut-down): say how many replies were not delivered."""
        left = sum(len(c.queue) for c in self._chats.values())
        tasks = [c.task for c in self._chats.values() if c.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._chats.clear()
        if left:
            log.warning("shutting down with %d replies still waiting for Telegram", left)


class _Queued(Exception):
    """Marker: the reply was queued behind others and has not been tried yet."""


_QUEUED = _Queued()


def outbox_of(bot_data: Any) -> Outbox:
    """The application's Outbox (made on first use when the app was built elsewhere)."""
    found = bot_data.get(KEY)
    if not isinstance(found, Outbox):
        found = bot_data[KEY] = Outbox()
    return found
