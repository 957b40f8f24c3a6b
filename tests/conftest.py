"""Shared fixtures: a real store built from the real knowledge files, and the brain on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.brain import Brain
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD
from knowledge.store import Store, open_store
from tests.fake_botapi import FakeBotAPI

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(
        tmp_path_factory.mktemp("store") / "visitbot.db", DEFAULT_RECORD, DEFAULT_LANGUAGE
    )
    yield store
    store.close()


@pytest.fixture(scope="session")
def brain(session_store: Store) -> Brain:
    """One brain for the whole run: building it is cheap but not free."""
    return Brain(session_store.knowledge, session_store)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A fresh store file for tests that write (subscriptions, logs, rebuilds)."""
    return tmp_path / "visitbot.db"


@pytest.fixture
def server() -> Iterator[FakeBotAPI]:
    """A local Bot API stand-in on 127.0.0.1, for the tests that talk to Telegram."""
    with FakeBotAPI(max_long_poll=2.0) as srv:
        yield srv
