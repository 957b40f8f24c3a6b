"""Where the store and the knowledge files are: the only settings ``ask`` and ``chat`` use.

They are read as ``bot.settings`` reads them (the environment, then ``.env`` in the current
folder; the same names; upper or lower case), but without pydantic-settings, whose import is
about a quarter of a cold ``visitbot ask``. Only plain ``.env`` lines are read here
(``NAME=value``, quoted or not, ``export``, comments); a file with anything else (``$``
expansions, escapes, a value over several lines) returns None and the caller loads the full
settings, so the two readers never disagree. So does any other setting being set (a token,
a time zone...): a bad one must still stop ``ask`` with the line that names it, so then the
full, validated ``Settings`` are loaded. The Telegram bot and every other command always
load them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from knowledge.basics import DEFAULT_LANGUAGE, DEFAULT_RECORD

ENV_FILE = Path(".env")
# each setting's names, in the order bot.settings.Settings tries them
NAMES = {
    "store_path": ("visitbot_store", "store_path"),
    "record_path": ("visitbot_record", "record_path"),
    "language_path": ("visitbot_language", "language_path"),
}

# every other name bot.settings.Settings reads (lower case); tests/test_paths.py keeps it whole
CHECKED = frozenset(
    {
        "telegram_bot_token",
        "telegram_api_base_url",
        "visitbot_admin_ids",
        "admin_ids",
        "visitbot_timezone",
        "timezone",
        "visitbot_log_level",
        "log_level",
        "visitbot_webhook_secret",
        "webhook_secret",
        "visitbot_memory_minutes",
        "memory_minutes",
        "visitbot_digest_in_flight",
        "digest_in_flight",
    }
)


class SettingsError(Exception):
    """One line naming the setting that is wrong (raised by ``bot.settings``)."""


class HasPaths(Protocol):
    """Settings enough to open a brain: ``Paths`` or the full ``bot.settings.Settings``."""

    @property
    def store_path(self) -> Path: ...
    @property
    def record_path(self) -> Path: ...
    @property
    def language_path(self) -> Path: ...


@dataclass(frozen=True)
class Paths:
    store_path: Path
    record_path: Path
    language_path: Path


def default_store_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "visitbot" / "visitbot.db"


def _plain_value(raw: str) -> str | None:
    """The value of one ``.env`` line, or None when it is not a plain one."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        rest = raw[end + 1 :].strip() if end > 0 else "#"
        if end < 0 or (rest and not rest.startswith("#")) or "\\" in raw[:end]:
            return None
        value = raw[1:end]
        return None if quote == '"' and "$" in value else value
    value = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
    return None if "$" in value or "\\" in value or value[:1] in ("'", '"') else value


def read_env_file(path: Path) -> dict[str, str] | None:
    """The names (lower case) and values of a plain ``.env`` file; None if it is not plain."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        return None
    found: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        name, equals, raw = line.partition("=")
        value = _plain_value(raw) if equals else None
        if value is None or not name.strip().replace("_", "").isalnum():
            return None
        found[name.strip().lower()] = value
    return found


def load_paths() -> Paths | None:
    """The paths from the environment and ``.env``; None when ``.env`` is not plain or
    another setting is given (it must be checked: see the module's docstring)."""
    from_file = read_env_file(ENV_FILE)
    if from_file is None:
        return None
    values = {**from_file, **{k.lower(): v for k, v in os.environ.items()}}
    if not CHECKED.isdisjoint(values):
        return None

    def pick(field: str) -> str | None:
        return next((values[n] for n in NAMES[field] if n in values), None)

    store, record, language = (pick(field) for field in NAMES)
    return Paths(
        store_path=Path(store) if store is not None else default_store_path(),
        record_path=Path(record) if record is not None else DEFAULT_RECORD,
        language_path=Path(language) if language is not None else DEFAULT_LANGUAGE,
    )
