"""Saying a decided reply in one language: the last stage of the brain.

The rules decide *what* to say as pieces: a fixed text by key with its slots
(``Line("no_detail.count")``), a topic's answer (``Said("railway")``), a record phrase
(``Term("date")``). Only here do pieces become words, from the language files
(``knowledge/languages/<code>/``) and the record's translation (``visit.<code>.yaml``). So
one decision can be said in every language, and a language is added with files alone.
Anything a language lacks falls back to English (``visitbot kb check`` reports it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from string import Formatter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.models import LanguagePack, Record, RecordTranslation

ENGLISH = "en"


@dataclass(frozen=True)
class Term:
    """A phrase of the record slotted into a fixed text ("date", "person.sharif")."""

    key: str


Param = str | int | Term


@dataclass(frozen=True)
class Line:
    """A fixed text by its key, with its slots filled."""

    key: str
    params: tuple[tuple[str, Param], ...] = ()


@dataclass(frozen=True)
class Said:
    """A topic's answer; ``bare`` drops its opening "Yes." when yes was not asked."""

    topic: str
    bare: bool = False


@dataclass(frozen=True)
class Verbatim:
    """Text shown as it is: a sentence of the source document, a user's own words."""

    text: str


@dataclass(frozen=True)
class Choice:
    """Topics offered by their questions: "“A” or “B”"."""

    topics: tuple[str, ...]


Piece = Line | Said | Verbatim | Term | Choice
PARAGRAPH = Line("paragraph")  # "\n\n" between the answers to two questions


def line(key: str, **params: Param) -> Line:
    return Line(key, tuple(params.items()))


def english_terms(record: Record) -> dict[str, str]:
    """The record's phrases that fixed texts slot in, in the record's own words."""
    from bot.brain.topics import named_areas_phrase

    terms = {
        "scope": record.scope,
        "date": record.visit.date,
        "place": record.visit.place,
        "described_as": record.agreements.described_as,
        "areas": named_areas_phrase(record),
    }
    terms |= {f"person.{p.id}": p.short for p in record.people}
    terms |= {f"related.{u.id}": u.related for u in record.agreements.unnamed if u.related}
    return terms | page_terms(record)


def group_key(group: str) -> str:
    """A group name's term key: "Trade and connectivity" -> group.trade_and_connectivity."""
    return "group." + "_".join(re.findall(r"[a-z0-9]+", group.casefold()))


def page_terms(record: Record) -> dict[str, str]:
    """The record's phrases the Telegram pages show (/about, /agreements, /leaders, /targets,
    /source, the Topics menu), in the record's own words; ``visit.<code>.yaml`` translates
    them."""
    from bot.brain.topics import join_words

    visit = record.visit
    terms = {
        "title": visit.title,
        "venue": visit.venue or "",
        "headline": visit.headline,
        "sectors": join_words(record.agreements.sectors),
    }
    if visit.year:
        terms["year"] = str(visit.year)
    for area in record.agreements.named:
        terms |= {f"area.{area.id}": area.name, f"area_short.{area.id}": area.short}
        terms[group_key(area.group)] = area.group
    for person in record.people:
        terms |= {f"name.{person.id}": person.name, f"role.{person.id}": person.role}
    for target in record.targets:
        terms |= {f"figure.{target.id}": target.figure, f"deadline.{target.id}": target.deadline}
    terms |= {f"update.{u.id}": u.text for u in record.updates}  # dated news (digests)
    terms |= {f"menu.{g.id}": g.label for g in record.menu}  # the Topics menu's groups
    return terms


def slots(template: str) -> set[str]:
    """The {slots} of a fixed text: a translation must have the same ones."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@lru_cache(maxsize=1024)
def _wanted(template: str) -> frozenset[str]:
    """``slots``, kept: every reply fills a few of the language files' texts."""
    return frozenset(slots(template))


class _Slots(dict[str, object]):
    def __missing__(self, key: str) -> str:  # a slot the caller did not fill stays visible
        return "{" + key + "}"


class Speech:
    """Everything the bot says, in one language."""

    def __init__(
        self,
        lang: str,
        packs: Mapping[str, LanguagePack],
        record: Record,
        translation: RecordTranslation | None,
        english_answers: Mapping[str, tuple[str, str]],  # topic id -> (ask, answer)
    ) -> None:
        self.lang = lang
        pack = packs.get(lang) or packs[ENGLISH]
        self.profile = pack.profile
        self._texts = {**packs[ENGLISH].texts, **pack.texts}
        self._terms = english_terms(record) | (translation.terms if translation else {})
        own = translation.topics if translation else {}
        self._topics = {
            tid: (own[tid].ask, own[tid].answer) if tid in own else pair
            for tid, pair in english_answers.items()
        }
        english_examples = list(record.examples)
        theirs = list(translation.examples) if translation else []
        self.examples = tuple(theirs if len(theirs) == len(english_examples) else english_examples)

    # -- fixed texts ----------------------------------------------------------------------

    def text(self, key: str, **params: Param) -> str:
        """A fixed text with its slots filled ({scope}, {examples} and record terms too)."""
        template = self._texts.get(key, key)
        values = _Slots({k: self._value(v) for k, v in params.items()})
        wanted = _wanted(template)
        if "examples" in wanted and "examples" not in values:
            values["examples"] = self._examples_phrase
        for name in wanted - set(values):
            if name in self._terms:
                values[name] = self._terms[name]
        return template.format_map(values)

    def has(self, key: str) -> bool:
        return key in self._texts

    @cached_property
    def _examples_phrase(self) -> str:
        """The {examples} of a decline (the same in every one): made once."""
        return self.examples_phrase()

    def examples_phrase(self, count: int = 3) -> str:
        quoted = [self.text("quoted", text=e) for e in self.examples[:count]]
        return self.text("examples_separator").join(quoted)

    def term(self, key: str) -> str:
        return self._terms.get(key, key)

    def _value(self, value: Param) -> str | int:
        """A number stays a number, so a text may format it ({chars:,} in English)."""
        if isinstance(value, Term):
            return self.term(value.key)
        return value

    # -- record texts ---------------------------------------------------------------------

    def answer(self, topic: str, *, bare: bool = False) -> str:
        text = self._topics[topic][1]
        prefix = self._texts.get("yes_prefix", "")
        return text[len(prefix) :] if bare and prefix and text.startswith(prefix) else text

    def ask(self, topic: str) -> str:
        return self._topics[topic][0]

    # -- a whole reply --------------------------------------------------------------------

    def render(self, pieces: Sequence[Piece]) -> str:
        """The pieces as one text: spaces between them, a blank line at a paragraph."""
        out: list[str] = []
        for piece in pieces:
            if isinstance(piece, Line) and piece == PARAGRAPH:
                out.append("\n\n")
                continue
            said = self._say(piece)
            if said:
                if out and out[-1] != "\n\n":
                    out.append(" ")
                out.append(said)
        return "".join(out).strip()

    def _say(self, piece: Piece) -> str:
        if isinstance(piece, Said):
            return self.answer(piece.topic, bare=piece.bare)
        if isinstance(piece, Verbatim):
            return piece.text
        if isinstance(piece, Term):
            return self.term(piece.key)
        if isinstance(piece, Choice):
            asks = [self.text("quoted", text=self.ask(t)) for t in piece.topics]
            return self.text("choice_separator").join(asks)
        return self.text(piece.key, **dict(piece.params))
