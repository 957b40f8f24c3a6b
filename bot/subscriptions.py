"""Digest subscriptions: what a chat asked for, kept in the store so it survives restarts.

One subscription per chat (``digest_subscriptions``, keyed by chat id): daily or weekly, at a
local time in an IANA time zone. A :class:`Schedule` knows its own slots (the instants a
digest is due), so the job queue, the catch-up after a restart and the tests all use one
calculation. Ended subscriptions are kept with the reason (unsubscribed, blocked, gone) for
/stats; subscribing again reactivates the row.
"""

from __future__ import annotations

import datetime as dtm
import logging
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlite_utils import Database

from bot import notices

log = logging.getLogger(__name__)

TABLE = "digest_subscriptions"
BAD_ZONE = "bad_timezone"  # ``ended``: paused because its zone does not load
UNREADABLE = "unreadable"  # ``ended``: a row that cannot be read (edited by hand?)
# The whole-hour UTC offsets that exist as zones: Etc/GMT+12 (UTC-12) to Etc/GMT-14 (UTC+14).
MIN_OFFSET, MAX_OFFSET = -12, 14
OFFSET_RE = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?00)?")
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


def load_zone(name: str) -> ZoneInfo | None:
    """The zone, or None when it cannot be loaded. Names are only trusted once loaded:
    'Etc/GMT+13' looks like a zone and is not one, and tzdata updates remove names."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: 'Asia' is a directory
        return None


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


def offset_zone(text: str) -> str | None:
    """'UTC+5' -> 'Etc/GMT-5' (POSIX names are inverted); None if out of range or not one."""
    offset = OFFSET_RE.fullmatch(text.strip().lower())
    if offset is None:
        return None
    hours = int(offset.group(2)) * (1 if offset.group(1) == "+" else -1)
    if not MIN_OFFSET <= hours <= MAX_OFFSET:
        return None
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def find_zone(text: str) -> str | None:
    """An IANA zone name from what someone typed: 'Asia/Karachi', 'karachi', 'UTC+5'.
    Only a name that loads is returned."""
    key = text.strip().lower()
    name = ZONE_ALIASES.get(key) or _zones().get(key) or offset_zone(key)
    return name if name is not None and load_zone(name) is not None else None


def zone_problem(word: str) -> str:
    """The one-line correction for a word that is not a usable time zone."""
    if OFFSET_RE.fullmatch(word.strip().lower()):
        return (
            f"\u201c{word}\u201d is not a UTC offset that exists: offsets run from UTC-12 to "
            "UTC+14. Try a place, like Pacific/Tongatapu or Pacific/Kiritimati."
        )
    return (
        f"\u201c{word}\u201d is not a time zone I know: try Asia/Karachi (Pakistan), "
        "Asia/Almaty (Kazakhstan) or UTC+5."
    )


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
            problems.append(zone_problem(word))
        else:
            problems.append(
                f"\u201c{word}\u201d is not a frequency I offer: digests come daily or weekly."
            )
    if zone is None and load_zone(default_zone) is None:  # a saved zone that went away
        problems.append(zone_problem(default_zone))
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


def _readable(row: dict[str, object]) -> Subscription | None:
    """The subscription in a row, or None if the row cannot be used (unreadable, or a zone
    that does not load): such a row must never stop the others being read."""
    try:
        sub = _from_row(row)
    except (TypeError, ValueError, KeyError):
        return None
    return sub if load_zone(sub.schedule.timezone) is not None else None


def get(db: Database, chat_id: int) -> Subscription | None:
    """The chat's subscription (active or ended); None also for a row that cannot be used."""
    ensure_table(db)
    rows = list(db[TABLE].rows_where("chat_id = ?", [chat_id]))
    return _readable(rows[0]) if rows else None


def active(db: Database) -> list[Subscription]:
    """Every usable active subscription. Unusable rows are left out (and logged) here and
    paused by :func:`repair_or_quarantine`, which delivery runs call first."""
    ensure_table(db)
    found = []
    for row in db[TABLE].rows_where("active = 1", order_by="chat_id"):
        sub = _readable(row)
        if sub is None:
            log.warning("digest subscription of chat %s is unusable; skipped", row.get("chat_id"))
            continue
        found.append(sub)
    return found


@dataclass(frozen=True)
class Quarantined:
    """A stored row that could not be used: paused, with the reason its chat is told."""

    chat_id: int
    reason: str  # BAD_ZONE | UNREADABLE
    detail: str


def _repairable_zone(row: dict[str, object]) -> str | None:
    """A loadable zone for a row whose only fault is a zone written loosely ('karachi')."""
    try:
        _from_row({**row, "timezone": "UTC"})
    except (TypeError, ValueError, KeyError):
        return None
    return find_zone(str(row["timezone"])[:64])


def repair_or_quarantine(db: Database, now: dtm.datetime) -> list[Quarantined]:
    """Fix or pause every active row that cannot be scheduled, so one bad row never stops a
    run: a zone written loosely is rewritten to its IANA name; any other bad row is ended
    (``bad_timezone`` / ``unreadable``) and a notice for its chat is queued (sent once)."""
    ensure_table(db)
    notices.ensure_table(db)
    paused: list[Quarantined] = []
    with db.atomic():
        for row in list(db[TABLE].rows_where("active = 1")):
            if _readable(row) is not None:
                continue
            chat_id = int(str(row["chat_id"]))
            zone = _repairable_zone(row)
            if zone is not None:
                log.warning("digest subscription of chat %s: zone %r read as %s",
                            chat_id, row["timezone"], zone)  # fmt: skip
                db.execute(f"UPDATE {TABLE} SET timezone = ?, updated = ? WHERE chat_id = ?",
                           [zone, now.isoformat(), chat_id])  # fmt: skip
                continue
            paused.append(_quarantine(db, row, chat_id, now))
    return paused


def _quarantine(
    db: Database, row: dict[str, object], chat_id: int, now: dtm.datetime
) -> Quarantined:
    zone = str(row.get("timezone"))[:64]
    try:
        _from_row({**row, "timezone": "UTC"})
        found = Quarantined(chat_id, BAD_ZONE, f"time zone {zone!r} does not exist")
        text = notices.bad_zone_text(zone)
    except (TypeError, ValueError, KeyError):
        found = Quarantined(chat_id, UNREADABLE, "the stored schedule cannot be read")
        text = notices.unreadable_text()
    log.warning("digest subscription of chat %s paused: %s", chat_id, found.detail)
    db.execute(
        f"UPDATE {TABLE} SET active = 0, ended = ?, updated = ? WHERE chat_id = ?",
        [found.reason, now.isoformat(), chat_id],
    )
    notices.add(db, chat_id, f"{found.reason}:{zone}", text, now)
    return found


def subscribe(
    db: Database, chat_id: int, user_id: int | None, schedule: Schedule, now: dtm.datetime
) -> Subscription:
    """Start or change a chat's subscription. The same schedule again changes nothing (so a
    repeated /subscribe cannot make an earlier slot due again). A zone that does not load is
    refused here, so no caller can store one."""
    if load_zone(schedule.timezone) is None:
        raise ValueError(f"time zone {schedule.timezone!r} does not exist")
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
