"""What answering needs of the knowledge package, without pydantic, YAML or sqlite-utils.

A cold ``visitbot ask`` loads a kept brain (bot.brain.cache) and answers: it must not pay
for the libraries that read and check the knowledge files (about half of its time and
memory). So the paths, the fingerprint that says whether the store is current, the kinds of
question and the text helpers live here; ``knowledge.loading``, ``knowledge.models`` and
``knowledge.store`` import them from here and keep offering them under their old names.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from knowledge.models import Language, LanguagePack, Record, RecordTranslation

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_RECORD = PACKAGE_DIR / "visit.yaml"
DEFAULT_LANGUAGE = PACKAGE_DIR / "language.yaml"
DEFAULT_LANGUAGES_DIR = PACKAGE_DIR / "languages"

QType = Literal[
    "count",
    "how_much",
    "how_long",
    "when",
    "where",
    "who",
    "whose",
    "names",
    "why",
    "how",
    "yes_no",
    "list",
    "what",
]
ALL_QTYPES: tuple[str, ...] = QType.__args__  # type: ignore[attr-defined]

# Concepts the understanding step adds by itself: one per kind of question ("when_q", ...).
QTYPE_CONCEPTS = frozenset(f"{q}_q" for q in ALL_QTYPES)


class KnowledgeError(Exception):
    """A knowledge file is unusable. ``str()`` names the file, the field and the problem."""

    def __init__(self, path: Path, field: str, problem: str) -> None:
        self.path, self.field, self.problem = path, field, problem
        super().__init__(f"{path}: {field}: {problem}")


@dataclass(frozen=True)
class Knowledge:
    """A checked record with its language and the text of its source document."""

    record: Record
    language: Language
    source_text: str
    record_path: Path
    language_path: Path
    fingerprint: str
    languages: dict[str, LanguagePack] = field(default_factory=dict)
    translations: dict[str, RecordTranslation] = field(default_factory=dict)


def normalise_quotes(text: str) -> str:
    """Typographic quotes and spacing differ between a document and a YAML file; facts don't."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(document: str) -> list[str]:
    """The document's sentences and list items, in order (headings included).

    The record has sentences glued together ("in 23 years.Kazakhstan's"), so a full stop
    followed directly by a capital also ends a sentence.
    """
    sentences: list[str] = []
    for line in document.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])|(?<=[a-z][.!?])(?=[A-Z])", line)
        sentences.extend(p.strip() for p in parts if p.strip())
    return sentences


def fingerprint(*paths: Path) -> str:
    """The content hash that decides whether the store must be rebuilt."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def languages_dir(language_path: Path) -> Path:
    """The fixed texts beside the language file, or the bot's own when it has none."""
    beside = Path(language_path).parent / "languages"
    return beside if beside.is_dir() else DEFAULT_LANGUAGES_DIR


def translation_paths(record_path: Path) -> list[Path]:
    """``visit.ru.yaml``, ``visit.ur-Latn.yaml``...: a record's words in other languages."""
    record_path = Path(record_path)
    return sorted(record_path.parent.glob(f"{record_path.stem}.*.yaml"))


def knowledge_paths(record_path: Path, language_path: Path, source_path: Path) -> list[Path]:
    """Every file a build reads: a change to any of them means a rebuild."""
    texts = sorted(languages_dir(language_path).glob("*/*.yaml"))
    return [record_path, language_path, source_path, *texts, *translation_paths(record_path)]
