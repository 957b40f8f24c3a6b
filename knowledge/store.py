"""The SQLite store: the checked knowledge, built with sqlite-utils, readable with its CLI.

The store is derived data: it is (re)built from the knowledge files whenever they change, in
one transaction, so a reader never sees half a build and a bad file never replaces a good
store. Other tables in the same file (subscriptions, logs) are never touched by a build.
Problems with the file itself (where it is, damage) are handled in ``knowledge.storefile``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from knowledge.basics import split_sentences as split_sentences  # offered here too
from knowledge.loading import (
    DEFAULT_LANGUAGE,
    DEFAULT_RECORD,
    Knowledge,
    KnowledgeError,
    fingerprint,
    knowledge_paths,
    load_files,
    normalise_quotes,
)
from knowledge.models import Language, LanguagePack, Record, RecordTranslation
from knowledge.storebase import SCHEMA_VERSION
from knowledge.storebase import Store as Store  # offered here too
from knowledge.storefile import describe, is_damage, move_aside, open_database

KNOWLEDGE_TABLES = (
    "visit",
    "people",
    "areas",
    "unnamed_areas",
    "targets",
    "statements",
    "topics",
    "topic_sources",
    "sentences",
    "updates",
)


def _meta(db: Database) -> dict[str, str]:
    if "meta" not in db.table_names():
        return {}
    return {row["key"]: row["value"] for row in db.table("meta").rows}


def _drop_knowledge(db: Database) -> None:
    existing = set(db.table_names())
    if "sentences" in existing and db.table("sentences").detect_fts():
        db.table("sentences").disable_fts()
    for name in KNOWLEDGE_TABLES:
        if name in db.table_names():
            db.table(name).drop()


def _topic_rows(record: Record) -> Iterator[dict[str, Any]]:
    kinds: list[tuple[str, list[Any]]] = [
        ("person", record.people),
        ("area", record.agreements.named),
        ("target", record.targets),
        ("statement", record.statements),
        ("fact", record.facts),
        ("gap", record.gaps),
    ]
    for kind, items in kinds:
        for item in items:
            yield {
                "id": item.id,
                "kind": kind,
                "intent": getattr(item, "intent", None),
                "ask": item.ask,
                "answer": item.answer,
                "sources": item.sources,
            }


def _sentence_numbers(quote: str, sentences: list[str]) -> list[int]:
    wanted = normalise_quotes(quote)
    normalised = [normalise_quotes(s) for s in sentences]
    found = [i for i, s in enumerate(normalised) if wanted in s or s in wanted]
    return found


def build(knowledge: Knowledge, db_path: Path) -> None:
    """Write ``knowledge`` into the store at ``db_path`` in one transaction."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(db_path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        _write(db, knowledge)
    finally:
        db.close()


def _write(db: Database, knowledge: Knowledge) -> None:
    record = knowledge.record
    sentences = split_sentences(knowledge.source_text)
    with db.atomic():
        _drop_knowledge(db)
        visit = record.visit.model_dump()
        visit["sources"] = json.dumps(visit["sources"])
        db.table("visit").insert(visit)
        db.table("people").insert_all(
            (p.model_dump(include={"id", "name", "short", "role", "country", "aliases", "answer"}))
            for p in record.people
        )
        db.table("areas").insert_all(
            (
                {
                    "id": a.id,
                    "name": a.name,
                    "group": a.group,
                    "aliases": a.aliases,
                    "answer": a.answer,
                    "source": a.sources[0],
                }
                for a in record.agreements.named
            ),
            pk="id",
        )
        db.table("unnamed_areas").insert_all(
            (u.model_dump() for u in record.agreements.unnamed), pk="id"
        )
        db.table("targets").insert_all(
            (
                t.model_dump(include={"id", "figure", "deadline", "context", "answer"})
                for t in record.targets
            ),
            pk="id",
        )
        db.table("statements").insert_all(
            (
                s.model_dump(include={"id", "speaker", "clause", "key", "answer"})
                for s in record.statements
            ),
            pk="id",
        )
        db.table("topics").insert_all(_topic_rows(record), pk="id")
        db.table("sentences").insert_all(
            ({"n": i, "text": s} for i, s in enumerate(sentences)), pk="n"
        )
        db.table("sentences").enable_fts(["text"], tokenize="porter", create_triggers=False)
        db.table("topic_sources").insert_all(
            (
                {"topic": row["id"], "sentence": n}
                for row in _topic_rows(record)
                for quote in row["sources"]
                for n in _sentence_numbers(quote, sentences)
            ),
            foreign_keys=[("topic", "topics", "id"), ("sentence", "sentences", "n")],
        )
        db.table("updates").insert_all((u.model_dump() for u in record.updates), pk="id")
        db.table("updates").create(  # keep the table even when there are no updates yet
            {"id": str, "date": str, "text": str, "source": str}, pk="id", if_not_exists=True
        )
        meta = {
            "schema_version": SCHEMA_VERSION,
            "fingerprint": knowledge.fingerprint,
            "record_path": str(knowledge.record_path),
            "language_path": str(knowledge.language_path),
            "record_json": record.model_dump_json(),
            "language_json": knowledge.language.model_dump_json(),
            "source_text": knowledge.source_text,
            "languages_json": json.dumps(
                {k: v.model_dump(mode="json") for k, v in knowledge.languages.items()}
            ),
            "translations_json": json.dumps(
                {k: v.model_dump(mode="json") for k, v in knowledge.translations.items()}
            ),
        }
        db.table("meta").upsert_all(({"key": k, "value": v} for k, v in meta.items()), pk="key")


def knowledge_of(meta: dict[str, str]) -> Knowledge:
    """The checked knowledge a store's meta table holds."""
    return Knowledge(
        record=Record.model_validate_json(meta["record_json"]),
        language=Language.model_validate_json(meta["language_json"]),
        source_text=meta["source_text"],
        record_path=Path(meta["record_path"]),
        language_path=Path(meta["language_path"]),
        fingerprint=meta["fingerprint"],
        languages={
            k: LanguagePack.model_validate(v) for k, v in json.loads(meta["languages_json"]).items()
        },
        translations={
            k: RecordTranslation.model_validate(v)
            for k, v in json.loads(meta["translations_json"]).items()
        },
    )


def _current_fingerprint(
    record_path: Path, language_path: Path, meta: dict[str, str]
) -> str | None:
    """The inputs' hash now, if the stored build was made from these same files."""
    if meta.get("record_path") != str(record_path) or meta.get("language_path") != str(
        language_path
    ):
        return None
    try:
        stored = Record.model_validate_json(meta["record_json"])
        source = record_path.parent / stored.source_file
        return fingerprint(*knowledge_paths(record_path, language_path, source))
    except (OSError, ValueError):
        return None


def open_store(
    db_path: Path,
    record_path: Path = DEFAULT_RECORD,
    language_path: Path = DEFAULT_LANGUAGE,
    *,
    force: bool = False,
) -> Store:
    """Open the store, building or rebuilding it first when the knowledge files changed.

    If the files are broken but an earlier good build exists, that build is kept and used,
    and ``Store.warning`` says what is wrong; with no good build, KnowledgeError is raised.
    ``force`` (``visitbot kb build``) asks for a build from the files now: broken files raise
    KnowledgeError even when an old build exists (which is left as it was), so a build is
    never reported when none happened.
    """
    db_path, record_path, language_path = Path(db_path), Path(record_path), Path(language_path)
    db, meta, aside = _open_file(db_path)
    fresh = (
        not force
        and meta.get("schema_version") == SCHEMA_VERSION
        and _current_fingerprint(record_path, language_path, meta) == meta.get("fingerprint")
    )
    if fresh:
        return Store(db=db, knowledge=knowledge_of(meta), rebuilt=False, moved_aside=aside)
    try:
        knowledge = load_files(record_path, language_path)
    except KnowledgeError as err:
        if not force and meta.get("schema_version") == SCHEMA_VERSION and "record_json" in meta:
            return Store(db=db, knowledge=knowledge_of(meta), rebuilt=False, warning=str(err))
        db.close()
        raise
    try:
        db.execute("PRAGMA journal_mode=WAL")
        _write(db, knowledge)
    except sqlite3.Error as err:
        db.close()
        raise describe(db_path, err) from None
    return Store(db=db, knowledge=knowledge, rebuilt=True, moved_aside=aside)


def _open_file(db_path: Path) -> tuple[Database, dict[str, str], Path | None]:
    """The open store, its meta table and where a damaged file was moved (see storefile)."""
    db, aside = open_database(db_path)
    try:
        return db, _meta(db), aside
    except sqlite3.DatabaseError as err:
        db.close()
        if not is_damage(err):
            raise describe(db_path, err) from None
        aside = move_aside(db_path, str(err))
        return Database(db_path), {}, aside
