"""Read and check the knowledge files, with errors a person can act on.

A mistake in a knowledge file must never reach users as a wrong answer, nor take the bot
down: every problem is reported as FILE, FIELD and WHAT IS WRONG, before the store is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge import basics
from knowledge.models import (
    Language,
    LanguagePack,
    LanguageProfile,
    Record,
    RecordTranslation,
    TextsFile,
)

# Offered here too, under their old names: they live in knowledge.basics, which answering
# imports without pydantic or YAML.
PACKAGE_DIR = basics.PACKAGE_DIR
KnowledgeError = basics.KnowledgeError
DEFAULT_RECORD = basics.DEFAULT_RECORD
DEFAULT_LANGUAGE = basics.DEFAULT_LANGUAGE
DEFAULT_LANGUAGES_DIR = basics.DEFAULT_LANGUAGES_DIR
QTYPE_CONCEPTS = basics.QTYPE_CONCEPTS
Knowledge = basics.Knowledge
normalise_quotes = basics.normalise_quotes
fingerprint = basics.fingerprint
languages_dir = basics.languages_dir
translation_paths = basics.translation_paths
knowledge_paths = basics.knowledge_paths
PROFILE_FILE = "profile.yaml"


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(path, "(file)", "file not found") from None
    except UnicodeDecodeError as err:
        raise KnowledgeError(path, "(file)", f"not UTF-8 text ({err.reason})") from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(syntax)"
        problem = getattr(err, "problem", None) or str(err)
        raise KnowledgeError(path, where, f"YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(path, "(top level)", "must be a mapping of fields")
    return data


M = TypeVar("M", bound=BaseModel)


def _validate(model: type[M], path: Path, data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        problem = first["msg"]
        if first["type"] == "missing":
            problem = "required field is missing"
        elif "input" in first and first["type"] not in ("missing",):
            shown = repr(first["input"])
            problem = f"{problem} (got {shown[:60]})"
        more = len(err.errors()) - 1
        if more:
            problem += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise KnowledgeError(path, field, problem) from None


def _check_provenance(record: Record, path: Path, source_text: str) -> None:
    """Every quoted source sentence must occur, word for word, in the source document."""
    document = normalise_quotes(source_text)

    def check(field: str, sentence: str) -> None:
        if normalise_quotes(sentence) not in document:
            raise KnowledgeError(
                path, field, f"source sentence not found in {record.source_file}: {sentence[:80]!r}"
            )

    for i, sentence in enumerate(record.visit.sources):
        check(f"visit.sources.{i}", sentence)
    for i, sentence in enumerate(record.agreements.sources):
        check(f"agreements.sources.{i}", sentence)
    for i, unnamed in enumerate(record.agreements.unnamed):
        for j, sentence in enumerate(unnamed.sources):
            check(f"agreements.unnamed.{i}.sources.{j}", sentence)
    for section, items in _sections(record):
        for i, item in enumerate(items):
            for j, sentence in enumerate(item.sources):
                check(f"{section}.{i}.sources.{j}", sentence)


def _sections(record: Record) -> list[tuple[str, list[Any]]]:
    return [
        ("people", record.people),
        ("agreements.named", record.agreements.named),
        ("targets", record.targets),
        ("statements", record.statements),
        ("facts", record.facts),
        ("gaps", record.gaps),
    ]


def known_concepts(record: Record, language: Language) -> set[str]:
    """Concept ids a topic may refer to: declared ones, item aliases, and question kinds."""
    ids = set(language.concepts) | set(record.concepts) | set(QTYPE_CONCEPTS)
    ids |= {p.id for p in record.people} | {a.id for a in record.agreements.named}
    ids |= {u.id for u in record.agreements.unnamed}
    return ids


def topic_ids(record: Record) -> set[str]:
    """Ids a ``next`` list may point at, including each person's generated "what did X say"."""
    ids = {item.id for item in record.askables()}
    ids |= {u.id for u in record.agreements.unnamed}
    ids |= {f"{p.id}_said" for p in record.people}
    speakers = {s.speaker for s in record.statements if s.speaker}
    speakers |= {t.person for t in record.targets if t.person and t.clause}
    if len(speakers) > 1:
        ids.add("leaders_said")  # "what did the leaders say": bot.brain.topics._leaders_said
    return ids


def _require_known(
    names: Iterable[str], known: set[str], path: Path, where: str, what: str
) -> None:
    """The first of ``names`` not in ``known`` is an error at ``where``."""
    for name in names:
        if name not in known:
            raise KnowledgeError(path, where, f"unknown {what} {name!r}")


def _check_references(record: Record, language: Language, path: Path) -> None:
    concepts = known_concepts(record, language)
    topics = topic_ids(record)
    people = {p.id for p in record.people}
    _require_known(record.anchors, concepts, path, "anchors", "concept")
    _require_known(record.together, concepts, path, "together", "concept")
    _require_known(record.agreements.signals, concepts, path, "agreements.signals", "concept")
    for section, items in _sections(record):
        for i, item in enumerate(items):
            for g, group in enumerate(item.about):
                _require_known(group, concepts, path, f"{section}.{i}.about.{g}", "concept")
            _require_known(item.signals, concepts, path, f"{section}.{i}.signals", "concept")
            _require_known(item.next, topics, path, f"{section}.{i}.next", "topic id")
            person = [] if item.person is None else [item.person]
            _require_known(person, people, path, f"{section}.{i}.person", "person")
    for i, group in enumerate(record.menu):
        _require_known(group.topics, topics, path, f"menu.{i}.topics", "topic id")
    areas = {a.id for a in record.agreements.named}
    for i, unnamed in enumerate(record.agreements.unnamed):
        where = f"agreements.unnamed.{i}.related_areas"
        _require_known(unnamed.related_areas, areas, path, where, "area")


def load_files(
    record_path: Path = DEFAULT_RECORD, language_path: Path = DEFAULT_LANGUAGE
) -> Knowledge:
    """Read, validate and cross-check the knowledge files; raise KnowledgeError on any problem."""
    record_path, language_path = Path(record_path), Path(language_path)
    language = _validate(Language, language_path, _read_yaml(language_path))
    record = _validate(Record, record_path, _read_yaml(record_path))
    source_path = record_path.parent / record.source_file
    try:
        source_text = source_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(record_path, "source_file", f"{source_path} not found") from None
    _check_provenance(record, record_path, source_text)
    _check_references(record, language, record_path)
    languages = load_languages(languages_dir(language_path))
    translations = load_translations(record_path, languages)
    return Knowledge(
        record=record,
        language=language,
        source_text=source_text,
        record_path=record_path,
        language_path=language_path,
        fingerprint=fingerprint(*knowledge_paths(record_path, language_path, source_path)),
        languages=languages,
        translations=translations,
    )


def load_languages(directory: Path) -> dict[str, LanguagePack]:
    """Every language of ``directory`` (one folder each), English first, then by ``order``.

    A key defined in two files of one language is an error: which one wins would be luck."""
    packs: list[LanguagePack] = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        profile = _validate(
            LanguageProfile, folder / PROFILE_FILE, _read_yaml(folder / PROFILE_FILE)
        )
        if profile.code != folder.name:
            raise KnowledgeError(
                folder / PROFILE_FILE, "code", f"must be the folder's name {folder.name!r}"
            )
        texts: dict[str, str] = {}
        for path in sorted(folder.glob("*.yaml")):
            if path.name == PROFILE_FILE:
                continue
            for key, text in _validate(TextsFile, path, _read_yaml(path)).texts.items():
                if key in texts:
                    raise KnowledgeError(path, f"texts.{key}", "defined in another file too")
                texts[key] = text
        packs.append(LanguagePack(profile=profile, texts=texts))
    if not any(p.profile.code == "en" for p in packs):
        raise KnowledgeError(directory, "en", "English texts are missing")
    packs.sort(key=lambda p: (p.profile.code != "en", p.profile.order, p.profile.code))
    return {p.profile.code: p for p in packs}


def load_translations(
    record_path: Path, languages: dict[str, LanguagePack]
) -> dict[str, RecordTranslation]:
    """The record's translations into languages the bot speaks (others are ignored)."""
    found: dict[str, RecordTranslation] = {}
    for path in translation_paths(record_path):
        code = path.name[len(Path(record_path).stem) + 1 : -len(".yaml")]
        if code not in languages:
            continue
        translation = _validate(RecordTranslation, path, _read_yaml(path))
        if translation.language != code:
            raise KnowledgeError(path, "language", f"must be {code!r}, as in the file name")
        found[code] = translation
    return found
