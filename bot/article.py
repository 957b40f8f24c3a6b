"""The record's own text: its full text in message-sized parts (/source), and a search of its
sentences (/find) with the words found marked.

Plain Python, no Telegram: the handlers (``handlers.article``) turn these into messages. The
search uses the store's FTS5 index of the source sentences (porter stemming, so "signing"
finds "signed"); a brain without a store (tests, the console) searches the sentences here.
Nothing found, it suggests what to try: a typo corrected by the brain's spelling correction,
or, for a word in Urdu, Russian or Kazakh, the English word of the same concept (the source is
English), when that word finds something.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from html import escape

from bot.brain import Brain
from bot.formatting import TELEGRAM_LIMIT, split_message
from knowledge.store import split_sentences

MARK_START, MARK_END = "\x01", "\x02"  # around a found word (FTS5 highlight())
MAX_WORDS = 6  # more words than this are cut: six words AND-ed already find one sentence
MAX_WORD_CHARS = 40
SHOWN = 5  # sentences per message; the rest are one "more" press away
PART_CHARS = TELEGRAM_LIMIT - 200  # a part of the full text, leaving room for its heading
_TOKEN = re.compile(r"\w+", re.UNICODE)
_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


@dataclass(frozen=True)
class Found:
    """A search: every matching sentence (found words between MARK_START and MARK_END), in
    the order of the document, and other searches to try when there is none."""

    words: tuple[str, ...]
    sentences: tuple[str, ...]
    suggestions: tuple[str, ...] = ()


def query_words(args: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The words of ``/find ...`` as typed (lower case), each a run of letters and digits;
    a word with an apostrophe or hyphen ("Tokayev's", "co-operation") stays one phrase."""
    words: list[str] = []
    for arg in args:
        tokens = _TOKEN.findall(arg.casefold().replace("_", " "))
        phrase = " ".join(t[:MAX_WORD_CHARS] for t in tokens)
        if phrase and phrase not in words:
            words.append(phrase)
    return tuple(words[:MAX_WORDS])


def fts_query(words: tuple[str, ...]) -> str:
    """An FTS5 query matching sentences with every word (each a quoted phrase, so no word
    is read as an operator: "NOT", "OR", "NEAR" are searched as words)."""
    return " ".join(f'"{w}"' for w in words)


def find(brain: Brain, words: tuple[str, ...]) -> Found:
    """The record's sentences with every word, then suggestions if there are none."""
    if not words:
        return Found(words, ())
    sentences = _search(brain, words)
    if sentences:
        return Found(words, tuple(sentences))
    return Found(words, (), tuple(suggestions(brain, words)))


def _search(brain: Brain, words: tuple[str, ...]) -> list[str]:
    store = brain.store
    if store is None:
        return _scan(split_sentences(brain.knowledge.source_text), words)
    try:
        rows = store.db.execute(
            "select highlight(sentences_fts, 0, ?, ?) from sentences_fts "
            "where sentences_fts match ? order by rowid",
            [MARK_START, MARK_END, fts_query(words)],
        ).fetchall()
    except sqlite3.Error:  # a query FTS5 cannot parse: no sentence has it
        return []
    return [str(row[0]) for row in rows]


def _scan(sentences: list[str], words: tuple[str, ...]) -> list[str]:
    """Sentences with every word at a word's start (no index: a brain without a store)."""
    patterns = [re.compile(r"\b" + r"\W+".join(map(re.escape, w.split())), re.I) for w in words]
    found = []
    for sentence in sentences:
        if all(p.search(sentence) for p in patterns):
            marked = sentence
            for pattern in patterns:
                marked = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", marked)
            found.append(marked)
    return found


def suggestions(brain: Brain, words: tuple[str, ...]) -> list[str]:
    """Searches that do find something: each word spelled as the record spells it, or the
    English word of the concept a word names ("железная" -> "railway")."""
    tried: list[str] = []
    corrected = tuple(brain.lexicon.correct(w) if " " not in w else w for w in words)
    if corrected != words:
        tried.append(" ".join(corrected))
    tried += _english_words(brain, " ".join(words))
    found: list[str] = []
    for attempt in tried:
        if attempt not in found and _search(brain, query_words(attempt.split())):
            found.append(attempt)
    return found[:3]


def _english_words(brain: Brain, text: str) -> list[str]:
    """For each of the record's concepts the text names (not the language file's: "not"
    is no subject), its first alias that is a word of the source."""
    source = brain.knowledge.source_text.casefold()
    record = brain.record
    own = set(record.concepts) | {i.id for i in [*record.agreements.named, *record.people]}
    names = brain.lexicon.parse(text).subject & own
    out: list[str] = []
    for name in sorted(names):
        for alias in _aliases(brain, name):
            plain = alias.rstrip("*")
            if plain.isascii() and re.search(rf"\b{re.escape(plain)}\b", source):
                out.append(plain)
                break
    return out


def _aliases(brain: Brain, concept: str) -> list[str]:
    """A concept's aliases in the knowledge files (record concepts, areas, people)."""
    record = brain.record
    found: list[str] = []
    if concept in record.concepts:
        found += record.concepts[concept].aliases
    for area in record.agreements.named:
        found += area.aliases if area.id == concept else []
    for person in record.people:
        found += person.aliases if person.id == concept else []
    return found


def marked_html(sentence: str) -> str:
    """A found sentence as Telegram HTML: escaped, the found words in bold."""
    parts = _MARKED.split(sentence)
    return (
        "".join(
            f"<b>{escape(p, quote=False)}</b>" if i % 2 else escape(p, quote=False)
            for i, p in enumerate(parts)
        )
        .replace(MARK_START, "")
        .replace(MARK_END, "")
    )


def full_text_parts(brain: Brain, limit: int = PART_CHARS) -> list[str]:
    """The source document in parts within Telegram's limit, cut between paragraphs (then
    lines), as plain text: the caller escapes them."""
    text = brain.knowledge.source_text.strip()
    return split_message(text, limit) if text else []
