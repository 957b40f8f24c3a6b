"""Digest handlers: placeholder until the digest issue (#4) lands; registers nothing yet."""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the digest commands and rebuild scheduled jobs. Not built yet (issue #4)."""
