"""The knowledge files and the store: validation with clear errors, provenance, atomic builds."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlite_utils import Database

from knowledge.loading import (
    DEFAULT_LANGUAGE,
    DEFAULT_RECORD,
    KnowledgeError,
    load_files,
    normalise_quotes,
)
from knowledge.store import KNOWLEDGE_TABLES, open_store, split_sentences
from knowledge.storefile import StoreError


@pytest.fixture
def record_dir(tmp_path: Path) -> Path:
    """A copy of the real record and its source, to break on purpose."""
    folder = tmp_path / "record"
    folder.mkdir()
    shutil.copy(DEFAULT_RECORD, folder / "visit.yaml")
    source = yaml.safe_load(DEFAULT_RECORD.read_text())["source_file"]
    shutil.copy(DEFAULT_RECORD.parent / source, folder / source)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_record_is_valid_and_every_quote_is_in_the_source() -> None:
    knowledge = load_files()
    record = knowledge.record
    document = normalise_quotes(knowledge.source_text)
    assert record.agreements.total == 37
    assert len(record.agreements.named) == 7
    assert record.visit.year is None  # the record gives no year
    quotes = [q for item in record.askables() for q in item.sources]
    assert len(quotes) > 40
    assert all(normalise_quotes(q) in document for q in quotes)


def test_the_shipped_source_is_the_shared_record() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared/record/pakistan-kazakhstan-visit.txt"
    if not shared.exists():
        pytest.skip("no shared record next to this checkout")
    shipped = DEFAULT_RECORD.parent / "pakistan-kazakhstan-visit.txt"
    assert shipped.read_text() == shared.read_text()


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("  total: 37\n", "", "agreements.total", "required field is missing"),
        ("  total: 37\n", "  total: many\n", "agreements.total", "valid integer"),
        (
            'sources: ["MoU on railway sector cooperation"]',
            'sources: ["MoU on railway and space cooperation"]',
            "agreements.named.1.sources.0",
            "not found in pakistan-kazakhstan-visit.txt",
        ),
        (
            "    about: [[award, congratulate]]\n",
            "    about: [[awardz, congratulate]]\n",
            "about",
            "unknown concept 'awardz'",
        ),
        ("  host: sharif\n", "  host: nobody\n", "visit.host", "not a person id"),
        ("scope:", "scope: [unclosed\nx:", "line", "YAML syntax error"),
    ],
)
def test_a_malformed_record_names_file_field_and_problem(
    record_dir: Path, old: str, new: str, field: str, problem: str
) -> None:
    path = record_dir / "visit.yaml"
    edit(path, old, new)
    with pytest.raises(KnowledgeError) as caught:
        load_files(path, DEFAULT_LANGUAGE)
    message = str(caught.value)
    assert str(path) in message
    assert field in message
    assert problem in message


def test_a_bad_record_leaves_the_last_good_store_in_place(
    record_dir: Path, store_path: Path
) -> None:
    path = record_dir / "visit.yaml"
    good = open_store(store_path, path, DEFAULT_LANGUAGE)
    assert good.rebuilt and good.warning is None
    good.close()
    edit(path, "  total: 37\n", "  total: thirty-seven\n")
    kept = open_store(store_path, path, DEFAULT_LANGUAGE)
    assert not kept.rebuilt
    assert kept.warning and "agreements.total" in kept.warning
    assert kept.knowledge.record.agreements.total == 37
    assert Database(store_path)["areas"].count == 7
    kept.close()


def test_with_no_good_store_a_bad_record_is_an_error(record_dir: Path, store_path: Path) -> None:
    path = record_dir / "visit.yaml"
    edit(path, "  total: 37\n", "")
    with pytest.raises(KnowledgeError, match=r"agreements\.total"):
        open_store(store_path, path, DEFAULT_LANGUAGE)


def test_the_store_is_rebuilt_when_the_record_changes(record_dir: Path, store_path: Path) -> None:
    path = record_dir / "visit.yaml"
    open_store(store_path, path, DEFAULT_LANGUAGE).close()
    again = open_store(store_path, path, DEFAULT_LANGUAGE)
    assert not again.rebuilt
    again.close()
    edit(path, 'title: "President Tokayev', 'title: "Kazakh President Tokayev')
    changed = open_store(store_path, path, DEFAULT_LANGUAGE)
    assert changed.rebuilt
    assert changed.knowledge.record.visit.title.startswith("Kazakh President")
    changed.close()


def test_a_rebuild_keeps_other_tables(record_dir: Path, store_path: Path) -> None:
    path = record_dir / "visit.yaml"
    open_store(store_path, path, DEFAULT_LANGUAGE).close()
    Database(store_path)["subscriptions"].insert({"chat_id": 1, "frequency": "daily"})
    open_store(store_path, path, DEFAULT_LANGUAGE, force=True).close()
    assert Database(store_path)["subscriptions"].count == 1


def test_a_failed_write_rolls_back_the_whole_build(
    record_dir: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that dies half-way leaves the previous build, not half of the new one."""
    from knowledge import store as store_module

    path = record_dir / "visit.yaml"
    open_store(store_path, path, DEFAULT_LANGUAGE).close()
    edit(path, 'title: "President Tokayev', 'title: "Changed')

    def explode(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(store_module, "_sentence_numbers", explode)
    with pytest.raises(StoreError, match="disk I/O error"):  # one line, not a traceback
        open_store(store_path, path, DEFAULT_LANGUAGE)
    db = Database(store_path)
    assert db["areas"].count == 7 and db["topics"].count > 40
    titles = [row["title"] for row in db["visit"].rows]
    assert titles == ["President Tokayev's visit to Pakistan"]


def test_the_store_has_the_documented_tables_and_full_text_search(store_path: Path) -> None:
    store = open_store(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    tables = set(store.db.table_names())
    assert set(KNOWLEDGE_TABLES) | {"meta", "sentences_fts"} <= tables
    assert store.search_sentences(["anthems"]) == [
        "The national anthems of both countries were played, and a decorated contingent "
        "presented a guard of honor to the distinguished guest."
    ]
    store.close()


def test_the_store_is_readable_with_the_sqlite_utils_cli(store_path: Path) -> None:
    open_store(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE).close()
    cli = Path(sys.executable).parent / "sqlite-utils"
    result = subprocess.run(
        [str(cli), "query", str(store_path), "select count(*) as n from areas"],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    assert '"n": 7' in result.stdout


def test_sentences_are_split_even_where_the_source_forgot_a_space() -> None:
    sentences = split_sentences(
        DEFAULT_RECORD.parent.joinpath("pakistan-kazakhstan-visit.txt").read_text()
    )
    assert (
        "The historic event marked the first visit to Pakistan by a Kazakh president in 23 years."
        in sentences
    )
    assert "MoU on railway sector cooperation" in sentences
