"""Digest subscriptions: what a chat asked for, kept in the store so it survives restarts.

One subscription per chat (``digest_subscriptions``, keyed by chat id): daily or weekly, at a
local time in an IANA time zone. A :class:`Schedule` knows its own slots (the instants a
digest is due), so the job queue, the catch-up after a restart and the tests all use one
calculation. Ended subscriptions are kept with the reason (unsubscribed, blocked, gone) for
/stats; subscribing again reactivates the row.
"""

from __future__ import annotations

import datetime as dtm
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from sqlite_utils import Database

TABLE = "digest_subscriptions"
UTC = dtm.UTC
Frequency = Literal["daily", "weekly"]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_TIME = dtm.time(9, 0)
# Pakistan first, then Kazakhstan (one zone, UTC+5, since March 2024), then common others.
COMMON_ZONES: tuple[tuple[str, str], ...] = (
    ("Pakistan", "Asia/Karachi"),
    ("Kazakhstan", "Asia/Almaty"),
    ("UAE", "Asia/Dubai"),
    ("UK", "Europe/London"),
    ("UTC", "UTC"),
)
ZONE_ALIASES = {
    "pakistan": "Asia/Karachi", "pk": "Asia/Karachi", "pkt": "Asia/Karachi",
    "karachi": "Asia/Karachi", "islamabad": "Asia/Karachi", "lahore": "Asia/Karachi",
    "kazakhstan": "Asia/Almaty", "kz": "Asia/Almaty", "almaty": "Asia/Almaty",
    "astana": "Asia/Almaty", "nur-sultan": "Asia/Almaty", "utc": "UTC", "gmt": "UTC",
    "z": "UTC", "dubai": "Asia/Dubai", "uae": "Asia/Dubai", "london": "Europe/London",
    "uk": "Europe/London",
}  # fmt: skip


@dataclass(frozen=True)
class Schedule:
    """When a chat wants its digest. ``weekday``: 0 = Monday (weekly only)."""

    frequency: Frequency
    at: dtm.time
    timezone: str
    weekday: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _candidate(self, day: dtm.date) -> dtm.datetime | None:
        if self.frequency == "weekly" and day.weekday() != (self.weekday or 0):
            return None
        local = dtm.datetime.combine(day, self.at, tzinfo=self.zone)
        return local.astimezone(UTC)

    def latest(self, now: dtm.datetime) -> dtm.datetime:
        """The last slot at or before ``now`` (UTC)."""
        today = now.astimezone(self.zone).date()
        for back in range(9):
            slot = self._candidate(today - dtm.timedelta(days=back))
            if slot is not None and slot <= now:
                return slot
        raise AssertionError("a week always has a slot")  # pragma: no cover

    def next(self, now: dtm.datetime) -> dtm.datetime:
        """The first slot strictly after ``now`` (UTC)."""
        today = now.astimezone(self.zone).date()
        for ahead in range(9):
            slot = self._candidate(today + dtm.timedelta(days=ahead))
            if slot is not None and slot > now:
                return slot
        raise AssertionError("a week always has a slot")  # pragma: no cover

    def describe(self) -> str:
        """'daily at 09:00 (Asia/Karachi)' / 'weekly on Mondays at 18:30 (UTC)'."""
        when = f"at {self.at:%H:%M} ({self.timezone})"
        if self.frequency == "weekly":
            return f"weekly on {DAYS[self.weekday or 0].capitalize()}s {when}"
        return f"daily {when}"


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    user_id: int | None
    schedule: Schedule
    since: dtm.datetime  # when this schedule was set: earlier slots are not owed
    active: bool = True
    ended: str | None = None  # unsubscribed | blocked | gone


# -- reading what people type --------------------------------------------------------------


@cache
def _zones() -> dict[str, str]:
    """Zone names by lower case, plus unambiguous city names ('berlin' -> Europe/Berlin)."""
    names = {name.lower(): name for name in available_timezones()}
    cities: dict[str, list[str]] = {}
    for name in available_timezones():
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
            city = name.rsplit("/", 1)[1].lower()
            cities.setdefault(city, []).append(name)
            cities.setdefault(city.replace("_", " "), []).append(name)
    for city, zones in cities.items():
        if len(set(zones)) == 1:
            names.setdefault(city, zones[0])
    return names


def find_zone(text: str) -> str | None:
    """An IANA zone name from what someone typed: 'Asia/Karachi', 'karachi', 'UTC+5'."""
    key = text.strip().lower()
    if key in ZONE_ALIASES:
        return ZONE_ALIASES[key]
    if key in _zones():
        return _zones()[key]
    offset = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?00)?", key)
    if offset and int(offset.group(2)) <= 14:
        hours = int(offset.group(2))
        if hours == 0:
            return "UTC"
        # POSIX-style names are inverted: UTC+5 is Etc/GMT-5.
        return f"Etc/GMT{'-' if offset.group(1) == '+' else '+'}{hours}"
    return None


def parse_time(text: str) -> dtm.time | None:
    """'09:00', '9:30', '0930', '9', '9am', '6:30 pm' -> a time of day; None if not one."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm)?", text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dtm.time(hour, minute)


def _weekday(word: str) -> int | None:
    word = word.lower().rstrip("s")  # "mondays"
    for n, day in enumerate(DAYS):
        if len(word) >= 3 and day.startswith(word):
            return n
    return None


FREQUENCY_WORDS: dict[str, Frequency] = {
    "daily": "daily", "day": "daily", "everyday": "daily", "d": "daily",
    "weekly": "weekly", "week": "weekly", "w": "weekly",
}  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    """What ``/subscribe ...`` asked for, or what was wrong with it (one line a problem)."""

    schedule: Schedule | None
    problems: tuple[str, ...] = ()


def parse_schedule(args: Sequence[str], default_zone: str) -> Parsed:
    """Read ``daily 09:00 Asia/Karachi``, ``weekly mon 18:30 UTC+5`` and the like.

    Missing parts take defaults (daily, 09:00, ``default_zone``, Mondays); every word that
    is not understood is reported, so one reply corrects everything at once.
    """
    frequency: Frequency | None = None
    at: dtm.time | None = None
    zone: str | None = None
    weekday: int | None = None
    problems: list[str] = []
    for raw in args:
        word = raw.strip().strip(",")
        lower = word.lower()
        if not word:
            continue
        if lower in FREQUENCY_WORDS and frequency is None:
            frequency = FREQUENCY_WORDS[lower]
        elif _weekday(lower) is not None and weekday is None and not lower.isdigit():
            weekday = _weekday(lower)
        elif re.fullmatch(r"[\d:.h]+\s*(am|pm)?", lower):
            at = parse_time(lower)
            if at is None:
                problems.append(
                    f"\u201c{word}\u201d is not a time of day: use 24-hour HH:MM, "
                    "like 09:00 or 18:30."
                )
        elif find_zone(word) is not None:
            zone = find_zone(word)
        elif "/" in word or re.search(r"\d", word) or frequency or at:
            problems.append(
                f"\u201c{word}\u201d is not a time zone I know: try Asia/Karachi (Pakistan), "
                "Asia/Almaty (Kazakhstan) or UTC+5."
            )
        else:
            problems.append(
                f"\u201c{word}\u201d is not a frequency I offer: digests come daily or weekly."
            )
    if problems:
        return Parsed(None, tuple(problems))
    frequency = frequency or ("weekly" if weekday is not None else "daily")
    if frequency == "weekly" and weekday is None:
        weekday = 0
    schedule = Schedule(
        frequency=frequency,
        at=at or DEFAULT_TIME,
        timezone=zone or default_zone,
        weekday=weekday if frequency == "weekly" else None,
    )
    return Parsed(schedule)


# -- the store -----------------------------------------------------------------------------


_READY: weakref.WeakSet[Database] = weakref.WeakSet()


def ensure_table(db: Database) -> None:
    """Create the table once per connection (cheap to call before every query)."""
    if db in _READY:
        return
    db.table(TABLE).create(
        {
            "chat_id": int,
            "user_id": int,
            "frequency": str,
            "weekday": int,
            "at": str,
            "timezone": str,
            "since": str,
            "active": int,
            "ended": str,
            "updated": str,
        },
        pk="chat_id",
        if_not_exists=True,
    )
    db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_active ON {TABLE}(active)")
    _READY.add(db)


def _row(sub: Subscription, now: dtm.datetime) -> dict[str, object]:
    s = sub.schedule
    return {
        "chat_id": sub.chat_id,
        "user_id": sub.user_id,
        "frequency": s.frequency,
        "weekday": s.weekday,
        "at": f"{s.at:%H:%M}",
        "timezone": s.timezone,
        "since": sub.since.isoformat(),
        "active": int(sub.active),
        "ended": sub.ended,
        "updated": now.isoformat(),
    }


def _from_row(row: dict[str, object]) -> Subscription:
    hour, minute = str(row["at"]).split(":")
    weekday = row["weekday"]
    user = row["user_id"]
    schedule = Schedule(
        frequency="weekly" if row["frequency"] == "weekly" else "daily",
        at=dtm.time(int(hour), int(minute)),
        timezone=str(row["timezone"]),
        weekday=int(str(weekday)) if weekday is not None else None,
    )
    return Subscription(
        chat_id=int(str(row["chat_id"])),
        user_id=int(str(user)) if user is not None else None,
        schedule=schedule,
        since=dtm.datetime.fromisoformat(str(row["since"])),
        active=bool(row["active"]),
        ended=str(row["ended"]) if row["ended"] is not None else None,
    )


def get(db: Database, chat_id: int) -> Subscription | None:
    ensure_table(db)
    rows = list(db[TABLE].rows_where("chat_id = ?", [chat_id]))
    return _from_row(rows[0]) if rows else None


def active(db: Database) -> list[Subscription]:
    ensure_table(db)
    return [_from_row(r) for r in db[TABLE].rows_where("active = 1", order_by="chat_id")]


def subscribe(
    db: Database, chat_id: int, user_id: int | None, schedule: Schedule, now: dtm.datetime
) -> Subscription:
    """Start or change a chat's subscription. The same schedule again changes nothing (so a
    repeated /subscribe cannot make an earlier slot due again)."""
    current = get(db, chat_id)
    if current is not None and current.active and current.schedule == schedule:
        return current
    sub = Subscription(chat_id, user_id, schedule, since=now)
    with db.atomic():
        db.table(TABLE).upsert(_row(sub, now), pk="chat_id")
    return sub


def end(db: Database, chat_id: int, reason: str, now: dtm.datetime) -> bool:
    """Stop a chat's digests (reason: unsubscribed, blocked, gone). False if none was on."""
    ensure_table(db)
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {TABLE} SET active = 0, ended = ?, updated = ? "
            "WHERE chat_id = ? AND active = 1",
            [reason, now.isoformat(), chat_id],
        )
    return cursor.rowcount > 0


def counts(db: Database) -> dict[str, int]:
    """Active subscriptions by frequency and ended ones by reason, for /stats."""
    ensure_table(db)
    found: dict[str, int] = {}
    for key, n in db.execute(
        f"SELECT CASE WHEN active = 1 THEN frequency ELSE 'ended_' || ended END, count(*) "
        f"FROM {TABLE} GROUP BY 1"
    ).fetchall():
        found[str(key)] = int(n)
    return found
