"""``ask`` and ``chat`` read their paths without pydantic-settings (bot.paths): they must
find the same paths as the full settings, or step aside for them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dotenv import dotenv_values
from pydantic import AliasChoices

from bot.paths import CHECKED, NAMES, load_paths, read_env_file
from bot.settings import Settings, load_settings

PLAIN = """# the store
export VISITBOT_STORE=/srv/visitbot/store.db   # where it lives
visitbot_record='/srv/knowledge/visit.yaml'
VISITBOT_LANGUAGE="/srv/knowledge/language file.yaml"

OTHER_THING = kept as it is
"""


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in os.environ:
        if name.lower() in CHECKED or name.lower() in {n for ns in NAMES.values() for n in ns}:
            monkeypatch.delenv(name)


def _same_as_settings() -> None:
    paths, settings = load_paths(), load_settings()
    assert paths is not None
    assert (paths.store_path, paths.record_path, paths.language_path) == (
        settings.store_path,
        settings.record_path,
        settings.language_path,
    )


def test_every_name_the_settings_read_is_known() -> None:
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        names.add(name)
        alias = field.validation_alias or field.alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
        names.update(str(c) for c in choices if c)
    known = CHECKED | {n for ns in NAMES.values() for n in ns} | set(NAMES)
    assert {n.lower() for n in names} <= known


def test_the_paths_are_the_settings_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    _same_as_settings()  # defaults
    Path(".env").write_text(PLAIN, encoding="utf-8")
    _same_as_settings()  # from .env
    monkeypatch.setenv("visitbot_store", "/elsewhere/store.db")
    monkeypatch.setenv("RECORD_PATH", "/elsewhere/visit.yaml")
    _same_as_settings()  # the environment over .env, any case, either name


def test_plain_env_files_read_as_dotenv_reads_them() -> None:
    Path(".env").write_text(PLAIN, encoding="utf-8")
    expected = {k.lower(): v for k, v in dotenv_values(".env").items()}
    assert read_env_file(Path(".env")) == expected


@pytest.mark.parametrize(
    "line",
    ['VISITBOT_STORE="${HOME}/store.db"', "VISITBOT_STORE=a\\ b", 'X="two\nlines"', "JUSTANAME"],
)
def test_anything_else_leaves_it_to_the_full_settings(line: str) -> None:
    Path(".env").write_text(line + "\n", encoding="utf-8")
    assert load_paths() is None


def test_another_setting_given_is_checked_by_the_full_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VISITBOT_TIMEZONE", "Asia/Karachi")
    assert load_paths() is None
