"""Digest subscriptions: what a chat asked for, kept in the store so it survives restarts.

One subscription per chat (``digest_subscriptions``, keyed by chat id): daily or weekly, at a
local time in an IANA time zone. A :class:`Schedule` knows its own slots (the instants a
digest is due), so the job queue, the catch-up after a restart and the tests all use one
calculation. Ended subscriptions are kept with the reason (unsubscribed, blocked, gone) for
/stats; subscribing again reactivates the row.

What people type (``/subscribe weekly fri 18:30``, ``/subscribe еженедельно пятница 18:30``)
is read with the words of every language's ``digest.words.*`` texts (a :class:`Vocabulary`);
what is said back (the schedule, the problems) is said by the chat's Speech.
"""

from __future__ import annotations

import datetime as dtm
import logging
import re
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlite_utils import Database

from bot import notices

if TYPE_CHECKING:
    from bot.brain.speech import Speech
    from knowledge.models import LanguagePack

log = logging.getLogger(__name__)

TABLE = "digest_subscriptions"
BAD_ZONE = notices.BAD_ZONE  # ``ended``: paused because its zone does not load
UNREADABLE = notices.UNREADABLE  # ``ended``: a row that cannot be read (edited by hand?)
# The whole-hour UTC offsets that exist as zones: Etc/GMT+12 (UTC-12) to Etc/GMT-14 (UTC+14).
MIN_OFFSET, MAX_OFFSET = -12, 14
OFFSET_RE = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?00)?")
UTC = dtm.UTC
Frequency = Literal["daily", "weekly"]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # parsing
DEFAULT_TIME = dtm.time(9, 0)
# Pakistan first, then Kazakhstan (one zone, UTC+5, since March 2024), then common others.
# The label is a key: its words are the texts digest.zone.<label, lower case>.
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

    def describe(self, speech: Speech) -> str:
        """'daily at 09:00 (Asia/Karachi)' / 'weekly on Mondays at 18:30 (UTC)'."""
        time = f"{self.at:%H:%M}"
        if self.frequency == "weekly":
            on_days = speech.text(f"digest.on_days.{self.weekday or 0}")
            return speech.text(
                "digest.schedule.weekly", on_days=on_days, time=time, zone=self.timezone
            )
        return speech.text("digest.schedule.daily", time=time, zone=self.timezone)


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    user_id: int | None
    schedule: Schedule
    since: dtm.datetime  # when this schedule was set: earlier slots are not owed
    active: bool = True
    ended: str | None = None  # unsubscribed | blocked | gone
    # The language the chat had when it subscribed (its Telegram app's), for a chat that
    # never chooses one with /language; a chat's choice wins (bot.chat_languages).
    lang: str | None = field(default=None, compare=False)


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


@dataclass(frozen=True)
class Problem:
    """One word of a typed schedule that could not be used: ``kind`` names the correction
    (the text ``digest.problem.<kind>``: time, frequency, offset, zone)."""

    kind: str
    word: str

    def say(self, speech: Speech, word: str | None = None) -> str:
        """The one-line correction; ``word``: the word as it should be shown (escaped)."""
        return speech.text(f"digest.problem.{self.kind}", word=self.word if word is None else word)


def zone_problem(word: str) -> Problem:
    """The correction for a word that is not a usable time zone."""
    if OFFSET_RE.fullmatch(word.strip().lower()):
        return Problem("offset", word)
    return Problem("zone", word)


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
    word = word.lower().rstrip("s")  # "mondays", "wednes"
    for n, day in enumerate(DAYS):
        if len(word) >= 3 and day.startswith(word):
            return n
    return None


# Urdu and Persian digits, typed on an Urdu keyboard: read as 0-9.
DIGITS = str.maketrans("\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"
                       "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
                       "01234567890123456789")  # fmt: skip
IGNORE = "ignore"


@dataclass(frozen=True)
class Vocabulary:
    """The words a typed /subscribe understands, from every language's ``digest.words.*``:
    a word (or two-word phrase) -> "daily", "weekly", "day:<0-6>", "zone:<IANA name>" or
    "ignore" ("at", "в", "بجے"). A word that two meanings claim is left out."""

    meanings: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, packs: Iterable[LanguagePack]) -> Vocabulary:
        claimed: dict[str, set[str]] = {}
        zones = {label.lower(): zone for label, zone in COMMON_ZONES}
        for pack in packs:
            for key, text in pack.texts.items():
                meaning = _meaning(key.removeprefix("digest.words."), zones)
                if not key.startswith("digest.words.") or meaning is None:
                    continue
                for word in text.split(","):
                    if word.strip():
                        claimed.setdefault(" ".join(word.lower().split()), set()).add(meaning)
        return cls({w: next(iter(m)) for w, m in claimed.items() if len(m) == 1})

    def get(self, word: str) -> str | None:
        return self.meanings.get(word.lower())


def _meaning(name: str, zones: dict[str, str]) -> str | None:
    if name in ("daily", "weekly", IGNORE):
        return name
    if name.startswith("day.") and name[4:].isdigit() and int(name[4:]) < len(DAYS):
        return f"day:{name[4:]}"
    if name.startswith("zone.") and name[5:] in zones:
        return f"zone:{zones[name[5:]]}"
    return None


@cache
def default_vocabulary() -> Vocabulary:
    """The words of the bot's own language files."""
    from knowledge.loading import DEFAULT_LANGUAGES_DIR, load_languages

    return Vocabulary.of(load_languages(DEFAULT_LANGUAGES_DIR).values())


def _words(args: Sequence[str], vocabulary: Vocabulary) -> list[tuple[str, str | None]]:
    """The typed words with their meaning, a known two-word phrase taken as one."""
    words = [w.strip().strip(",").translate(DIGITS) for w in args]
    words = [w for w in words if w]
    found: list[tuple[str, str | None]] = []
    n = 0
    while n < len(words):
        pair = " ".join(words[n : n + 2])
        if n + 1 < len(words) and vocabulary.get(pair) is not None:
            found.append((pair, vocabulary.get(pair)))
            n += 2
            continue
        found.append((words[n], vocabulary.get(words[n])))
        n += 1
    return found


@dataclass(frozen=True)
class Parsed:
    """What ``/subscribe ...`` asked for, or what was wrong with it (one line a problem)."""

    schedule: Schedule | None
    problems: tuple[Problem, ...] = ()


@dataclass
class _Reading:
    frequency: Frequency | None = None
    at: dtm.time | None = None
    zone: str | None = None
    weekday: int | None = None
    problems: list[Problem] = field(default_factory=list)

    def read(self, word: str, meaning: str | None) -> None:
        """One word of ``/subscribe``: the first reading that takes it wins; a word none
        takes is a problem to report."""
        if meaning == IGNORE:
            return
        taken = self._frequency(meaning) or self._weekday(word, meaning) or self._time(word)
        if not (taken or self._zone(word, meaning)):
            self.problems.append(self._problem(word))

    def _frequency(self, meaning: str | None) -> bool:
        if meaning in ("daily", "weekly") and self.frequency is None:
            self.frequency = "daily" if meaning == "daily" else "weekly"
            return True
        return False

    def _weekday(self, word: str, meaning: str | None) -> bool:
        if self.weekday is not None:
            return False
        if meaning and meaning.startswith("day:"):
            self.weekday = int(meaning[4:])
        elif meaning is None and _weekday(word.lower()) is not None:
            self.weekday = _weekday(word.lower())
        return self.weekday is not None

    def _time(self, word: str) -> bool:
        if not re.fullmatch(r"[\d:.h]+\s*(am|pm)?", word.lower()):
            return False
        self.at = parse_time(word.lower())
        if self.at is None:
            self.problems.append(Problem("time", word))
        return True

    def _zone(self, word: str, meaning: str | None) -> bool:
        zone = meaning[5:] if meaning and meaning.startswith("zone:") else find_zone(word)
        if zone is not None:
            self.zone = zone
        return zone is not None

    def _problem(self, word: str) -> Problem:
        if "/" in word or re.search(r"\d", word) or self.frequency or self.at:
            return zone_problem(word)
        return Problem("frequency", word)


def parse_schedule(
    args: Sequence[str], default_zone: str, vocabulary: Vocabulary | None = None
) -> Parsed:
    """Read ``daily 09:00 Asia/Karachi``, ``weekly mon 18:30 UTC+5`` and the like, in any
    language of ``vocabulary`` (default: the bot's own language files).

    Missing parts take defaults (daily, 09:00, ``default_zone``, Mondays); every word that
    is not understood is reported, so one reply corrects everything at once.
    """
    reading = _Reading()
    for word, meaning in _words(args, vocabulary or default_vocabulary()):
        reading.read(word, meaning)
    frequency, at, zone, weekday = reading.frequency, reading.at, reading.zone, reading.weekday
    problems = reading.problems
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
            "lang": str,
        },
        pk="chat_id",
        if_not_exists=True,
    )
    columns = {r[1] for r in db.execute(f"PRAGMA table_info({TABLE})").fetchall()}
    if "lang" not in columns:  # a store from before digests spoke languages
        db.execute(f"ALTER TABLE {TABLE} ADD COLUMN lang TEXT")
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
        "lang": sub.lang,
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
        lang=str(row["lang"]) if row.get("lang") is not None else None,
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
    return list(each_active(db))


def each_active(db: Database) -> Iterator[Subscription]:
    """:func:`active`, one row at a time (planning a run stays flat in the audience)."""
    ensure_table(db)
    for row in db[TABLE].rows_where("active = 1", order_by="chat_id"):
        sub = _readable(row)
        if sub is None:
            log.warning("digest subscription of chat %s is unusable; skipped", row.get("chat_id"))
            continue
        yield sub


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
        # Streamed, keeping only the bad rows (changed once the reading is over).
        bad = [row for row in db[TABLE].rows_where("active = 1") if _readable(row) is None]
        for row in bad:
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
    except (TypeError, ValueError, KeyError):
        found = Quarantined(chat_id, UNREADABLE, "the stored schedule cannot be read")
    log.warning("digest subscription of chat %s paused: %s", chat_id, found.detail)
    db.execute(
        f"UPDATE {TABLE} SET active = 0, ended = ?, updated = ? WHERE chat_id = ?",
        [found.reason, now.isoformat(), chat_id],
    )
    # said in the chat's language when it is sent (notices.Notice.say)
    notices.add(db, chat_id, f"{found.reason}:{zone}", f"digests paused: {found.detail}", now)
    return found


def subscribe(
    db: Database,
    chat_id: int,
    user_id: int | None,
    schedule: Schedule,
    now: dtm.datetime,
    lang: str | None = None,
) -> Subscription:
    """Start or change a chat's subscription. The same schedule again changes nothing (so a
    repeated /subscribe cannot make an earlier slot due again) but the language (``lang``:
    the chat's at subscribe time, None: unknown). A zone that does not load is refused
    here, so no caller can store one."""
    if load_zone(schedule.timezone) is None:
        raise ValueError(f"time zone {schedule.timezone!r} does not exist")
    current = get(db, chat_id)
    if current is not None and current.active and current.schedule == schedule:
        if lang is not None and lang != current.lang:
            with db.atomic():
                db.execute(f"UPDATE {TABLE} SET lang = ? WHERE chat_id = ?", [lang, chat_id])
            return replace(current, lang=lang)
        return current
    sub = Subscription(chat_id, user_id, schedule, since=now, lang=lang)
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
