"""What every handler needs, built once at start-up and kept in ``application.bot_data``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.brain import Brain
from bot.settings import Settings

KEY = "services"


@dataclass
class Services:
    settings: Settings
    brain: Brain
    db: Database  # the store (knowledge tables plus user data: subscriptions, logs)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


def services_of(bot_data: Any) -> Services:
    """The Services object from ``context.bot_data`` (typed access for handlers)."""
    services = bot_data[KEY]
    assert isinstance(services, Services)
    return services
