"""Running it for real: ``visitbot backup`` and ``visitbot doctor`` as an operator runs them
(separate processes, configured through the environment, against the Bot API stand-in), and
the README listing every command."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from sqlite_utils import Database

from bot import subscriptions
from bot.cli import parser
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD
from knowledge.store import open_store
from tests.fake_botapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
VISITBOT = Path(sys.executable).parent / "visitbot"


def visitbot(*args: str, store: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "VISITBOT_")) and not k.upper().endswith("_PROXY")
    }
    environment.update(VISITBOT_STORE=str(store), NO_PROXY="127.0.0.1,localhost", **env)
    return subprocess.run(
        [str(VISITBOT), *args], capture_output=True, text=True, timeout=60, env=environment,
        cwd=store.parent,
    )  # fmt: skip


def built(path: Path) -> Path:
    open_store(path, DEFAULT_RECORD, DEFAULT_LANGUAGE).close()
    return path


# -- backup --------------------------------------------------------------------------------


def test_backup_while_another_connection_writes_restores_whole_and_consistent(
    store_path: Path, tmp_path: Path
) -> None:
    built(store_path)
    stop, batches = threading.Event(), [0]

    def write_pairs() -> None:  # each transaction adds two rows: a copy must hold pairs only
        db = sqlite3.connect(store_path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS pairs (batch INTEGER, side TEXT)")
        db.commit()
        while not stop.is_set() and batches[0] < 200_000:
            with db:
                db.execute("INSERT INTO pairs VALUES (?, 'a')", [batches[0]])
                db.execute("INSERT INTO pairs VALUES (?, 'b')", [batches[0]])
            batches[0] += 1
        db.close()

    writer = threading.Thread(target=write_pairs)
    writer.start()
    try:
        while batches[0] < 50 and writer.is_alive():
            stop.wait(0.01)
        result = visitbot("backup", str(tmp_path / "copy.db"), store=store_path)
        during = batches[0]
    finally:
        stop.set()
        writer.join(timeout=30)

    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    rows = copy.execute("SELECT count(*), count(DISTINCT batch) FROM pairs").fetchone()
    assert rows[0] == 2 * rows[1] and 0 < rows[1] <= during  # whole transactions only
    assert copy.execute("SELECT count(*) FROM topics").fetchone()[0] > 40
    restored = open_store(tmp_path / "copy.db", DEFAULT_RECORD, DEFAULT_LANGUAGE)
    assert restored.rebuilt is False and restored.knowledge.record.agreements.total == 37
    restored.close()


def test_backup_never_overwrites_and_a_missing_store_says_so_in_one_line(
    store_path: Path, tmp_path: Path
) -> None:
    missing = visitbot("backup", str(tmp_path / "copy.db"), store=store_path)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    assert f"no store at {store_path}" in missing.stderr
    built(store_path)
    (tmp_path / "taken.db").write_text("keep me")
    taken = visitbot("backup", str(tmp_path / "taken.db"), store=store_path)
    assert taken.returncode == 1 and "already exists" in taken.stderr
    assert (tmp_path / "taken.db").read_text() == "keep me"
    into_folder = visitbot("backup", str(tmp_path), store=store_path)
    assert into_folder.returncode == 0, into_folder.stderr
    assert len(list(tmp_path.glob("visitbot-*.db"))) == 1


# -- doctor --------------------------------------------------------------------------------


def subscribe_rows(path: Path, zones: dict[int, str]) -> None:
    db = Database(path)
    subscriptions.ensure_table(db)
    for chat, zone in zones.items():  # written as a buggy older version might have
        db[subscriptions.TABLE].insert(
            {"chat_id": chat, "user_id": chat, "frequency": "daily", "weekday": None,
             "at": "09:00", "timezone": zone, "since": "2025-02-04T00:00:00+00:00",
             "active": 1, "ended": None, "updated": "2025-02-04T00:00:00+00:00"}
        )  # fmt: skip
    db.close()


def test_doctor_reports_each_check_on_one_line_and_exits_0_when_all_pass(
    store_path: Path,
) -> None:
    subscribe_rows(built(store_path), {501: "Asia/Karachi", 502: "Asia/Almaty"})
    with FakeBotAPI() as server:
        result = visitbot(
            "doctor",
            store=store_path,
            TELEGRAM_BOT_TOKEN=server.token,
            TELEGRAM_API_BASE_URL=server.base_url,
        )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(":")[0].split(maxsplit=1) for line in lines] == [
        ["ok", "token"], ["ok", "webhook"], ["ok", "store"], ["ok", "record"],
        ["ok", "time zones"],
    ]  # fmt: skip
    assert "@visit_test_bot" in lines[0] and "long polling" in lines[1]
    assert "intact and writable" in lines[2] and "all 2 subscriptions" in lines[4]
    assert server.token.split(":")[1] not in result.stdout + result.stderr


def test_doctor_fails_on_a_refused_token_a_bad_zone_and_a_broken_record(
    store_path: Path, tmp_path: Path
) -> None:
    subscribe_rows(built(store_path), {501: "Asia/Karachi", 502: "Etc/GMT+13"})
    record = tmp_path / "broken.yaml"
    record.write_text("schema_version: 1\nsource_file: nowhere.txt\n")
    with FakeBotAPI() as server:
        result = visitbot(
            "doctor",
            store=store_path,
            TELEGRAM_BOT_TOKEN="123456789:refused-by-the-server-ABCDEFGHIJKLMNOP",
            TELEGRAM_API_BASE_URL=server.base_url,
            VISITBOT_RECORD=str(record),
        )
    lines = {line.split(":")[0].split(maxsplit=1)[1]: line for line in result.stdout.splitlines()}
    assert result.returncode == 1
    assert lines["token"].startswith("FAIL") and "refused" in lines["token"]
    assert lines["store"].startswith("ok")
    assert lines["record"].startswith("FAIL") and str(record) in lines["record"]
    assert lines["time zones"].startswith("FAIL") and "chat 502 'Etc/GMT+13'" in lines["time zones"]
    assert "refused-by-the-server-ABCDEFGHIJKLMNOP" not in result.stdout + result.stderr


def test_doctor_finds_a_damaged_store_without_moving_it(store_path: Path) -> None:
    store_path.write_bytes(b"this is not a database" * 100)
    result = visitbot("doctor", store=store_path)
    store_line = next(line for line in result.stdout.splitlines() if " store:" in line)
    assert result.returncode == 1 and store_line.startswith("FAIL") and "damaged" in store_line
    assert store_path.read_bytes().startswith(b"this is not")  # reported, left in place


# -- the README ----------------------------------------------------------------------------


def test_the_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `visitbot ([a-z]+)", readme, flags=re.MULTILINE)
    commands = set(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands - set(table) == set(), "missing from the README's commands table"


def test_the_systemd_unit_restarts_on_failure_keeps_state_and_reads_an_environment_file() -> None:
    unit = (ROOT / "deploy" / "visitbot.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0] != "#"
    )
    assert settings["Restart"] == "on-failure"
    assert settings["EnvironmentFile"].startswith("/etc/")
    state = settings["StateDirectory"]
    assert settings["Environment"] == f"VISITBOT_STORE=/var/lib/{state}/visitbot.db"
    command = settings["ExecStart"].split()
    assert command[0].endswith("/visitbot") and command[1] in set(
        parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    )
    assert "--secret" not in unit.replace("# ", "")  # the secret comes from the environment
