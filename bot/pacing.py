"""When the next digest message may go: the clock of the delivery window.

With several messages in flight (:mod:`bot.delivery`), Telegram's limits are kept here,
before a row is claimed, so a row is ``sending`` only while its own request is on the wire:

* overall: sends leave ``1/rate`` seconds apart, one at a time in the order they asked (a
  FIFO lock), so the pace is smooth and has no start-up burst: the first ``ramp`` sends
  (one per connection the window opens) go at half the pace, as a new connection's first
  request is slow to arrive and the next ones would catch it up. A send woken a little late
  keeps its step (small delays do not slow the pace down), but never more than half a step
  is made up, so a slow moment is never followed by a burst;
* a 429 pauses every sender until its ``retry_after`` is over: the pause is a deadline that
  only grows, so no request finishing meanwhile can end it early;
* per chat: a message to a chat leaves ``part_gap`` seconds after the answer to the one
  before (Telegram allows one a second), and one chat's rows take their turns in order
  (:class:`ChatTurns`);
* per group: at most ``group_per_minute`` messages a minute (Telegram allows 20), counted
  the way :class:`bot.ratelimit.TelegramLimiter` counts them, so the bot's own limiter
  never holds a claimed row back.

Memory is bounded by the rate, not the audience: only chats sent to in the last
``part_gap`` seconds and groups sent to in the last minute are remembered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiolimiter import AsyncLimiter

PRUNE_AT = 256  # remembered chats (or groups) before the idle ones are forgotten


class Pacer:
    """Spaces a delivery run's sends (see the module docstring). One per run's event loop."""

    def __init__(
        self, rate: float, part_gap: float, group_per_minute: float = 20, ramp: int = 0
    ) -> None:
        self.interval = 1.0 / rate
        self.part_gap = part_gap
        self.group_per_minute = group_per_minute
        self.ramp = ramp  # the first sends, at half the pace
        self._sent = 0
        self._order = asyncio.Lock()
        self._last = float("-inf")  # when the latest send left
        self._paused_until = 0.0
        self._chats: dict[int, float] = {}  # chat -> when its latest message left
        self._groups: dict[int, AsyncLimiter] = {}

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for ``seconds`` (plus a margin)."""
        self._paused_until = max(self._paused_until, self._now() + seconds + 0.1)

    async def turn(self, chat_id: int) -> None:
        """Wait until a message to ``chat_id`` may leave, and count it as gone."""
        left = self._chats.get(chat_id, float("-inf")) + self.part_gap - self._now()
        if left > 0:
            await asyncio.sleep(left)
        if chat_id < 0 and self.group_per_minute:
            await self._group(chat_id).acquire()
        async with self._order:
            while True:
                await self._wait_pause()
                due = self._last + self.interval * (2 if self._sent < self.ramp else 1)
                left = due - self._now()
                if left <= 0:
                    break
                await asyncio.sleep(left)
            now = self._now()
            # Woken a little late (a busy loop): count from the time it was due, so small
            # delays do not add up to a slower pace; later than half a step: start afresh.
            self._last = due if now - due < self.interval / 2 else now
            self._sent += 1
        self._chats[chat_id] = now
        if len(self._chats) > PRUNE_AT:
            self._forget()

    def answered(self, chat_id: int) -> None:
        """The send to ``chat_id`` is over: its next message waits ``part_gap`` from now, so
        it reaches Telegram that much after this one did, whatever the network's jitter."""
        self._chats[chat_id] = self._now()

    async def _wait_pause(self) -> None:
        while (left := self._paused_until - self._now()) > 0:
            await asyncio.sleep(left)

    def _group(self, chat_id: int) -> AsyncLimiter:
        found = self._groups.get(chat_id)
        if found is None:
            if len(self._groups) > PRUNE_AT:
                for old in [k for k, lim in self._groups.items() if lim.has_capacity(lim.max_rate)]:
                    del self._groups[old]
            found = self._groups[chat_id] = AsyncLimiter(self.group_per_minute, 60)
        return found

    def _forget(self) -> None:
        since = self._now() - self.part_gap
        for chat in [c for c, at in self._chats.items() if at < since]:
            del self._chats[chat]

    def remembered(self) -> int:
        """Chats and groups held in memory (flat in the audience: for tests)."""
        return len(self._chats) + len(self._groups)


class ChatTurns:
    """One chat's rows one after another, in the order they asked; other chats go freely."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
