"""Issue 8 item 14: store trouble gives one line naming the problem and what to do, never a
traceback, and a damaged store is moved aside for inspection, never silently replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD
from knowledge.store import open_store

VISITBOT = Path(sys.executable).parent / "visitbot"


def visitbot(*args: str, store: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "VISITBOT_"))
    }
    environment.update(VISITBOT_STORE=str(store), **env)
    return subprocess.run(
        [str(VISITBOT), *args], capture_output=True, text=True, timeout=60, env=environment,
        cwd=store.parent if store.parent.is_dir() else None,
    )  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_store_in_a_folder_that_is_a_file_says_so_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    result = visitbot("ask", "hi", store=tmp_path / "notes.txt" / "visitbot.db")
    line = one_line(result)
    assert result.returncode == 1
    assert f"{tmp_path / 'notes.txt'} is a file, not a folder" in line
    assert "VISITBOT_STORE" in line


@pytest.mark.parametrize("command", [["ask", "hi"], ["run"], ["digest", "show"], ["kb", "build"]])
def test_a_folder_given_as_the_store_says_so_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    result = visitbot(
        *command, store=tmp_path, TELEGRAM_BOT_TOKEN="123:abcdefghijklmnopqrstuvwxyz0123456789"
    )
    line = one_line(result)
    assert result.returncode == 1
    assert f"store {tmp_path} is a folder, not a file" in line and "VISITBOT_STORE" in line


def damaged(kind: str, path: Path) -> bytes:
    if kind == "garbage":
        path.write_bytes(os.urandom(4096))
    else:
        open_store(path, DEFAULT_RECORD, DEFAULT_LANGUAGE).close()
        os.truncate(path, path.stat().st_size // 2)
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_a_damaged_store_is_moved_aside_said_so_and_a_fresh_one_built(
    store_path: Path, kind: str
) -> None:
    before = damaged(kind, store_path)

    result = visitbot("ask", "how many deals did they sign", store=store_path)

    assert result.returncode == 0 and "37" in result.stdout, result.stderr
    aside = list(store_path.parent.glob(f"{store_path.name}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == before  # kept, byte for byte
    line = one_line(result)
    assert str(aside[0]) in line and "damaged" in line
    again = visitbot("ask", "how many deals did they sign", store=store_path)
    assert again.returncode == 0 and again.stderr == ""  # the fresh store is whole


def test_a_second_damaged_store_does_not_overwrite_the_first_one_kept(store_path: Path) -> None:
    for _ in range(2):
        damaged("garbage", store_path)
        assert visitbot("kb", "path", store=store_path).returncode == 0
        assert visitbot("ask", "hi", store=store_path).returncode == 0
    assert len(list(store_path.parent.glob(f"{store_path.name}.corrupt-*"))) == 2
