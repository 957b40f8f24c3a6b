"""Checking translations against English: what ``visitbot kb check`` reports for languages.

A translation is only safe if it says what the English says: every fixed text and every
topic exists in every language, the {slots} are the same (a missing one loses a name, an
extra one shows braces), and no figure appears that its English lacks (a translator's
"2025" would be an invented fact). Each problem names the file, the key and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.brain.speech import ENGLISH, english_terms, slots
from bot.brain.topics import build_topics
from knowledge.loading import Knowledge, languages_dir
from knowledge.models import RecordTranslation

FIGURE = re.compile(r"\d+")


def problems(knowledge: Knowledge) -> list[str]:
    """Errors: a translation that would say something other than its English."""
    english = knowledge.languages[ENGLISH].texts
    found: list[str] = []
    folder = languages_dir(knowledge.language_path)
    for code, pack in knowledge.languages.items():
        if code != ENGLISH:
            found += _compare(folder / code, english, pack.texts, check_slots=True)
    for code, translation in knowledge.translations.items():
        found += list(_record_problems(knowledge, code, translation))
    return found


def missing_languages(knowledge: Knowledge) -> list[str]:
    """Warnings: languages the bot speaks that the record has no translation into."""
    stem = knowledge.record_path.stem
    return [
        f"{knowledge.record_path.parent / f'{stem}.{code}.yaml'}: missing: answers about this "
        f"record are in English for {pack.profile.name} speakers"
        for code, pack in knowledge.languages.items()
        if code != ENGLISH and code not in knowledge.translations
    ]


def _compare(
    where: Path,
    english: Mapping[str, str],
    theirs: Mapping[str, str],
    *,
    check_slots: bool,
    missing_ok: bool = False,
) -> Iterator[str]:
    for key, text in english.items():
        if key not in theirs:
            if not missing_ok:
                yield f"{where}: {key}: missing (English: {text[:50]!r})"
            continue
        if check_slots and slots(theirs[key]) != slots(text):
            yield (
                f"{where}: {key}: slots {sorted(slots(theirs[key]))} differ from English "
                f"{sorted(slots(text))}"
            )
        extra = set(FIGURE.findall(theirs[key])) - set(FIGURE.findall(text))
        if extra:
            yield f"{where}: {key}: figure {', '.join(sorted(extra))} is not in the English"
    for key in sorted(set(theirs) - set(english)):
        yield f"{where}: {key}: not an English key (a typo?)"


def _record_problems(
    knowledge: Knowledge, code: str, translation: RecordTranslation
) -> Iterator[str]:
    record = knowledge.record
    path = knowledge.record_path.parent / f"{knowledge.record_path.stem}.{code}.yaml"
    topics = build_topics(record)
    for field in ("ask", "answer"):
        english = {t.id: getattr(t, field) for t in topics.values()}
        theirs = {k: getattr(v, field) for k, v in translation.topics.items()}
        for problem in _compare(path, english, theirs, check_slots=False):
            yield problem.replace(f"{path}: ", f"{path}: topics.", 1).replace(
                ": missing", f".{field}: missing", 1
            )
    yield from (
        p.replace(f"{path}: ", f"{path}: terms.", 1)
        for p in _compare(path, english_terms(record), translation.terms, check_slots=False)
    )
    known = set(record.concepts) | {p.id for p in record.people}
    known |= {a.id for a in record.agreements.named} | {u.id for u in record.agreements.unnamed}
    for concept in sorted(set(translation.aliases) - known):
        yield f"{path}: aliases.{concept}: not a concept, person or area of the record"
    if len(translation.examples) != len(record.examples):
        yield (
            f"{path}: examples: {len(translation.examples)} given, the record has "
            f"{len(record.examples)}"
        )
