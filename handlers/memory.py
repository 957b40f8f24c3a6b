"""Per-chat memory is released when a chat goes quiet.

Each chat the bot talks to keeps a conversation context and a button memory (about 1.7 KB)
in ``chat_data``. Without this a long-running bot would keep every chat it ever met. A job
every few minutes forgets the memory of chats idle longer than ``VISITBOT_MEMORY_MINUTES``:
such a chat starts afresh, so a follow-up needs its question again and the older buttons
that pointed into the memory answer "this button has expired".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from handlers.common import BUTTONS_KEY, CONTEXT_KEY, SEEN_KEY

log = logging.getLogger(__name__)

JOB_NAME = "forget-idle-chats"
OURS = (CONTEXT_KEY, BUTTONS_KEY, SEEN_KEY)
LONGEST_INTERVAL = 600.0  # seconds between sweeps at most, whatever the idle time


def forget_idle(application: Any, idle_seconds: float, now: float | None = None) -> int:
    """Drop the memory of every chat unused for more than ``idle_seconds``; how many."""
    now = time.time() if now is None else now
    forgotten = 0
    for chat_id, data in list(application.chat_data.items()):
        seen = data.get(SEEN_KEY)
        if not isinstance(seen, float) or now - seen <= idle_seconds:
            continue
        for key in OURS:
            data.pop(key, None)
        if not data:  # nothing of anyone else's left: the entry itself goes
            application.drop_chat_data(chat_id)
        forgotten += 1
    return forgotten


async def _sweep(context: Any) -> None:
    forgotten = forget_idle(context.application, context.job.data)
    if forgotten:
        log.debug("forgot the conversation of %s idle chats", forgotten)


def schedule_forgetting(application: Any, minutes: float) -> None:
    """Sweep every half of the idle time (1 s to 10 min), so memory lives at most 1.5x it."""
    if application.job_queue is None:
        log.warning("no job queue: the memory of idle chats is never released")
        return
    idle = minutes * 60.0
    interval = max(1.0, min(idle / 2, LONGEST_INTERVAL))
    application.job_queue.run_repeating(
        _sweep, interval=interval, first=interval, name=JOB_NAME, data=idle
    )
