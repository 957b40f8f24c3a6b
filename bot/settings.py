"""Configuration from the environment and ``.env`` (documented in ``.env.example``).

A bad setting stops start-up with one line that names it; the token is a SecretStr so it
never lands in a log or a traceback by accident. (``ask`` and ``chat`` read only the paths
they need, the same way, through ``bot.paths``.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import paths
from bot.paths import default_store_path
from knowledge.basics import DEFAULT_LANGUAGE, DEFAULT_RECORD

# "123456789:AAH...": the bot's id, a colon, the secret (35 characters today). A token such
# as ":" would also make the log redactor replace every colon.
TOKEN_SHAPE = re.compile(r"[0-9]+:[A-Za-z0-9_-]{30,}")


SettingsError = paths.SettingsError  # defined there: the CLI reports it without this module


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias=AliasChoices("VISITBOT_ADMIN_IDS", "admin_ids")
    )
    store_path: Path = Field(
        default_factory=default_store_path,
        validation_alias=AliasChoices("VISITBOT_STORE", "store_path"),
    )
    record_path: Path = Field(
        default=DEFAULT_RECORD, validation_alias=AliasChoices("VISITBOT_RECORD", "record_path")
    )
    language_path: Path = Field(
        default=DEFAULT_LANGUAGE,
        validation_alias=AliasChoices("VISITBOT_LANGUAGE", "language_path"),
    )
    timezone: str = Field(
        default="Asia/Karachi", validation_alias=AliasChoices("VISITBOT_TIMEZONE", "timezone")
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("VISITBOT_LOG_LEVEL", "log_level")
    )
    # In the environment rather than on the command line, so it is not in the process list.
    webhook_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("VISITBOT_WEBHOOK_SECRET", "webhook_secret"),
    )
    memory_minutes: float = Field(
        default=30.0,
        gt=0,
        validation_alias=AliasChoices("VISITBOT_MEMORY_MINUTES", "memory_minutes"),
    )
    # Digest messages in flight at once: enough to reach Telegram's 30/s when the server is
    # far from it (10 covers a 200 ms round trip); also the most a crash leaves undecided.
    # The same default as bot.delivery.DEFAULT_IN_FLIGHT (not imported: start-up stays light).
    digest_in_flight: int = Field(
        default=10,
        ge=1,
        le=30,
        validation_alias=AliasChoices("VISITBOT_DIGEST_IN_FLIGHT", "digest_in_flight"),
    )

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not TOKEN_SHAPE.fullmatch(value):
                raise ValueError(
                    "does not look like a bot token (expected digits, a colon and 30 or more "
                    "letters, digits, '_' or '-', as @BotFather gives it)"
                )
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
                raise ValueError("must be 1-256 characters A-Z, a-z, 0-9, _ or - (Telegram's rule)")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: 'Asia' is a folder
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Karachi)") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def secret(self) -> str | None:
        """The webhook secret from VISITBOT_WEBHOOK_SECRET (``--secret`` overrides it)."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None


ENV_NAMES = {
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "telegram_api_base_url": "TELEGRAM_API_BASE_URL",
    "admin_ids": "VISITBOT_ADMIN_IDS",
    "store_path": "VISITBOT_STORE",
    "record_path": "VISITBOT_RECORD",
    "language_path": "VISITBOT_LANGUAGE",
    "timezone": "VISITBOT_TIMEZONE",
    "log_level": "VISITBOT_LOG_LEVEL",
    "webhook_secret": "VISITBOT_WEBHOOK_SECRET",
    "memory_minutes": "VISITBOT_MEMORY_MINUTES",
    "digest_in_flight": "VISITBOT_DIGEST_IN_FLIGHT",
}


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, or SettingsError naming the bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        name = ENV_NAMES.get(name, name)
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"setting {name}: {message}") from None
