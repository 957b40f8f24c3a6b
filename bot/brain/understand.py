"""Turning a message into what it asks: concepts, the kind of answer wanted, unknown words.

The design follows what failed before (shared/notes/understanding-questions.md): rather than
matching whole questions against example phrasings, each word is corrected against the
knowledge's own vocabulary (rapidfuzz, character by character), then words and phrases are
mapped to concepts from the knowledge files, and the kind of question ("how many", "when",
"who") is detected separately, so the brain can notice when the record has no such fact.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.brain.config import CONFIG
from bot.brain.dates import Months
from bot.brain.languages import everyday_telling
from bot.text import is_cyrillic, is_latin, normalise, number_value, stem

# "no, the other one": a first word set off by punctuation answers the bot
_ANSWERING = re.compile(r"^\W*\w+\s*[,.!;:\u2014\u060c-]")

if TYPE_CHECKING:
    from knowledge.basics import Knowledge
    from knowledge.models import (
        Area,
        ConceptDef,
        Grammar,
        Language,
        Person,
        Record,
        RecordTranslation,
        UnnamedArea,
    )

GENERIC_QTYPES = frozenset({"what", "how", "yes_no"})
DURATION_KINDS = frozenset({"how_long", "count"})  # "how long", "how many days" did it last
OFF_TOPIC = "offtopic"  # the language file's concept for what the bot does not cover
SIBLING_WORDS = 3  # a name this long, one word changed, names a thing of the same kind
SAYING_VERBS = frozenset({"say", "discuss"})  # "does it say which ...": the kind asked follows
# "what did he say about ...", "what did he mention": the language file's words for speaking
SAYING = SAYING_VERBS | {"contents"}
SMALLTALK = frozenset({"greet", "thanks", "bye", "ok", "help"})  # the language's small talk
KEPT_TOKENS = 50_000  # words read and kept (see Lexicon.tokens); then forgotten, to start again
ARABIC_WORD = re.compile(r"^[\u0600-\u06ff]+$")
# Urdu letters that do not join the next one (and noon, which noon ghunna becomes): a word
# ending in one looks spaced from the next even when the space was left out
NON_JOINING = (
    "\u0621\u0622\u0624\u0627\u062f\u0630\u0631\u0632\u0646\u0648\u0688\u0691\u0698\u06d2\u06d3"
)
UNJOINED = re.compile(f"[{NON_JOINING}][\u0600-\u06ff]")


@dataclass(frozen=True)
class Shape:
    """The language file's function words, normalised (see ``grammar`` in language.yaml)."""

    question_starts: tuple[str, ...]
    join_words: frozenset[str]
    object_markers: frozenset[str]
    relative_words: frozenset[str]
    setting_words: frozenset[str]
    group_pronouns: frozenset[str]
    setting_after: frozenset[str] = frozenset()
    stand_ins: frozenset[str] = frozenset()
    yes_no_anywhere: frozenset[str] = frozenset()
    what_inside: frozenset[str] = frozenset()
    asked_inside: frozenset[str] = frozenset()
    counted_generic: frozenset[str] = frozenset()
    indefinite_after: frozenset[str] = frozenset()
    arithmetic_words: frozenset[str] = frozenset()
    containing_words: frozenset[str] = frozenset()
    contained_words: frozenset[str] = frozenset()
    self_words: frozenset[str] = frozenset()
    asker_words: frozenset[str] = frozenset()
    offtopic_also_record: frozenset[str] = frozenset()
    months: Months = field(default_factory=Months)
    asker_after: frozenset[str] = frozenset()
    asker_marks: frozenset[str] = frozenset()
    doubt_openers: frozenset[str] = frozenset()
    past_auxiliaries: frozenset[str] = frozenset()
    duration_verbs: frozenset[str] = frozenset()
    of_words: frozenset[str] = frozenset()
    category_words: frozenset[str] = frozenset()
    separable_particles: frozenset[str] = frozenset()
    markers_after: frozenset[str] = frozenset()
    additive_words: frozenset[str] = frozenset()
    negations: frozenset[str] = frozenset()
    negations_after: frozenset[str] = frozenset()
    negation_cues: frozenset[str] = frozenset()
    absence_words: frozenset[str] = frozenset()
    choice_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Token:
    surface: str  # as typed (normalised), for echoing back
    word: str  # after spelling correction
    stem: str


Found = tuple[int, int, str]  # a question phrase: where it starts, how long, which kind


# A Cyrillic word with a capital letter after the start of its sentence: a name
# ("Упоминается ли порт Актау?"), where a common noun would be written in lower case
_CAPITALISED = re.compile(r"(?<=[^\s.!?…])\s+[\"«(]?([А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]{2,})")


def capitalised_names(text: str) -> frozenset[str]:
    """The normalised words written as names inside a sentence; none when most words are
    capitalised (a title, or someone who capitalises every word)."""
    if text.isascii():  # the pattern looks for Cyrillic capitals only
        return frozenset()
    found = _CAPITALISED.findall(text)
    if not found or 2 * len(found) >= len(text.split()):
        return frozenset()
    return frozenset(normalise(w) for w in found)


# A Latin word with a capital letter after the start of its sentence ("visit Kaghan valley",
# "a company in Istanbul"): the name of something, kept as typed
_LATIN_CAPITALISED = re.compile(r"(?<=[^\s.!?…])\s+[\"'(]?([A-Z][a-z]{2,})\b")
_LATIN_ACRONYM = re.compile(r"\b([A-Z]{2,5})(?:\d+)?\b")  # "KSE", "PSX", "IMF": anywhere


def latin_names(text: str) -> frozenset[str]:
    """The normalised Latin words written as names inside a sentence (see
    ``capitalised_names``), and acronyms anywhere ("KSE 100 closing?" is no "kaise"): a
    spelling slip is never corrected out of a name."""
    found = _LATIN_CAPITALISED.findall(text) + _LATIN_ACRONYM.findall(text)
    if not found or 2 * len(found) >= len(text.split()):
        return frozenset()
    return frozenset(normalise(w) for w in found)


@dataclass(frozen=True)
class QuestionWords:
    """The question words of a message: the kind they ask and the words they take up."""

    qtype: str | None
    at: int  # where the first question word stands (-10: none)
    explained: frozenset[int]  # every word of a question phrase
    phrases: frozenset[int]  # words of multi-word phrases ("how big"): never concepts
    heads: frozenset[int] = frozenset()  # ... but the last ("which ministers") may name one
    counted_at: int = -1  # the word after "how many": what is counted, if a noun stands there


NO_QUESTION_WORDS = QuestionWords(None, -10, frozenset(), frozenset())

Span = tuple[str, frozenset[str]]  # words as typed -> the concepts they name


@dataclass(frozen=True)
class Match:
    """Words that name concepts: ``length`` words from ``at``. A title ("president") waits
    until the question turns out to have no unknown word; a match after "during" only sets
    the scene."""

    at: int
    length: int
    concepts: set[str]  # the alias table's own set: its order is the order concepts come in
    surface: str
    title: bool = False
    setting: bool = False

    @property
    def positions(self) -> range:
        return range(self.at, self.at + self.length)

    @property
    def span(self) -> Span:
        return (self.surface, frozenset(self.concepts))


@dataclass
class Leftovers:
    """Words no phrase took, sorted by what they are (filled in one pass over the words)."""

    record_words: list[str] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)
    unknown_at: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Parsed:
    """What one question asks."""

    text: str
    tokens: list[Token]
    concepts: dict[str, float] = field(default_factory=dict)  # concept -> weight
    qtype: str | None = None
    unknown: list[str] = field(default_factory=list)  # words neither concepts nor record know
    neutral: list[str] = field(default_factory=list)  # ordinary words nobody knows: ignored
    objects: list[str] = field(default_factory=list)  # unknown words after "about", "on", ...
    where: dict[str, list[int]] = field(
        default_factory=dict
    )  # concept or unknown word -> word positions
    record_words: list[str] = field(default_factory=list)  # record words no concept explains
    spans: list[Span] = field(default_factory=list)  # words -> concepts
    follow_up: bool = False  # starts with "and", "what about", ...
    person_pronoun: bool = False
    thing_pronoun: bool = False
    group_pronoun: bool = False  # "they", "them", "one of them": the things just discussed
    first_person: str | None = None  # the person named first: usually the one speaking
    borrowed_kind: bool = False  # the kind of question came from the last turn ("and X?")
    borrowed: frozenset[str] = frozenset()  # concepts the last turn lent this one
    qtype_at: int = -10  # where the first question word stands
    spoken_of: str | None = None  # a person the question is about ("about Sharif"): no speaker
    denied: frozenset[str] = frozenset()  # "not the award, ...": concepts it is not about
    about_pronoun: bool = False  # "what did he say about him?": "him" is spoken of
    about_thing: bool = False  # "did Tokayev say anything about it?": "it" is spoken of
    # "Hilal-e-Pakistan" beside the record's "Nishan-e-Pakistan": (the words, the concept) of
    # a name the record uses with one word in it the record does not know
    siblings: tuple[tuple[str, str], ...] = ()
    # "how many people ...?": the concepts of what is counted; empty when a noun no concept
    # names is counted; None when no noun follows the count word ("how many did they sign?")
    counted: frozenset[str] | None = None

    def near(self, word: str, concept: str, distance: int = 2) -> bool:
        """Whether ``word`` stands within ``distance`` words of where ``concept`` was said."""
        return any(
            abs(i - j) <= distance
            for i in self.where.get(word, [])
            for j in self.where.get(concept, [])
        )

    @property
    def foreign(self) -> tuple[str, ...]:
        """Words of another script no list knows: the language file cannot tell their
        everyday words from what the question is about."""
        return tuple(w for w in self.neutral if not w.isascii())

    @cached_property
    def subject(self) -> set[str]:
        """Concepts that say what the question is about (not how it is asked). Made once
        per parse and shared by every reader: never change it."""
        return {c for c in self.concepts if not c.endswith("_q")}


@dataclass(frozen=True)
class Starts:
    """How a phrase naming one concept can start (see ``Lexicon.may_name``): a word's stem
    or the word itself, a stem alias it begins with, a pattern; ``fuzzy``: a word of another
    script may be a slip in one of its stem aliases."""

    stems: frozenset[str]
    words: frozenset[str]
    prefixes: Mapping[str, tuple[str, ...]]  # by first letter: a word looks up only its own
    patterns: tuple[re.Pattern[str], ...]
    fuzzy: bool


@dataclass(frozen=True)
class ConceptInfo:
    anchor: bool
    weight: float
    from_record: bool
    qualifier: bool = False
    detail: bool = False
    general: bool = False


class Lexicon:
    """The knowledge files' words, compiled for fast lookup and spelling correction."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.info: dict[str, ConceptInfo] = {}
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._titles: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._alias_surface: set[str] = set()  # alias words as written, to correct towards
        self._exact: dict[str, tuple[str, ...]] = {}  # one-word aliases as written
        self._prefixes: dict[str, list[tuple[str, str]]] = {}  # by first letter
        self._stems_of: dict[str, tuple[str, ...]] = {}  # "железн" -> its concepts
        # "темір жол*": by the phrase's first word, so a question word looks up only its own
        self._prefix_phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        self._implied: dict[str, str] = {}
        self._endings = tuple(knowledge.language.grammar.other_endings.items())
        plain = knowledge.language.grammar.plain_letters
        self._plain = str.maketrans(plain) if plain else None
        # "evening" stems to "even", "news" to "new": an alias word shortened into a stopword
        # must be typed whole ("that evening", never "is that even realistic")
        self._bare = {normalise(w) for w in _all_words(knowledge.language.all_stopwords)}
        self._whole_at: dict[tuple[str, ...], frozenset[int]] = {}
        self._mixed = _both_ways(knowledge.language.mixed_words)
        self._articles = frozenset(normalise(w) for w in knowledge.language.grammar.articles)
        self._load_concepts(knowledge.record, knowledge.language, knowledge.translations.values())
        self._load_question_words(knowledge.language)
        self._shorthand = dict(knowledge.language.shorthand)
        self._load_vocabulary(knowledge)
        self._source_stems = frozenset(stem(w) for w in normalise(knowledge.source_text).split())
        # the record's own names ("Islamabad", "Nishan") and its people's names as typed
        # ("Tokaev"): a capitalised slip may mean one
        names = re.findall(r"\b[A-Z][a-z]+", knowledge.source_text)
        names += [a for person in knowledge.record.people for a in person.aliases]
        self._name_words = frozenset(_all_words(names))
        self._corrections: dict[str, str] = {}
        acronyms = knowledge.language.acronyms
        self._acronyms = (
            re.compile(r"\b(" + "|".join(map(re.escape, acronyms)) + r")\b") if acronyms else None
        )
        self._expansions = dict(acronyms)
        # each word as read (corrected and stemmed), kept: questions reuse most words
        self._tokens: dict[str, Token] = {}
        self._word_matches: dict[str, set[str]] = {}  # see _match_word
        self._inert: dict[str, bool] = {}  # see _starts_nothing
        self._found_alone: dict[str, tuple[int, set[str], bool]] = {}  # see _alone
        self._starts_of: dict[str, Starts] = {}  # see may_name
        self._names_in: dict[str, frozenset[str]] = {}  # see names_in: one per topic
        self.grammar = _shape(knowledge.language.grammar)
        self._negating = self.grammar.negations | self.grammar.negations_after  # see negation_words
        # the longest phrase each first word starts: most words start none, and are passed
        # after one look-up instead of one per phrase length
        self._phrase_reach = _reach(self._phrases)
        self._title_reach = _reach(self._titles)
        self._qtype_reach = _reach(self._qtypes)

    def _load_concepts(
        self, record: Record, language: Language, translations: Iterable[RecordTranslation] = ()
    ) -> None:
        """Concepts and their aliases: the language's first, so the record's win a clash;
        then people and areas, which are concepts of their own."""
        anchors = set(record.anchors)
        for name, concept in language.concepts.items():
            self._add_concept(name, concept, name in anchors, from_record=False)
        for name, concept in record.concepts.items():
            self._add_concept(name, concept, concept.anchor, from_record=True)
        named_items: list[Person | Area | UnnamedArea] = [
            *record.people, *record.agreements.named, *record.agreements.unnamed
        ]  # fmt: skip
        for item in named_items:
            self.info[item.id] = ConceptInfo(True, 1.0, True)
            self._add_aliases(item.id, item.aliases)
        for person in record.people:
            self._add_aliases(person.id, person.titles, self._titles)
        self._translated: set[str] = set()  # the other languages' alias words
        for translation in translations:  # the words of each language the bot speaks
            for concept_id, words in translation.aliases.items():
                if concept_id in self.info:
                    self._add_aliases(concept_id, words)
                    self._translated.update(_all_words(words))
        self._people = [p.id for p in record.people]
        self._load_areas(record)
        self._frame_phrases()
        self._figures_in = self._figures_by_unit(record)
        self._gap_concepts = {c for gap in record.gaps for group in gap.about for c in group}
        # the record's own words for agreements ("sector") and its count ("37")
        self.agreement_words = frozenset(record.agreements.signals)
        self.count_concepts = frozenset(self._exact.get(str(record.agreements.total), ()))
        self._smalltalk_free = {f"{q}_q" for q in language.question_types}
        self._country_people = self._people_of_countries(record.people)

    def _load_areas(self, record: Record) -> None:
        named = record.agreements.named
        # an agreement whose only source is the line naming it: the record has nothing more
        self._named_only = frozenset(a.id for a in named if len(a.sources) <= 1)
        self._named_areas = frozenset(a.id for a in named)
        self._areas = set(self._named_areas) | {u.id for u in record.agreements.unnamed}

    def _add_concept(self, name: str, concept: ConceptDef, anchor: bool, from_record: bool) -> None:
        """One concept of a knowledge file: how much it weighs, its aliases, and the kind of
        question it implies ("date" asks when)."""
        self.info[name] = ConceptInfo(
            anchor, concept.weight, from_record, concept.qualifier, concept.detail, concept.general
        )
        self._add_aliases(name, concept.aliases)
        if concept.asks:
            self._implied[name] = concept.asks

    def _figures_by_unit(self, record: Record) -> dict[str, tuple[str, ...]]:
        """The record's figures by the unit their aliases give them ("23 years": year)."""
        figures: dict[str, tuple[str, ...]] = {}
        for name, concept in record.concepts.items():
            for alias in concept.aliases:
                number, _, unit = normalise(alias).partition(" ")
                if not number.isdigit() or not unit or " " in unit:
                    continue
                for owner in self._phrases.get((stem(unit),), ()):
                    if owner != name:  # "1 billion" is a figure, not a count of billions
                        figures[owner] = self._with(figures.get(owner), name)
        return figures

    def _people_of_countries(self, people: Iterable[Person]) -> dict[str, str]:
        """ "how does Pakistan see Kazakhstan": a country speaks through its leader."""
        return {
            concept: p.id
            for p in people
            for concept in self._phrases.get(
                tuple(stem(w) for w in normalise(p.country).split()), ()
            )
        }

    def _load_question_words(self, language: Language) -> None:
        """Question phrases, stopwords, follow-up markers and pronouns, by stem or as typed."""
        self._qtypes: dict[tuple[str, ...], str] = {}
        for qtype, phrases in language.question_types.items():
            for phrase in self._with_plain_letters(phrases):
                key = tuple(stem(w) for w in normalise(phrase).split())
                if key:
                    self._qtypes.setdefault(key, qtype)
        self._stopwords = {stem(w) for w in _all_words(language.all_stopwords)}
        markers = [tuple(stem(w) for w in normalise(m).split()) for m in language.follow_up_markers]
        self._markers = sorted((m for m in markers if m), key=len, reverse=True)
        self._marker_starts = frozenset(m[0] for m in self._markers)
        self._person_pronouns = {normalise(p) for p in language.pronouns.get("person", [])}
        self._thing_pronouns = {normalise(p) for p in language.pronouns.get("thing", [])}

    def _load_vocabulary(self, knowledge: Knowledge) -> None:
        """Which words are known, ordinary or quiet, and which a typo is corrected towards."""
        language = knowledge.language
        self.max_phrase = max(len(k) for k in [*self._phrases, *self._qtypes, *self._titles])
        self._document_stems = {stem(w) for w in _all_words(knowledge.source_text.splitlines())}
        vocabulary = self._vocabulary(knowledge)
        self._profile_words = self._words_of_profiles(knowledge)
        # Correction targets: words people mean. Alias words first, so ties go to them.
        alias_words = {w for key in [*self._phrases, *self._titles] for w in key}
        self._known_stems = {stem(w) for w in vocabulary} | alias_words
        # Words a question may use without asking about them. A word known only as part of
        # a longer alias ("gwadar" of "gwadar city") is not: alone, it names something the
        # record does not have ("a deal on Gwadar port").
        # Looked up by a question word and by its stem ("begins" -> "begin"); the lists hold
        # the frequent inflections themselves, so they need no stemming at start-up.
        self._seen_rare: set[str] = set()
        self._near_prefixes: dict[str, set[str]] = {}
        self._slips: dict[str, bool] = {}  # see _a_slip
        self._ordinary = set(language.ordinary_words.split()).union(
            *(words.split() for words in language.everyday_words.values())
        )
        self._nouns = set(language.common_nouns.split())  # with the ordinary words: common
        # everyday words of the other languages ("mil", Roman Urdu "meet"): no inflection of
        # an English alias ("miles"), so only an alias written as they are names a concept
        english = set(language.ordinary_words.split()) | self._nouns
        by_language = {code: words.split() for code, words in language.everyday_words.items()}
        self._foreign_everyday: set[str] = set().union(
            *everyday_telling(by_language, english).values()
        )
        single = {key[0] for key in [*self._phrases, *self._titles] if len(key) == 1}
        everyday = {stem(w) for w in self._alias_surface if self._listed(w)}
        phrase_only = alias_words - single - self._document_stems - everyday
        self._phrase_only = frozenset(phrase_only)
        self._quiet_stems = (self._known_stems - phrase_only) | self._stopwords
        self._load_corrections(vocabulary, alias_words)
        self._arabic_words = {w for w in vocabulary | self._ordinary if ARABIC_WORD.match(w)}
        self._splits: dict[str, tuple[str, ...]] = {}

    def _words_of_profiles(self, knowledge: Knowledge) -> frozenset[str]:
        """The words each language's profile lists ("бірге"): real words, never slips."""
        profiles = [pack.profile for pack in knowledge.languages.values()]
        words = (w.casefold() for p in profiles for w in p.words)
        return frozenset(self._with_plain_letters(words))

    def _load_corrections(self, vocabulary: set[str], alias_words: set[str]) -> None:
        """What a mistyped word is corrected towards (see ``correct``)."""
        question_words = {w for key in self._qtypes for w in key}
        self._words_as_written = frozenset(vocabulary)  # "traine" is no word, "gaza" is
        self._skeletons = _skeletons(vocabulary, self._stopwords | question_words, alias_words)
        # English spelling by ear: Roman Urdu has no one spelling to be near ("faisla" is no
        # "fasal", "yarn" no "yarana")
        english = vocabulary - self._translated - self._foreign_everyday
        self._sounds = _sounds(english, self._exact)
        self._targets = sorted(
            (w for w in vocabulary if is_latin(w) and len(w) >= 4),
            key=lambda w: (stem(w) not in alias_words, w),
        )
        # a slip keeps its first letter: only words with the same first letter are tried
        self._targets_from: dict[str, list[str]] = {}
        for target in self._targets:
            self._targets_from.setdefault(target[0], []).append(target)
        self._spoken_from: dict[str, list[str]] = {}
        for target in english:
            if is_latin(target) and len(target) >= 4:
                spoken = _spoken(target)
                self._spoken_from.setdefault(spoken[:1], []).append(spoken)

    def _vocabulary(self, knowledge: Knowledge) -> set[str]:
        """Every word the knowledge uses: the document, aliases, question words, stopwords."""
        language = knowledge.language
        vocabulary = set(_all_words(knowledge.source_text.splitlines()))
        vocabulary |= self._alias_surface
        for phrases in language.question_types.values():
            vocabulary |= set(_all_words(phrases))
        vocabulary |= set(_all_words(language.all_stopwords))
        vocabulary |= set(_all_words(language.follow_up_markers))
        return vocabulary

    def _add_aliases(
        self,
        concept: str,
        aliases: Iterable[str],
        table: dict[tuple[str, ...], tuple[str, ...]] | None = None,
    ) -> None:
        table = self._phrases if table is None else table
        for alias in self._with_plain_letters(aliases):
            if alias.startswith("re:"):
                self._patterns.append((re.compile(alias[3:]), concept))
            elif alias.endswith("*") and " " in alias.strip():
                *head, last = normalise(alias[:-1]).split()  # "темір жол*": words, then a stem
                entry = (tuple(head), last, concept)
                self._prefix_phrases.setdefault(head[0] if head else "", []).append(entry)
            elif alias.endswith("*"):
                prefix = normalise(alias[:-1])
                self._prefixes.setdefault(prefix[:1], []).append((prefix, concept))
                self._stems_of[prefix] = self._with(self._stems_of.get(prefix), concept)
            else:
                words = normalise(alias).split()
                for mixed in self._mixed_forms(words):
                    self._add_words(concept, mixed, table)

    def _mixed_forms(self, words: list[str]) -> list[list[str]]:
        """A phrase as written, without its articles, then with each word that people swap
        for another language's ("taawun barhana", "cooperation barhana"), one at a time."""
        forms = [words]
        # "have nice day": the phrase without the articles inside it (not "i need" for "i
        # need a", whose article stands for what follows)
        inner = [w for w in words[1:-1] if w not in self._articles]
        if len(inner) < len(words) - 2:
            forms.append([words[0], *inner, words[-1]])
        if len(words) > 1:
            for i, word in enumerate(words):
                forms += [
                    [*words[:i], other, *words[i + 1 :]] for other in self._mixed.get(word, ())
                ]
        return forms

    def _add_words(
        self, concept: str, words: list[str], table: dict[tuple[str, ...], tuple[str, ...]]
    ) -> None:
        self._alias_surface.update(words)
        key = tuple(stem(w) for w in words)
        if key:
            self._mark_whole(key, words, first=key not in table)
            table[key] = self._with(table.get(key), concept)
        if len(words) == 1 and table is self._phrases:
            self._exact[words[0]] = self._with(self._exact.get(words[0]), concept)

    def _mark_whole(self, key: tuple[str, ...], words: list[str], *, first: bool) -> None:
        """Positions of ``key`` where the alias word stems into a stopword: only that word
        typed whole matches there (unless another alias of the key is the stopword itself).
        Kept only for the few keys that have such positions."""
        whole = frozenset(
            i for i, (w, s) in enumerate(zip(words, key, strict=True)) if s != w and s in self._bare
        )
        kept = whole if first else self._whole_at.get(key, frozenset()) & whole
        if kept:
            self._whole_at[key] = kept
        else:
            self._whole_at.pop(key, None)

    def _with(self, concepts: tuple[str, ...] | None, concept: str) -> tuple[str, ...]:
        """``concepts`` and then ``concept`` (in the order they came: it decides ties), as one
        tuple shared by every alias with the same concepts: thousands of aliases in five
        languages, a few hundred distinct tuples, where a set each would cost megabytes."""
        grown = concepts or ()
        grown = grown if concept in grown else (*grown, concept)
        return self._shared.setdefault(grown, grown)

    def _with_plain_letters(self, words: Iterable[str]) -> Iterator[str]:
        """Each word, then (if it differs) as typed without its language's own letters."""
        for word in words:
            yield word
            if self._plain is not None:
                plain = word.casefold().translate(self._plain)
                if plain != word.casefold():
                    yield plain

    def _frame_phrases(self) -> None:
        """A phrase like "defence agreement" is also about a deal: it gets the framing
        concepts ("deal", "sign") of its single words, so the closed list still applies."""
        framing = {"deal", "sign"}
        singles = {
            key[0]: [c for c in concepts if c in framing]
            for key, concepts in self._phrases.items()
            if len(key) == 1
        }
        for key, concepts in list(self._phrases.items()):
            if len(key) > 1 and self._areas.intersection(concepts):  # not "according to" (say)
                for word in key:
                    for concept in singles.get(word, []):
                        self._phrases[key] = self._with(self._phrases[key], concept)

    # -- words ---------------------------------------------------------------------------

    def correct(self, word: str) -> str:
        """The vocabulary word meant by a mistyped one, or the word itself.

        Tight limits, because correcting a real word into a record word is worse than not
        correcting: short words only by swapping two letters, 5-7 letters by one edit, longer
        ones by two.
        """
        short = self._shorthand.get(word)
        if short is not None:  # "ppl", "thr": how phones shorten a word
            return short
        if is_cyrillic(word) and len(word) >= CONFIG.fuzzy_cut_min:
            return self._cut_cyrillic(word)
        if not is_latin(word) or len(word) < 2 or stem(word) in self._known_stems:
            return word
        if self._listed(word):  # "head" is a word, not a slip for "heard"
            return word
        return self._slipped(word)

    def _cut_cyrillic(self, word: str) -> str:
        """ "дейн", "кандй", "болд": a Kazakh (or Russian) word typed without its vowels is
        the known word it was cut from; other slips in Cyrillic are left to the stems
        (see ``_near_prefix``), which forgive them inside a word's inflections."""
        cached = self._corrections.get(word)
        if cached is None:
            if self._a_cyrillic_word(word):
                self._corrections[word] = word
                return word
            cut = [c for c in self._cut_from(word) if _breaks_a_cluster(word, c)]
            # one word it may be cut from (as typed with or without its own letters)
            plain = self._plain or {}
            cached = cut[0] if len({c.translate(plain) for c in cut}) == 1 else word
            self._corrections[word] = cached
        return cached

    def _a_cyrillic_word(self, word: str) -> bool:
        """Known as it is: a word of the vocabulary, of a language's profile ("бірге"), or
        a form of a stem alias ("пакистан" of "пакистан*")."""
        if word in self._known_stems or word in self._profile_words:
            return True
        return bool(self._stem_aliases_in(word))

    def _slipped(self, word: str) -> str:
        """The vocabulary word a slip of ``word`` comes from, or the word itself."""
        cached = self._corrections.get(word)
        if cached is None:
            cached = self._unrepeated(word)
            cached = self._with_vowels(word) if cached == word else cached
            cached = self._other_ending(word) if cached == word else cached
            cached = self._slip(word) if cached == word and len(word) >= 4 else cached
            cached = self._by_ear(word) if cached == word and len(word) >= 4 else cached
            self._corrections[word] = cached
        return cached

    def _unrepeated(self, word: str) -> str:
        """ "gaaza", "agreeement", "thankss", "asaan": a letter held down, typed again for
        stress or for a long vowel is the known word (or everyday word) with it once (or
        twice, as the word has it)."""
        for run, kept in _REPEATS:
            single = run.sub(kept, word)
            if single != word and (single in self._words_as_written or self._listed(single)):
                return single  # "asaan" is "asan" (easy), not a slip for "amaan"
        return word

    def _by_ear(self, word: str) -> str:
        """ "prizner", "detales", "tergat": a word spelled as it sounds is the one
        vocabulary word that sounds the same, a letter or two away ("mango" is no "mining")."""
        found = self._sounds.get(_sound(word), word)
        return found if OSA.distance(found, word) <= CONFIG.sound_alike_edits else word

    def _with_vowels(self, word: str) -> str:
        """ "hw mny yrs", "plnt protectn": a word typed without (some of) its vowels, as
        phones are typed, is the known word it was cut from; function words first."""
        return next(self._cut_from(word), word)

    def _cut_from(self, word: str) -> Iterator[str]:
        """The vocabulary words ``word`` may be cut from, function words first."""
        for candidate in self._skeletons.get(_skeleton(word), ()):
            if len(candidate) > len(word) and _is_cut_from(word, candidate):
                yield candidate

    def _other_ending(self, word: str) -> str:
        """ "kisnay" is "kisne": the same word with an ending typed the other usual way."""
        for ending, other in self._endings:
            if word.endswith(ending) and len(word) > len(ending) + 1:
                variant = word[: -len(ending)] + other
                if stem(variant) in self._known_stems:
                    return variant
        return word

    def _slip(self, word: str) -> str:
        """One or two letters mistyped (see ``correct``)."""
        limit = 1 if len(word) <= 7 else 2
        found = process.extract(
            word,
            self._targets_from.get(word[0], []),
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=12,
        )
        # Best first (fewest edits, then a swap before a letter left out or added, then alias
        # words: the targets are in that order), keeping
        # only plausible slips: same first letter; 4 letters only by a swap or a left-out one.
        # two slips keep the first two letters: "blinking" is no "banking"
        plausible = [
            candidate
            for candidate, edits, _ in sorted(
                found, key=lambda f: (f[1], abs(len(f[0]) - len(word)), f[2])
            )
            if candidate[: 1 + (edits > 1)] == word[: 1 + (edits > 1)]
            and (len(word) > 4 or sorted(candidate) == sorted(word) or len(candidate) == 5)
        ]
        return plausible[0] if plausible else word

    def tokens(self, text: str) -> list[Token]:
        out = []
        known = self._tokens
        if self._acronyms is not None:  # "the UN": as written, before lower case
            text = self._acronyms.sub(lambda m: f" {self._expansions[m.group(1)]} ", text)
        for typed in normalise(text).split()[: CONFIG.max_words]:
            token = known.get(typed)
            if token is not None:  # a word read before is never split (see _read)
                out.append(token)
            else:
                out += self._read(typed)
        out = self._phrase_slips(out)
        names = latin_names(text)
        return [self._as_named(t, names) for t in out] if names else out

    def _phrase_slips(self, tokens: list[Token]) -> list[Token]:
        """ "gard of honr": a word known only inside another alias ("dehshat gard") is not
        corrected alone; here it is read as the slip it is when the corrected word starts
        a phrase with the next word ("guard of"), or ends one with the word before."""
        out = tokens  # copied only when a word changes (most messages: none)
        for i, token in enumerate(tokens):
            if token.stem not in self._phrase_only or self._listed(token.surface):
                continue
            word = self._slipped(token.surface)
            if word == token.word or not self._phrase_with_neighbours(tokens, i, stem(word)):
                continue
            out = list(out) if out is tokens else out
            out[i] = Token(token.surface, word, stem(word))
        return out

    def _phrase_with_neighbours(self, tokens: list[Token], i: int, stem_: str) -> bool:
        seconds = self._second_stems
        after = i + 1 < len(tokens) and tokens[i + 1].stem in seconds.get(stem_, ())
        return after or (i > 0 and stem_ in seconds.get(tokens[i - 1].stem, ()))

    def _as_named(self, token: Token, names: frozenset[str]) -> Token:
        """ "Kaghan" is a valley, not a slip for "kaghaz": a word written as a name is
        corrected only into a name of the record or of its people ("Tokayevv")."""
        if token.surface not in names or token.word == token.surface:
            return token
        if token.word in self._name_words:
            return token
        return Token(token.surface, token.surface, stem(token.surface))

    def _read(self, typed: str) -> list[Token]:
        """The tokens of a word not read before, kept by surface. A kept surface is one
        ``_unjoined`` leaves whole (both halves of a split are words it never splits), so
        ``tokens`` may take a kept word as it is, without the Urdu splitting regex."""
        known = self._tokens
        out = []
        for surface in self._unjoined(typed):
            token = known.get(surface)
            if token is None:
                word = self.correct(surface)
                token = Token(surface, word, stem(word))
                if len(known) >= KEPT_TOKENS:
                    known.clear()
                known[surface] = token
            out.append(token)
        return out

    def _unjoined(self, word: str) -> tuple[str, ...]:
        """ "کتنےمعاہدے": Urdu typed without the space after a letter that does not join
        the next (ے, ا, ں...), which looks spaced anyway; split where both halves are words
        the language or the record knows, and the whole is not."""
        if word in self._arabic_words or not UNJOINED.search(word):
            return (word,)
        split = self._splits.get(word)
        if split is None:
            split = self._known_words_in(word) or (word,)
            if len(self._splits) >= KEPT_TOKENS:
                self._splits.clear()
            self._splits[word] = split
        return split

    def _known_words_in(self, word: str) -> tuple[str, ...] | None:
        """The known words a run of them typed without spaces is made of, split after
        letters that do not join: "کتنےمعاہدےہوئے" is three words, not one unknown."""
        for i in range(2, len(word) - 1):
            first, rest = word[:i], word[i:]
            if word[i - 1] not in NON_JOINING or first not in self._arabic_words:
                continue
            if self._two_words(first, rest):
                return (first, rest)
            tail = self._known_words_in(rest) if UNJOINED.search(rest) else None
            if tail is not None and self._two_words(first, tail[0]):
                return (first, *tail)
        return None

    def _two_words(self, first: str, second: str) -> bool:
        """Both known; a short second word only if it is a postposition ("کا", "نے") after
        a longer word of some alias: "قیدیوںکا" is "قیدیوں" + "کا", but "کھلایا" is one verb,
        not "کھلا" + "یا" (or), and "کھانے" (food) is not "کہا" (said) + "نے"."""
        if first not in self._arabic_words or second not in self._arabic_words:
            return False
        if len(second) >= CONFIG.unjoined_min:
            return True
        alias = len(first) > CONFIG.unjoined_min and first in self._alias_surface
        return alias and second in self._stopwords

    # -- concepts ------------------------------------------------------------------------

    def parse(self, text: str) -> Parsed:
        """What one question asks, in stages: words and a follow-up marker, the kind of
        question, concept spans, the words left over, then titles and the implied kind."""
        tokens = self.tokens(text)
        stems = [t.stem for t in tokens]
        start = self._marker_length(stems)
        negations = self.negation_words(tokens)
        kind = self._find_qtype(stems, start, negations)
        sums = self._sums(tokens)  # "17 times 23": no figures of the record
        askers = self._askers(tokens)  # "my students want to know": who asks, no topic
        askers |= self._lasting(tokens, kind.qtype)  # "how long did it last": no "last visit"
        matches = self._matches(
            tokens, start, kind.phrases | negations | sums | askers, kind.heads, kind.phrases
        )
        negated, denied = self._denial(tokens, matches, negations)  # "not the award, ..."
        said = [m for m in matches if not m.title and m.at not in negated]
        concepts = self._weights(said)
        if sums:
            concepts[OFF_TOPIC] = 1.0
        if kind.qtype == "count":
            self._counted_figures(said, concepts)
        where = _positions(said)
        explained = set(range(start)) | kind.explained | _covered(matches) | negations | sums
        explained |= askers
        words = self._leftover_words(tokens, explained, capitalised_names(text))
        for surface, i in words.unknown_at:
            where.setdefault(surface, []).append(i)
        siblings = self._siblings(tokens, words.unknown_at, concepts, text)
        spans = [m.span for m in said]
        titles = [m for m in matches if m.title and m.at not in negated]
        if not words.unknown:  # "president" is Tokayev, "president of america" is not
            self._hear_titles(titles, concepts, spans)
        else:  # "the Uzbek president": the record's title, another country's holder
            siblings += self._strangers(tokens, titles, words.unknown_at, concepts)
        first_person = self._first_person(concepts)
        self._country_speaks(tokens, concepts, where)
        qtype = self._implied_kind(kind, concepts, where, len(tokens))
        if qtype:
            concepts[f"{qtype}_q"] = 1.0
        person, thing, group = self._pronouns(_outside_phrases(tokens, matches))
        return Parsed(
            text=text,
            tokens=tokens,
            concepts=concepts,
            qtype=qtype,
            unknown=words.unknown,
            neutral=words.neutral,
            objects=self._objects(words.objects, where),
            where=where,
            record_words=words.record_words,
            spans=spans,
            follow_up=start > 0,
            person_pronoun=person,
            thing_pronoun=thing,
            group_pronoun=group,
            first_person=first_person,
            qtype_at=kind.at,
            spoken_of=self._spoken_of(tokens, where, self._turning_marker(tokens, start)),
            denied=denied,
            about_pronoun=self._about_pronoun(tokens),
            about_thing=self._about_thing(tokens),
            siblings=siblings,
            counted=self._counted(tokens, kind.counted_at, said) if kind.qtype == "count" else None,
        )

    def _turning_marker(self, tokens: list[Token], start: int) -> int:
        """The length of a follow-up marker that asks ("what about", "how about"): it turns
        to what follows, which is then no object of saying ("and about Sharif?" is)."""
        return start if start and tokens[0].stem in self._qtype_reach else 0

    def _counted(self, tokens: list[Token], at: int, said: list[Match]) -> frozenset[str] | None:
        """What "how many" counts: the concepts of the nouns after it, stopwords aside ("how
        many of the MoUs", "how many 'historic' MoUs"), with the record's figures in a unit
        ("how many years": 23); a noun no concept names counts something the record may not
        count ("how many people"); an everyday word, a verb or nothing counts nothing said.
        A unit inside the question phrase ("сколько лет") is counted by ``_counted_figures``."""
        if at <= 0 or self._names_anything(tokens[at - 1]):
            return None
        generic = self.grammar.counted_generic  # (not one set of both: a copy per question)
        while at < len(tokens) and (
            tokens[at].stem in self._stopwords or tokens[at].stem in generic
        ):
            at += 1
        concepts = self._nouns_counted(tokens, at, said)
        if concepts is None:
            return None
        units = [c for c in concepts if c in self._figures_in]
        return frozenset(concepts.union(*(self._figures_in[u] for u in units)))

    def _nouns_counted(self, tokens: list[Token], at: int, said: list[Match]) -> set[str] | None:
        """The concepts of the nouns from ``at`` on (None: no noun there)."""
        concepts: set[str] = set()
        noun = False
        for i in range(at, min(at + CONFIG.counted_reach, len(tokens))):
            named = next((m for m in said if i in m.positions), None)
            things = self._things_named(named.concepts) if named else set()
            noun_here = bool(things) if named else self._a_noun(tokens, i)
            if self.is_ordinary(tokens[i]) or not noun_here:
                break  # "how many days": a unit the record gives no figure in asks how long
            noun = True
            concepts |= things
        return concepts if noun else None

    def _things_named(self, concepts: Iterable[str]) -> set[str]:
        """Concepts that name what is counted: not a tense ("болады"), nor a word for the
        kind of answer ("ақшаға": money asks how much); a unit ("years") counts."""
        return {
            c
            for c in concepts
            if c in self._figures_in
            or not (c.endswith("_q") or self.is_qualifier(c) or self.implies_kind(c))
        }

    def names_in(self, text: str) -> frozenset[str]:
        """The concepts a text of the record names (a topic's answer), read once."""
        found = self._names_in.get(text)
        if found is None:
            found = self._names_in[text] = frozenset(self.parse(text).subject)
        return found

    def _names_anything(self, token: Token) -> bool:
        return bool(self._phrases.get((token.stem,)) or self._match_word(token))

    def _a_noun(self, tokens: list[Token], i: int) -> bool:
        """A word no concept took that names a thing: one of the record's ("delegation") or
        an everyday English noun ("people", "students"), not a word of Roman Urdu ("kitne
        arsay": a span of time) nor of another script, where no word list tells a noun from
        a verb."""
        token = tokens[i]
        if not is_latin(token.surface) or token.word.isdigit():
            return False
        kind = self._leftover_kind(tokens, i)
        if kind == "record":
            return True
        quiet = kind is None and token.stem in self._quiet_stems and not self._a_pronoun(token)
        noun = kind in ("unknown", "object") or quiet
        return noun and token.stem not in self._stopwords and self.is_common(token.word)

    def _a_pronoun(self, token: Token) -> bool:
        return token.word in self._person_pronouns or token.word in self._thing_pronouns

    def _counted_figures(self, said: list[Match], concepts: dict[str, float]) -> None:
        """ "How many years ...?" counts a unit of measure: it asks for the record's figure in
        that unit ("23 years"), named or not."""
        for match in said:
            units = [c for c in match.concepts if self.is_qualifier(c)]
            if set(concepts) - set(units) & self._gap_concepts:
                continue  # "how many years did he stay": what the record lacks, not 23
            for unit in units:
                for figure in self._figures_in.get(unit, ()):
                    concepts.setdefault(figure, CONFIG.counted_figure_weight)

    def _marker_length(self, stems: list[str]) -> int:
        """How many words a follow-up marker ("and", "what about") takes at the start, after
        a word of small talk ("ok what about culture")."""
        lead = 1 if stems and set(self._phrases.get((stems[0],), ("-",))) <= SMALLTALK else 0
        for skip in dict.fromkeys((0, lead)):
            rest = stems[skip:]
            if not rest or rest[0] not in self._marker_starts:
                continue  # no marker starts with this word (most do not start with one)
            for marker in self._markers:
                if tuple(rest[: len(marker)]) == marker:
                    return skip + len(marker)
        return 0

    def _matches(
        self,
        tokens: list[Token],
        start: int,
        skip: frozenset[int],
        heads: frozenset[int],
        asking: frozenset[int] = frozenset(),
    ) -> list[Match]:
        """Concept and title phrases, left to right, longest first, after the marker.
        Words of a question phrase ("how big", "which leader") ask the kind, no more; but
        its last word may also name one of the record's things ("which ministers"), and a
        phrase that holds it whole and goes on names its concepts too ("kis ne diya": who
        gave; ``asking`` are the question phrase's words)."""
        stems = [t.stem for t in tokens]
        found: list[Match] = []
        starts_nothing = self._starts_nothing
        i = start
        while i < len(tokens):
            if starts_nothing(tokens[i]):  # no phrase starts here (most words): none found
                i += 1
                continue
            match = self._match_from(tokens, stems, i, (skip, heads, asking))
            if match is None:
                i += 1
                continue
            found.append(match)
            i += match.length
        return found

    def _match_from(
        self,
        tokens: list[Token],
        stems: list[str],
        i: int,
        question: tuple[frozenset[int], frozenset[int], frozenset[int]],
    ) -> Match | None:
        """The phrase starting at word i, as ``_matches`` allows it there (``question``:
        its skip, heads and asking positions)."""
        skip, heads, asking = question
        inside = i in skip and i not in heads
        inert = (inside and i not in asking) or self._starts_nothing(tokens[i])
        match = None if inert else self._match_here(tokens, stems, i)
        if inside:  # only a phrase that goes on past the question's words
            return match if match is not None and match.at + match.length - 1 not in skip else None
        if match is None and not inert:  # "put the medal on him": a separated phrase
            match = self._separated(tokens, stems, i)
        if match is not None and i in heads and not self._names_a_record_thing(match):
            return None
        return match

    def _separated(self, tokens: list[Token], stems: list[str], i: int) -> Match | None:
        """A two-word alias whose second word is a particle the grammar lets stand apart
        ("put on", "hand over"), its verb at word i and the particle a few words after it (a
        phrase of several words counting as one): the verb names the phrase's concepts."""
        particles = self.grammar.separable_particles
        seconds = self._second_stems.get(stems[i])
        if not particles or not seconds:
            return None
        ahead = tokens[i + 2 : i + 2 + CONFIG.separable_reach * CONFIG.separable_phrase_words]
        if not any(t.word in particles for t in ahead):
            return None  # (most verbs: no particle in sight, no phrase to look for)
        j, between = i + 1, 0  # a phrase between counts as one word ("the Nishan-e-Pakistan")
        while j < len(tokens) and between <= CONFIG.separable_reach:
            if between and tokens[j].word in particles:
                concepts = self._phrases.get((stems[i], stems[j]))
                return Match(i, 1, set(concepts), tokens[i].surface) if concepts else None
            inside = self._match_here(tokens, stems, j)
            j += inside.length if inside is not None else 1
            between += 1
        return None

    def asks_nothing_here(self, parsed: Parsed) -> bool:
        """No question word of its own: none, or only an "is/did" inside a statement ("the
        target is $5 billion by 2030, correct?"), which asks only at the start."""
        at = parsed.qtype_at
        if at < 0:
            return True
        word = parsed.tokens[at].stem  # "ли", "ма" ask wherever they stand
        asks = word in self.grammar.yes_no_anywhere
        return at > 0 and not asks and self._qtypes.get((word,)) == "yes_no"

    def _names_a_record_thing(self, match: Match) -> bool:
        """The last word of a question phrase names a thing of the record ("which
        ministers", "сколько лет"), not one more word for the kind asked ("which place").
        The record's date is named as English "which date" names it ("қай күні", "کس
        تاریخ" are phrases): one date for every event, so after "23 years" the visit's."""
        concepts = match.concepts
        own = all(self.from_record(c) and not self.implies_kind(c) for c in concepts)
        dated = any(self.from_record(c) and self.implied_kind(c) == "when" for c in concepts)
        return not match.title and (own or dated)

    def _starts_nothing(self, token: Token) -> bool:
        """No title, phrase or word alias starts with this word, wherever it stands (most
        words: "the", "my", "shop"), so ``_match_here`` would find nothing; kept per word,
        as the words read are (see tokens)."""
        inert = self._inert.get(token.word)
        if inert is None:
            inert = (
                token.stem not in self._title_reach
                and token.stem not in self._phrase_reach
                and token.word not in self._prefix_phrases
                and not self._match_word(token)
            )
            if len(self._inert) >= KEPT_TOKENS:
                self._inert.clear()
            self._inert[token.word] = inert
        return inert

    def _match_here(self, tokens: list[Token], stems: list[str], i: int) -> Match | None:
        """The concept (or title) phrase starting at word i (see ``_found_at``)."""
        token = tokens[i]
        if self._may_go_on(tokens, stems, i):
            found = self._found_at(tokens, stems, i)
        else:
            found = self._alone(token)
        length, concepts, title = found
        if title:  # "president", but not "president of pakistan"
            return Match(i, length, concepts, _surface(tokens, i, length), title=True)
        if not concepts:
            return None
        setting = self._in_setting(tokens, i, length)
        return Match(i, length, concepts, _surface(tokens, i, length), setting=setting)

    def _may_go_on(self, tokens: list[Token], stems: list[str], i: int) -> bool:
        """A title or phrase of several words may start at word i (the next word is the
        second word of one that starts with this one), or a stem phrase ("темір жол*")."""
        if tokens[i].word in self._prefix_phrases:
            return True
        second = self._second_stems.get(stems[i])
        return second is not None and i + 1 < len(stems) and stems[i + 1] in second

    @cached_property
    def _second_stems(self) -> dict[str, frozenset[str]]:
        """The second words of the titles and phrases of several words, by their first."""
        second: dict[str, set[str]] = {}
        for key in [*self._titles, *self._phrases]:
            if len(key) > 1:
                second.setdefault(key[0], set()).add(key[1])
        return {first: frozenset(words) for first, words in second.items()}

    def _alone(self, token: Token) -> tuple[int, set[str], bool]:
        """What ``_found_at`` finds at a word where no phrase of several words goes on: the
        same wherever the word stands, so kept per word, as the words read are (see tokens;
        the concept sets are never changed, so matches may share them)."""
        found = self._found_alone.get(token.word)
        if found is None:
            found = self._found_at([token], [token.stem], 0)
            if len(self._found_alone) >= KEPT_TOKENS:
                self._found_alone.clear()
            self._found_alone[token.word] = found
        return found

    def _found_at(
        self, tokens: list[Token], stems: list[str], i: int
    ) -> tuple[int, set[str], bool]:
        """How many words from word i name what (and whether they are a title): alias
        phrases, then stem phrases ("темір жол*"), then one word by its stem or pattern."""
        title_length, title = (
            self._match_at(stems, i, self._titles, self._title_reach)
            if stems[i] in self._title_reach
            else (0, set())
        )
        length, concepts = (
            self._match_at(stems, i, self._phrases, self._phrase_reach, tokens)
            if stems[i] in self._phrase_reach
            else (0, set())
        )
        if title_length > length:  # "president", but not "president of pakistan"
            return title_length, title, True
        if length == 1:
            length, concepts = self._one_word(tokens[i].word, concepts)
        if not length:
            length, concepts = self._match_prefix_phrase(tokens, i)
        if not length:
            length, concepts = 1, self._match_word(tokens[i])
        return length, concepts, False

    def _one_word(self, word: str, concepts: set[str]) -> tuple[int, set[str]]:
        """What one word names, as written or only by its stem."""
        exact = self._exact.get(word)
        if exact:
            # The word as written is someone's alias: a record concept that only shares its
            # stem is another word ("goods" for "good", "goals" for "goal"); language concepts
            # keep their inflections ("discussed" is still "discuss").
            if set(exact) <= SMALLTALK:
                return 1, set(exact)
            return 1, set(exact) | {c for c in concepts if not self.from_record(c)}
        if word in self._foreign_everyday:
            return 0, set()  # "mil" (Roman Urdu) is not a form of "miles"
        # small talk is said in set words: "regarding" is no "regards" (goodbye)
        return 1, {c for c in concepts if c not in SMALLTALK}

    def _weights(self, said: list[Match]) -> dict[str, float]:
        """Concepts in the order said; the ones that only set the scene ("during the visit")
        are dropped when something else is asked about."""
        concepts = {c: self.info[c].weight for m in said for c in self.in_order(m.concepts)}
        setting = {c for m in said if m.setting for c in m.concepts}
        if set(concepts) - setting - self._smalltalk_free:
            for concept in setting:
                concepts.pop(concept, None)
        return concepts

    def in_order(self, concepts: Iterable[str]) -> list[str]:
        """Concepts in the knowledge files' order, not a set's (which follows the hash seed):
        the same question is parsed the same way in every process."""
        rank = self._concept_rank
        return sorted(concepts, key=lambda c: rank.get(c, len(rank)))

    @cached_property
    def _concept_rank(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.info)}

    def _leftover_words(
        self, tokens: list[Token], explained: set[int], names: frozenset[str] = frozenset()
    ) -> Leftovers:
        """Words no phrase took: the record's own words, ordinary words, and unknown ones.
        ``names``: words of another script written as names (see ``capitalised_names``)."""
        words = Leftovers()
        for i, token in enumerate(tokens):
            what = None if i in explained else self._leftover_kind(tokens, i, names)
            if what == "record":
                words.record_words.append(token.word)
            elif what == "neutral":
                words.neutral.append(token.surface)
            elif what is not None:
                words.unknown.append(token.surface)
                words.unknown_at.append((token.surface, i))
                if what == "object":
                    words.objects.append(token.surface)
        return words

    def _leftover_kind(
        self, tokens: list[Token], i: int, names: frozenset[str] = frozenset()
    ) -> str | None:
        """What word i is when no phrase took it: "record", "neutral", "object" (an unknown
        word right after "about"), "unknown", or None when it does not count."""
        token = tokens[i]
        if token.stem in self._stopwords:
            return None
        if self._a_pronoun(token):
            return None
        if token.stem in self._document_stems:
            return "record"
        if token.stem in self._quiet_stems:
            return None  # a word of some alias, just not one matched here
        if len(token.surface) < 3 and is_latin(token.surface):
            return None
        if self._after_marker(tokens, i):  # "about India", "about the war"
            return "object"
        if self.is_ordinary(token):
            return "neutral"  # "begin", "besides": ordinary words, not missing topics
        if not is_latin(token.surface):  # no word list tells a Russian or Urdu word from a
            return "unknown" if token.surface in names else "neutral"  # name, but a capital
        if self._a_slip(token.surface):
            return "neutral"  # "protecshun", "visted": a slip, not a missing topic
        return "unknown"

    def _after_marker(self, tokens: list[Token], i: int) -> bool:
        """Word i is what an object marker ("about") names: the first word after it but
        stopwords ("about the war"), not a word after the thing it named ("about Pakistan
        trying to ...")."""
        for j in range(i - 1, max(-1, i - 4), -1):
            if tokens[j].word in self.grammar.object_markers:
                return True
            if tokens[j].stem not in self._stopwords:
                return False
        return False

    def _objects(self, objects: list[str], where: dict[str, list[int]]) -> list[str]:
        """ "about the situation in Gaza": the object is Gaza, not "situation" (a record
        concept follows it within three words)."""
        record_places = [j for c, places in where.items() if self.from_record(c) for j in places]
        return [
            w
            for w in objects
            if not any(0 < j - i <= 3 for i in where.get(w, []) for j in record_places)
        ]

    def _hear_titles(
        self, titles: list[Match], concepts: dict[str, float], spans: list[Span]
    ) -> None:
        """Titles said alone ("the president") count only when no word is unknown."""
        for title in titles:
            spans.append(title.span)
            for concept in title.concepts:
                concepts[concept] = self.info[concept].weight

    def _denial(
        self, tokens: list[Token], matches: list[Match], negations: set[int]
    ) -> tuple[frozenset[int], frozenset[str]]:
        """Where the denied phrase stands and the concepts denied; none when the message
        has nothing else to ask about ("not the city, the house" still asks of the place)."""
        negated = self._negated(tokens, matches, negations)
        kinds = self.grammar.category_words  # "not even the health sector?": no other thing
        rest = {
            c
            for m in matches
            if m.at not in negated and m.surface.casefold() not in kinds
            for c in m.concepts
        }
        if not rest:
            return frozenset(), frozenset()
        denied = frozenset(c for m in matches if m.at in negated for c in m.concepts) - rest
        return negated, denied

    def _negated(
        self, tokens: list[Token], matches: list[Match], negations: set[int]
    ) -> frozenset[int]:
        """Where the phrase stands that a negation opening the message denies: the first one
        within reach after "not" ("not the award, what did he say?"), or the last one before
        "nahi", "емес" ("railway nahi, ...")."""
        for i in sorted(negations):  # (``negation_words``, read once per parse)
            if tokens[i].word in self.grammar.negations:
                after = [m.at for m in matches if i < m.at <= i + CONFIG.negation_reach]
                return frozenset(after[:1])
            if i > 0:
                before = [m.at for m in matches if m.at + m.length <= i]
                return frozenset(before[-1:])
        return self._contrasted(tokens, matches)

    def _contrasted(self, tokens: list[Token], matches: list[Match]) -> frozenset[int]:
        """ "Sorry, I meant Tokayev not Sharif - what did he call Pakistan?": anywhere in the
        message, a negation right after one named thing denies the next one ("the"); not a
        negation that is also a question word (Kazakh "не": what) with no cue after it."""
        ends = {m.at + m.length for m in matches}
        negations = self.grammar.negations
        for i, token in enumerate(tokens):
            if token.word not in negations or i not in ends:
                continue  # (most words: no negation, or none right after a named thing)
            if not (token.stem in self._qtype_reach and not self._cued(tokens, i)):
                after = [m.at for m in matches if i < m.at <= i + 2]
                if after:
                    return frozenset(after[:1])
        return frozenset()

    def _about_pronoun(self, tokens: list[Token]) -> bool:
        """ "about him", "uske bare mein": a person pronoun just after an object marker or
        just before one that follows its noun."""
        return any(
            t.surface in self._person_pronouns and self._marked_as_object(tokens, i, len(tokens))
            for i, t in enumerate(tokens)
        )

    def _strangers(
        self,
        tokens: list[Token],
        titles: list[Match],
        unknown_at: list[tuple[str, int]],
        concepts: dict[str, float],
    ) -> tuple[tuple[str, str], ...]:
        """ "What did the Uzbek president say?": a word nobody knows right before a title of
        one of the record's people ("Kazakh president" is an alias) names someone else with
        that title: a sibling of the person, whose concept is what the question is about,
        so the reply gives the record's own person instead (see ``decide.sibling_name``)."""
        before = {i + 1 for _, i in unknown_at}
        found = []
        for title in titles:
            typed = all(t.word == t.surface for t in tokens[title.at : title.at + title.length])
            if title.at in before and typed:  # not a word corrected into a title ("saddar")
                surface = " ".join(
                    t.surface for t in tokens[title.at - 1 : title.at + title.length]
                )
                for concept in title.concepts:
                    concepts.setdefault(concept, self.info[concept].weight)
                    found.append((surface, concept))
        return tuple(found)

    def _siblings(
        self,
        tokens: list[Token],
        unknown_at: list[tuple[str, int]],
        concepts: dict[str, float],
        text: str,
    ) -> tuple[tuple[str, str], ...]:
        """ "the Hilal-e-Pakistan": a name the record uses ("Nishan-e-Pakistan") with one word
        the record does not know in place of one of its own (written as a name, capitalised)
        names a thing of the same kind that the record lacks; its concept is what the
        question is about."""
        named = [i for w, i in unknown_at if w[:1].upper() + w[1:] in text]
        if not named:
            return ()  # most questions: no capitalised word nobody knows
        found: list[tuple[str, str]] = []
        stems = [t.stem for t in tokens]
        for i in named:
            for first, n, concept in self._sibling_windows(stems, i):
                found.append((" ".join(t.surface for t in tokens[first : first + n]), concept))
                concepts.setdefault(concept, 1.0)
        return tuple(found)

    def _sibling_windows(self, stems: list[str], i: int) -> Iterator[tuple[int, int, str]]:
        """(first word, length, concept) of each window around word i that is a sibling."""
        index = self._sibling_index
        for n in range(2, self.max_phrase + 1):
            for k in range(n):
                first = i - k
                if first < 0 or first + n > len(stems):
                    continue
                owners = index.get((*stems[first:i], "*", *stems[i + 1 : first + n]), ())
                if len(owners) == 1:  # a pattern two concepts share names neither
                    yield first, n, owners[0]

    @cached_property
    def _sibling_index(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Names of three words or more that the record's own text uses, each with one word
        left open, keeping a word of their own (not a stopword): "* e pakistan" (of two
        words, one left says too little: "national *")."""
        index: dict[tuple[str, ...], tuple[str, ...]] = {}
        source = self._source_stems
        for key, concepts in self._phrases.items():
            owners = [c for c in concepts if self.from_record(c) and self.is_anchor(c)]
            if len(key) < SIBLING_WORDS or not owners or not source.issuperset(key):
                continue
            for k in range(len(key)):
                if any(len(w) >= 3 and w not in self._stopwords for w in key[:k] + key[k + 1 :]):
                    wild = (*key[:k], "*", *key[k + 1 :])
                    index[wild] = tuple(dict.fromkeys([*index.get(wild, ()), *owners]))
        return index

    def _about_thing(self, tokens: list[Token]) -> bool:
        """ "about it", "об этом", "is ke bare mein": a thing pronoun right beside its object
        marker, standing alone (in "about this award", "бұл марапат туралы" it only points
        at a noun)."""
        grammar, pronouns, last = self.grammar, self._thing_pronouns, len(tokens) - 1
        for i, t in enumerate(tokens):
            if t.surface not in pronouns:
                continue
            after = tokens[i + 1].word if i < last else ""
            alone = not after or tokens[i + 1].stem in self._stopwords
            if (i > 0 and tokens[i - 1].word in grammar.object_markers and alone) or (
                after in grammar.markers_after
            ):
                return True
        return False

    def _marked_as_object(self, tokens: list[Token], i: int, upto: int, start: int = 0) -> bool:
        """Word i stands just after an object marker ("about") or just before one that
        follows its noun ("ke bare mein", "туралы"), before position ``upto`` (and after a
        follow-up marker's ``start`` words)."""
        ahead = {t.word for t in tokens[max(start, i - 2) : i]}
        behind = {t.word for t in tokens[i + 1 : min(i + 4, upto)]}
        return bool(ahead & self.grammar.object_markers or behind & self.grammar.markers_after)

    def _askers(self, tokens: list[Token]) -> set[int]:
        """ "My students in Taraz want to know...", "meri students puchti hain": a word for
        who asks right after "my", "our", "мои" names the asker's people, not a topic
        ("student exchange" after no self word stays the topic)."""
        grammar = self.grammar
        return {
            i
            for i in range(1, len(tokens))
            if tokens[i].stem in grammar.asker_words and tokens[i - 1].surface in grammar.self_words
        }

    def _lasting(self, tokens: list[Token], qtype: str | None) -> set[int]:
        """ "how long did the visit last (in total)?", "how many days did it last?": in a
        question of time, a duration verb after an auxiliary, ending its clause or before a
        function word, is the verb, not "the last visit" ("when did one visit last?" is)."""
        grammar = self.grammar
        if qtype not in DURATION_KINDS or not grammar.duration_verbs:
            return set()
        return {
            i
            for i, token in enumerate(tokens)
            if token.word in grammar.duration_verbs
            and (i + 1 == len(tokens) or tokens[i + 1].stem in self._stopwords)
            and any(t.word in grammar.past_auxiliaries for t in tokens[:i])
        }

    def _sums(self, tokens: list[Token]) -> set[int]:
        """Where a number, an arithmetic word ("times", "плюс") and a number stand in a row
        ("what is 17 times 23?", "37 multiplied by 23"): a sum to work out, not the record's
        figures. A stopword may follow the arithmetic word ("by", "на")."""
        found: set[int] = set()
        words = self.grammar.arithmetic_words
        for i in range(1, len(tokens) - 1):
            typed = {tokens[i].surface, tokens[i].word}  # "multiplied", not its correction
            if not typed & words or number_value(tokens[i - 1].word) is None:
                continue
            after = i + 2 if tokens[i + 1].stem in self._stopwords else i + 1
            if after < len(tokens) and number_value(tokens[after].word) is not None:
                found |= set(range(i - 1, after + 1))
        return found

    def negation_words(self, tokens: list[Token]) -> set[int]:
        """Where the negations near the start stand: they are no missing topic. One that is
        also a question word ("не": Kazakh "what") negates only with a cue after it."""
        words = self._negating
        return {
            i
            for i, t in enumerate(tokens[: CONFIG.negation_reach + 1])
            if t.word in words and (t.stem not in self._qtype_reach or self._cued(tokens, i))
        }

    def _cued(self, tokens: list[Token], i: int) -> bool:
        """A cue after it ("не про X", "не X, а Y"), or a negation beside it ("не, не
        морское", "нет, не то")."""
        shape = self.grammar
        before = tokens[i - 1].word if i > 0 else ""
        after = tokens[i + 1].word if i + 1 < len(tokens) else ""
        beside = before in shape.negations | shape.negation_cues or after in shape.negations
        return beside or any(t.word in shape.negation_cues for t in tokens[i + 1 :])

    @property
    def people(self) -> tuple[str, ...]:
        """The record's people, by id."""
        return tuple(self._people)

    def _spoken_of(
        self, tokens: list[Token], where: dict[str, list[int]], start: int = 0
    ) -> str | None:
        """A person named just after "about" ("what did he say about Sharif?") or just
        before "ke bare mein", "туралы" with no one else between: the one spoken of, not
        the speaker. The "about" of a follow-up marker ("what about Sharif - what did he
        call Kazakhstan?", ``start`` words) turns to him instead."""
        named = sorted((i, p) for p in self._people for i in where.get(p, []))
        for k, (i, person) in enumerate(named):
            upto = named[k + 1][0] if k + 1 < len(named) else len(tokens)
            if not _one_run(where[person]):
                continue  # named again elsewhere ("Sharif ne ... kaha"), also the speaker
            if self._marked_as_object(tokens, i, upto, start) or self._said_of(tokens, where, i):
                return person
        return None

    def _said_of(self, tokens: list[Token], where: dict[str, list[int]], i: int) -> bool:
        """ "How did Tokayev describe the PM?", "what did he call Sharif?", "что он сказал о
        самом Шарифе?": the person just after a word of saying, with someone (or "he") before
        it, is the one spoken of; so is one just before it after "he", where the verb comes
        last ("ол Шарифті қалай атады?", "انہوں نے شہباز شریف کو کیا کہا؟": he called Sharif
        how?)."""
        said = [s for s in where.get("say", []) if 0 < i - s <= CONFIG.said_of_reach]
        if said:
            before = [j for p in self._people for j in where.get(p, []) if j < said[0]]
            return bool(before) or self._he_before(tokens, said[0])
        said_after = [s for s in where.get("say", []) if 0 < s - i <= CONFIG.said_of_reach]
        return bool(said_after) and self._he_before(tokens, i)

    def _he_before(self, tokens: list[Token], at: int) -> bool:
        return any(t.word in self._person_pronouns for t in tokens[:at])

    def _country_speaks(
        self, tokens: list[Token], concepts: dict[str, float], where: dict[str, list[int]]
    ) -> None:
        """ "how does Pakistan see Kazakhstan?", "кем Пакистан считает Казахстан?": a country
        named before a word of saying, with no one named (nor "he"), speaks through its
        leader; not one spoken of ("about Pakistan", "Пакистан туралы")."""
        said = where.get("say")
        if not said or any(p in concepts for p in self._people) or self._pronouns(tokens)[0]:
            return
        before = sorted((min(where[c]), c) for c in self._country_people if c in where)
        first = before[0][0] if before else len(tokens)
        if first < said[0] and not self._marked_as_object(tokens, first, len(tokens)):
            person = self._country_people[before[0][1]]
            concepts.setdefault(person, CONFIG.country_speaker_weight)

    def _first_person(self, concepts: dict[str, float]) -> str | None:
        """The person named first (a country stands for its leader): usually the speaker."""
        return next(
            (self._country_people.get(c, c) for c in concepts
             if c in self._people or c in self._country_people),
            None,
        )  # fmt: skip

    def _implied_kind(
        self,
        kind: QuestionWords,
        concepts: dict[str, float],
        where: dict[str, list[int]],
        length: int,
    ) -> str | None:
        """ "visit date?" asks when, "deal value?" how much; so do "which date", "what
        value" when the concept comes right after the question word."""
        implied = [c for c in concepts if c in self._implied]
        if not implied:
            return kind.qtype
        if kind.qtype is None:
            return self._implied[implied[0]]
        first = min(where.get(implied[0], [length]))
        # "which year"; "سال کون سا ہے", "год какой был": the question word after it, with
        # nothing named after ("Исламабадта қай қонақүйге": which hotel, not where)
        after = kind.at == first + 1 and not self.from_record(implied[0])  # not "Islamabad -"
        last = after and not any(i > kind.at for at in where.values() for i in at)
        if kind.qtype in ("what", "list") and (kind.at == first - 1 or last):
            return self._implied[implied[0]]
        return kind.qtype

    def _pronouns(self, tokens: list[Token]) -> tuple[bool, bool, bool]:
        """Whether the message says "he", "it" or "them" (as typed, not corrected); "any on
        tobacco?" leaves its thing unsaid ("any [deal] on"), as "was there one on IT?" does."""
        surfaces = {t.surface for t in tokens}
        return (
            bool(surfaces & self._person_pronouns),
            bool(surfaces & self._thing_pronouns) or self._unsaid_thing(tokens),
            bool(surfaces & self.grammar.group_pronouns),
        )

    def _unsaid_thing(self, tokens: list[Token]) -> bool:
        """ "any on tobacco?", "and anything about grain?": opening the message (not "did
        he say anything about Gaza?", where "anything" is what is said)."""
        grammar = self.grammar
        start = 1 if tokens and tokens[0].word in grammar.join_words else 0
        opening = tokens[start : start + 2]
        return len(opening) == 2 and (
            opening[0].stem in grammar.yes_no_anywhere and opening[1].word in grammar.object_markers
        )

    def points_alone(self, parsed: Parsed) -> bool:
        """Whether "it" or "them" stands for a thing on its own ("who signed it?"), not
        before the noun it points with ("Бұл марапат", "this award")."""
        pronouns = self._thing_pronouns | self.grammar.group_pronouns
        named = {i for c in parsed.subject for i in parsed.where.get(c, [])}
        return any(
            t.surface in pronouns and i + 1 not in named for i, t in enumerate(parsed.tokens)
        )

    def _in_setting(self, tokens: list[Token], i: int, length: int) -> bool:
        """ "during his trip", "сапар кезінде", "visit ke dauran": a phrase that only sets
        the scene (a word after it, with "ke" between, for languages that put it last)."""
        after = tokens[i + length : i + length + 2]
        return self._after_setting_word(tokens, i) or any(
            t.word in self.grammar.setting_after for t in after
        )

    def _after_setting_word(self, tokens: list[Token], i: int) -> bool:
        """Whether position i is in a phrase like "during his trip" (up to 3 words after)."""
        return any(t.word in self.grammar.setting_words for t in tokens[max(0, i - 3) : i])

    def _find_qtype(
        self, stems: list[str], start: int, negations: Collection[int] = ()
    ) -> QuestionWords:
        """Specific kinds ("how many", "when") win wherever they are; "is/was/did" only count
        at the start of the question, where English puts them. A negation asks nothing."""
        scanned = self._question_phrases(stems, start, negations)
        if not scanned:
            return NO_QUESTION_WORDS  # most parts of a long message ask nothing
        found = [f for f in scanned if not self._starts_relative_clause(f, scanned, stems, start)]
        at = found[0][0] if found else -10
        if found:  # "did he ... when he got there", "what welcome ... when he arrived"
            found = found[:1] + [f for f in found[1:] if not _clause_after_opening(f, stems, start)]
        return self._question_words(found, stems, start, at)

    def _question_words(
        self, found: list[Found], stems: list[str], start: int, at: int
    ) -> QuestionWords:
        return QuestionWords(
            qtype=_choose_kind(found, stems, start, self.grammar),
            at=at,
            explained=frozenset(j for i, length, _ in found for j in range(i, i + length)),
            phrases=frozenset(
                j for i, length, _ in found if length > 1 for j in range(i, i + length)
            ),
            heads=frozenset(i + length - 1 for i, length, _ in found if length > 1),
            # the last: "not the number of MoUs, the number of years"
            counted_at=next((i + length for i, length, q in reversed(found) if q == "count"), -1),
        )

    def _question_phrases(
        self, stems: list[str], start: int, negations: Collection[int] = ()
    ) -> list[Found]:
        """Every question phrase after the follow-up marker, longest first at each word (a
        negation asks nothing)."""
        found: list[Found] = []
        i = start
        while i < len(stems):
            if i in negations:
                i += 1
                continue
            for length in self._qtype_reach.get(stems[i], ()):
                qtype = (
                    self._qtypes.get(tuple(stems[i : i + length]))
                    if length <= len(stems) - i
                    else None
                )
                if qtype:
                    after = stems[i + length] if i + length < len(stems) else ""
                    if after in self.grammar.indefinite_after:  # "что-то": something
                        qtype, length = "yes_no", length + 1
                    found.append((i, length, qtype))
                    i += length - 1
                    break
            i += 1
        return found

    def _starts_relative_clause(
        self, f: Found, found: list[Found], stems: list[str], start: int
    ) -> bool:
        """ "people who are in jail", "the date when": a question word after a noun starts a
        relative clause, not a question (English only: Roman Urdu puts "kab" last)."""
        at = f[0]
        if (
            at <= start
            or at == len(stems) - 1  # "signed where?": nothing follows to be a clause
            or stems[at] not in self.grammar.relative_words
            or stems[at - 1] in self._stopwords
            or SAYING_VERBS.intersection(
                self._phrases.get((stems[at - 1],), ())
            )  # "does it say which..."
        ):
            return False
        return not any(g[0] < at < g[0] + g[1] or g[0] + g[1] == at for g in found)

    def _match_at(
        self,
        stems: list[str],
        i: int,
        table: dict[tuple[str, ...], tuple[str, ...]],
        reach: dict[str, tuple[int, ...]],
        tokens: list[Token] | None = None,
    ) -> tuple[int, set[str]]:
        """The longest alias phrase of ``table`` (``reach``: see ``_reach``) at word i; with
        ``tokens``, none whose stopword-like stem was typed bare (see ``_mark_whole``)."""
        for length in reach.get(stems[i], ()):
            if length > len(stems) - i:
                continue
            key = tuple(stems[i : i + length])
            concepts = table.get(key)
            if concepts and not (tokens and self._typed_bare(key, tokens, i)):
                return length, set(concepts)
        return 0, set()

    def _typed_bare(self, key: tuple[str, ...], tokens: list[Token], i: int) -> bool:
        return any(tokens[i + j].word == key[j] for j in self._whole_at.get(key, ()))

    def _match_prefix_phrase(self, tokens: list[Token], i: int) -> tuple[int, set[str]]:
        """ "темір жол*" matches "темір жолды": whole words, then a word by its start."""
        found: set[str] = set()
        length = 0
        for head, last, concept in self._prefix_phrases.get(tokens[i].word, ()):
            n = len(head)
            words = [t.word for t in tokens[i : i + n + 1]]
            if len(words) == n + 1 and tuple(words[:n]) == head and words[n].startswith(last):
                found.add(concept)
                length = n + 1
        return length, found

    def _pattern_matches(self, word: str, stem_length: int) -> set[str]:
        """Pattern aliases ("re:...(ады|еді)": a Kazakh future) whose ending comes after the
        word's stem alias: "исламабади" is a slip of a name, not a verb's ending."""
        found = set()
        for pattern, concept in self._patterns:
            match = pattern.match(word)
            if match and (not match.re.groups or match.start(1) >= stem_length):
                found.add(concept)
        return found

    def _match_word(self, token: Token) -> set[str]:
        """Stem (``word*``) and pattern (``re:``) aliases, for one word; a word of another
        script that none fits may be a slip in one of those stems."""
        if (token.stem,) in self._qtypes or token.stem in self._stopwords:
            return set()  # "қалай" (how) is a question word, not a form of "қала*" (city)
        word = token.word  # each start of the word looked up, not every stem scanned
        found = self._word_matches.get(word)  # kept, as the words read are (see tokens)
        if found is not None:
            return found
        stems = self._stem_aliases_in(word)
        found = {c for n in stems for c in self._stems_of[word[:n]]}
        found |= self._pattern_matches(word, max(stems, default=0))
        if not found and not is_latin(token.word) and token.stem not in self._quiet_stems:
            found = self._near_prefix(token.word)
        if len(self._word_matches) >= KEPT_TOKENS:
            self._word_matches.clear()
        self._word_matches[word] = found
        return found

    def _stem_aliases_in(self, word: str) -> list[int]:
        """The lengths of the starts of ``word`` that a stem alias names ("пакистан*")."""
        return [n for n in range(1, len(word) + 1) if word[:n] in self._stems_of]

    def _near_prefix(self, word: str) -> set[str]:
        """ "саглашений", "падписали": one slip (a letter wrong, or two swapped) inside the
        start a stem alias names. Only long stems, and the first letter must be right, as
        for Latin typos: a letter left out or added would let "прездиенту" (president) pass
        for "приезд" (arrival); but see ``_cut_start`` for vowels and long stems."""
        cached = self._near_prefixes.get(word)
        if cached is not None:
            return cached
        found: set[str] = set()
        slip = len(word) >= CONFIG.fuzzy_stem_min
        if len(word) >= CONFIG.fuzzy_cut_min:
            for prefix, concept in self._prefixes.get(word[:1], []):
                if len(prefix) < CONFIG.fuzzy_stem_min or concept in found:
                    continue
                near = slip and OSA.distance(word[: len(prefix)], prefix, score_cutoff=1) <= 1
                if near or _cut_start(word, prefix):
                    found.add(concept)
        self._near_prefixes[word] = found
        return found

    def _a_slip(self, word: str) -> bool:
        """Garbled or an everyday word mistyped; kept, as the words read are (see tokens):
        each asks rapidfuzz across hundreds of words."""
        known = self._slips.get(word)
        if known is None:
            if len(self._slips) >= KEPT_TOKENS:
                self._slips.clear()
            known = self._slips[word] = self._garbled(word) or self._slip_of_everyday(word)
        return known

    def _garbled(self, word: str) -> bool:
        """A word a few slips away from one of ours (beyond what ``correct`` dares to fix):
        a typo, not something the record lacks."""
        if len(word) < 7 or self.is_common(word):  # short words and real words are not slips
            return False
        found = process.extractOne(
            word,
            self._targets_from.get(word[0], []),
            scorer=OSA.distance,
            score_cutoff=2 if len(word) <= 8 else 3,
            processor=None,
        )
        if found is not None:
            return True
        spoken = _spoken(word)  # "protekshn" is "protection" by ear, if not by letters
        heard = process.extractOne(
            spoken,
            self._spoken_from.get(spoken[:1], []),
            scorer=OSA.distance,
            score_cutoff=CONFIG.spoken_slip_edits,
            processor=None,
        )
        return heard is not None

    def _slip_of_everyday(self, word: str) -> bool:
        """ "visted", "recieved": one slip from an everyday word (with the same first letter)
        is that word mistyped, never something the record lacks."""
        if len(word) < CONFIG.everyday_slip_min or self.is_common(word):
            return False
        return _everyday_slip(word, tuple(self._everyday_from.get(word[0], ())))

    @cached_property
    def _everyday_from(self) -> dict[str, list[str]]:
        """The language file's everyday English words by first letter."""
        by_letter: dict[str, list[str]] = {}
        for word in sorted(self._ordinary | self._nouns):
            by_letter.setdefault(word[:1], []).append(word)
        return by_letter

    @cached_property
    def _ordinary_stems(self) -> frozenset[str]:
        """Stems of the everyday words: made on first need, not at start-up (10,000 words)."""
        return frozenset(stem(w) for w in self._ordinary)

    @cached_property
    def _common_stems(self) -> frozenset[str]:
        return self._ordinary_stems | frozenset(stem(w) for w in self._nouns - self._ordinary)

    def _listed(self, word: str) -> bool:
        """In the language file's lists of everyday words (kept apart: one set of both
        would cost a megabyte more)."""
        return word in self._ordinary or word in self._nouns

    def is_common(self, word: str) -> bool:
        """An everyday word (noun or not), as opposed to a rare word or a name."""
        if self._listed(word):
            return True
        return word not in self._seen_rare and self._stem_is_common(word)

    def _stem_is_common(self, word: str) -> bool:
        if stem(word) in self._common_stems:
            return True
        self._seen_rare.add(word)
        return False

    def is_ordinary(self, token: Token) -> bool:
        """An everyday word of the language, not a name of something the record might lack."""
        if token.surface in self._ordinary or token.stem in self._ordinary:
            return True
        return token.stem in self._ordinary_stems

    # -- facts about concepts ------------------------------------------------------------

    def is_area(self, concept: str) -> bool:
        """Whether the concept is an agreement area, named or not."""
        return concept in self._areas

    def is_named_area(self, concept: str) -> bool:
        """Whether the concept is an agreement area the record names."""
        return concept in self._named_areas

    def implies_kind(self, concept: str) -> bool:
        """A concept that says what kind of answer is wanted ("date", "city") more than what
        the question is about."""
        return concept in self._implied

    def is_qualifier(self, concept: str) -> bool:
        info = self.info.get(concept)
        return bool(info and info.qualifier)

    def implied_kind(self, concept: str) -> str | None:
        """The kind of question a concept implies ("date": when), if any."""
        return self._implied.get(concept)

    def head_word(self, parsed: Parsed) -> str | None:
        """The word a question word asks for: the first after it but stopwords ("which
        regiment"); none when an "of" stands before or after it ("which part of the world":
        the world's part)."""
        tokens, of, at = parsed.tokens, self.grammar.of_words, parsed.qtype_at
        if at < 0 or self._qtypes.get((tokens[at].stem,)) != parsed.qtype:
            return None  # the kind was asked elsewhere ("we're doing a segment: list ...")
        for i in range(at + 1, len(tokens)):
            if tokens[i].word in of:
                return None
            if tokens[i].stem not in self._stopwords:
                after = tokens[i + 1].word if i + 1 < len(tokens) else ""
                return None if after in of else tokens[i].surface
        return None

    def apart(self, tokens: list[Token], i: int, j: int) -> int:
        """How far word j stands from word i, stopwords and words that open questions between
        not counted ("what was on the menu": the menu is next to "what")."""
        low, high = sorted((i, j))
        skipped = self._framing_words
        return 1 + sum(1 for t in tokens[low + 1 : high] if t.stem not in skipped)

    @cached_property
    def _framing_words(self) -> frozenset[str]:
        return frozenset(self._stopwords.union(self.grammar.question_starts))

    def is_detail(self, concept: str) -> bool:
        info = self.info.get(concept)
        return bool(info and info.detail)

    def is_general(self, concept: str) -> bool:
        """Whether the record mentions the concept only in general: marked ``general``, or
        an agreement it names by its area alone (one source: the line naming it)."""
        info = self.info.get(concept)
        return bool(info and info.general) or concept in self._named_only

    def is_anchor(self, concept: str) -> bool:
        info = self.info.get(concept)
        return bool(info and info.anchor)

    def country_of(self, concept: str) -> str | None:
        """The leader a country's concept stands for ("pakistan": Sharif), if it is one."""
        return self._country_people.get(concept)

    def is_specific(self, concept: str) -> bool:
        """One of the record's own words that says what a question is about ("partner",
        "anthems"), not who or where it is set (its people and countries, its date and place)."""
        info = self.info.get(concept)
        return bool(info and info.anchor and info.from_record) and not (
            self.is_setting(concept) or self.implies_kind(concept)
        )

    def asks_for_none(self, parsed: Parsed) -> bool:
        """ "and nothing on UN peacekeeping?", "carpets ka koi MoU nahi?": whether there is
        none; answered without "Yes." (which would say there is none). Not a question word's
        ("why is there no ...?"), not a long message's ("Kazakhstan has no coast, so ..."),
        and not "no, the other leader": that answers the bot."""
        tokens, grammar = parsed.tokens, self.grammar
        if parsed.qtype not in (None, "yes_no") or len(tokens) > CONFIG.absence_question_words:
            return False
        found = [
            i
            for i, t in enumerate(tokens)
            if (t.word in grammar.absence_words or t.surface in grammar.absence_words)
            # "deal yes or no", "hua ya nahi": a choice offered
            and (i == 0 or tokens[i - 1].word not in grammar.choice_words)
        ]
        answering = _ANSWERING.match(parsed.text) is not None
        return any(i > 0 or not answering for i in found)

    def is_setting(self, concept: str) -> bool:
        """One of the record's people or countries: who or where, not what is asked."""
        return concept in self._people or self.country_of(concept) is not None

    def offtopic_also_record(self, parsed: Parsed) -> bool:
        """Whether every word that makes the question off-topic also reads as the record's
        ("how did Tokayev rate Pakistan as a partner?"), none only as something else."""
        words = self.grammar.offtopic_also_record
        said = [normalise(typed) for typed, concepts in parsed.spans if OFF_TOPIC in concepts]
        return bool(said) and all(w in words for w in said)

    def from_record(self, concept: str) -> bool:
        info = self.info.get(concept)
        return bool(info and info.from_record)

    def may_name(self, concept: str, tokens: list[Token]) -> bool:
        """False when no word of ``tokens`` can start a phrase naming ``concept`` (then no
        word of the parse names it, though a count may imply a figure; a quick test that
        spares a parse). True means maybe."""
        starts = self._starts_of.get(concept)
        if starts is None:
            starts = self._starts_of[concept] = self._starts(frozenset((concept,)))
        return _may_start(starts, tokens)

    def may_name_area(self, tokens: list[Token]) -> bool:
        """``may_name`` for every agreement area at once: False when no word of ``tokens``
        can start a phrase naming any of them."""
        return _may_start(self._area_starts, tokens)

    @cached_property
    def _area_starts(self) -> Starts:
        return self._starts(frozenset(self._areas))

    def _starts(self, concepts: frozenset[str]) -> Starts:
        """How a phrase naming one of ``concepts`` can start, from every table ``_match_here``
        reads (keep the two in step: tests/test_may_name.py checks them on every set)."""
        tables = (self._phrases, self._titles)
        prefixes: dict[str, tuple[str, ...]] = {}
        for prefix, owners in self._stems_of.items():
            if not concepts.isdisjoint(owners):
                prefixes[prefix[:1]] = (*prefixes.get(prefix[:1], ()), prefix)
        return Starts(
            stems=frozenset(
                key[0]
                for table in tables
                for key, cs in table.items()
                if not concepts.isdisjoint(cs)
            ),
            words=frozenset(
                [w for w, cs in self._exact.items() if not concepts.isdisjoint(cs)]
                + [
                    w
                    for w, entries in self._prefix_phrases.items()
                    if any(e[2] in concepts for e in entries)
                ]
            ),
            prefixes=prefixes,
            patterns=tuple(pattern for pattern, c in self._patterns if c in concepts),
            fuzzy=any(c in concepts for entries in self._prefixes.values() for _, c in entries),
        )


def _may_start(starts: Starts, tokens: list[Token]) -> bool:
    """Whether a word of ``tokens`` may start a phrase as ``starts`` says (see ``may_name``)."""
    for token in tokens:
        if token.stem in starts.stems or token.word in starts.words:
            return True
        if token.word.startswith(starts.prefixes.get(token.word[:1], ())) or (
            starts.fuzzy and not is_latin(token.word)
        ):
            return True
        if starts.patterns and any(p.match(token.word) for p in starts.patterns):
            return True
    return False


# Russian and Kazakh too: Kazakh is often typed without its vowels ("келсм" for "келісім")
_VOWELS = frozenset("aeiouаәеёиіоөуұүыэюя")

# a letter typed again: "agreeement" keeps two of it, then "gaaza" one
_REPEATS = ((re.compile(r"(\w)\1{2,}"), r"\1\1"), (re.compile(r"(\w)\1+"), r"\1"))


@lru_cache(maxsize=4096)
def _everyday_slip(word: str, words: tuple[str, ...]) -> bool:
    """A letter dropped ("visted") or two swapped ("recieved"); not one replaced, which makes
    other real words ("dinner" and "diner")."""
    candidates = [
        w
        for w in words
        if len(w) == len(word) + 1 or (len(w) == len(word) and sorted(w) == sorted(word))
    ]
    found = process.extractOne(
        word, candidates, scorer=OSA.distance, score_cutoff=1, processor=None
    )
    return found is not None


def _covered(matches: list[Match]) -> set[int]:
    return {j for m in matches for j in m.positions}


def _one_run(places: list[int]) -> bool:
    """Positions that are one mention ("Prime Minister Sharif" takes three words)."""
    return max(places) - min(places) == len(places) - 1


def _outside_phrases(tokens: list[Token], matches: list[Match]) -> list[Token]:
    """The words outside the record's phrases: "this" in "in this news" points at nothing;
    small talk's "got it" may still point ("why he got it")."""
    inside = _covered([m for m in matches if m.length > 1 and not m.concepts & SMALLTALK])
    return [t for i, t in enumerate(tokens) if i not in inside]


def _breaks_a_cluster(typed: str, word: str) -> bool:
    """``typed`` (a cut of ``word``) lost a vowel between two consonants ("дейн", "кандй"),
    which no word of the language is spelled with; a vowel lost at the end or beside
    another is how the language inflects ("срок" is no "сроки", "стол" no "стоили")."""
    at = 0
    for i, letter in enumerate(word):
        if at < len(typed) and typed[at] == letter:
            at += 1
        elif 0 < i < len(word) - 1 and not {word[i - 1], word[i + 1]} & _VOWELS:
            return True
    return False


def _cut_start(typed: str, prefix: str) -> bool:
    """ "келсм", "мемрандумдар", "инвестцияга": ``typed`` starts with a stem with two or
    more of its vowels left out (Kazakh typed fast), or with one letter of a very long one
    left out; not one letter of a short stem, where "прездиенту" would pass for "приезд"."""
    if len(prefix) >= CONFIG.fuzzy_dropped_min and (
        OSA.distance(typed[: len(prefix) - 1], prefix, score_cutoff=1) <= 1
    ):
        return True
    at = 0
    for letter in prefix:
        if at < len(typed) and typed[at] == letter:
            at += 1
        elif letter not in _VOWELS or at == 0:
            return False
    # two vowels gone at least: one is a slip ("прездиенту" is no "приезд")
    return len(prefix) - at >= 2 and at >= CONFIG.fuzzy_cut_min


def _skeleton(word: str) -> str:
    """The first letter and the consonants after it: what a word typed without vowels keeps."""
    return word[:1] + "".join(c for c in word[1:] if c not in _VOWELS)


def _is_cut_from(typed: str, word: str) -> bool:
    """``typed`` is ``word`` with some vowels left out inside it (and nothing else changed):
    the first and last letters stay, so "yarn" is not a cut "yarana"; but a silent final
    "e" goes as the others do ("trd", "exchng", "ppl")."""
    if word.endswith("e") and len(word) > len(typed) + 1 and typed[-1:] == word[-2:-1]:
        word = word[:-1]
    elif is_cyrillic(word) and word[-1] in _VOWELS and typed[-1:] == word[-2:-1]:
        word = word[:-1]  # "болд", "канш": Kazakh typed fast loses its last vowel too
    if typed[:1] != word[:1] or typed[-1:] != word[-1:]:
        return False
    at = 0
    for letter in word:
        if at < len(typed) and typed[at] == letter:
            at += 1
        elif letter not in _VOWELS:
            return False
    return at == len(typed)


def _skeletons(
    vocabulary: Iterable[str], function_stems: set[str], alias_words: set[str]
) -> dict[str, tuple[str, ...]]:
    """Latin and Cyrillic vocabulary words by skeleton: function words, then alias words,
    then the rest, shorter first within each, so an ambiguous skeleton ("thr") resolves
    harmlessly."""

    def rank(word: str) -> tuple[int, int, str]:
        kind = 0 if stem(word) in function_stems else 1 if stem(word) in alias_words else 2
        return (kind, len(word), word)

    table: dict[str, list[str]] = {}
    words = (w for w in vocabulary if (is_latin(w) or is_cyrillic(w)) and len(w) >= 2)
    for word in sorted(words, key=rank):
        table.setdefault(_skeleton(word), []).append(word)
    return {k: tuple(v) for k, v in table.items()}


# how phones spell by ear: "shun" for "tion", "z" for "s", "k" for "c"; a silent first "h"
_SOUNDS = (("tion", "xn"), ("sion", "xn"), ("shun", "xn"), ("x", "ks"), ("sh", "x"))
_SOUND_LETTERS = str.maketrans({"c": "k", "q": "k", "z": "s"})


def _spoken(word: str) -> str:
    """A word spelled one way for its sounds, vowels kept ("protekshn" and "protection"
    are both "protekxn"): how far apart two spellings are by ear."""
    word = word[1:] if word.startswith("h") else word
    for spelled, said in _SOUNDS:
        word = word.replace(spelled, said)
    return word.replace("ph", "f").replace("ck", "k").translate(_SOUND_LETTERS)


def _sound(word: str) -> str:
    """What a word sounds like, roughly: its first letter and its consonants, spelled one
    way ("prizner" and "prisoner", "cooprashun" and "cooperation" sound alike)."""
    word = _spoken(word)
    kept = word[:1] + "".join(c for c in word[1:] if c not in _VOWELS)
    return "".join(c for i, c in enumerate(kept) if i == 0 or c != kept[i - 1])


def _sounds(
    vocabulary: Iterable[str], concepts_of: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    """Long Latin vocabulary words by sound, for words typed by ear ("prizner", "detales");
    a sound that two different words share ("mdl": "medal", "model") corrects to neither,
    unless they are one word ("honor", "honour") or name one concept ("prisnor")."""
    concepts_of = concepts_of or {}

    def one_word(first: str, other: str) -> bool:
        shared = set(concepts_of.get(first, ())) & set(concepts_of.get(other, ()))
        return stem(first) == stem(other) or OSA.distance(first, other) <= 1 or bool(shared)

    found: dict[str, set[str]] = {}
    for word in vocabulary:
        if is_latin(word) and len(word) >= CONFIG.sound_alike_min:
            found.setdefault(_sound(word), set()).add(word)
    alike = {}
    for sound, words in found.items():
        first = min(words, key=lambda w: (len(w), w))
        if len(sound) >= 3 and all(one_word(first, w) for w in words):
            alike[sound] = first
    return alike


def _both_ways(pairs: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Words swapped for each other inside phrases, from each side to the other."""
    found: dict[str, set[str]] = {}
    for word, others in pairs.items():
        for other in others:
            found.setdefault(normalise(word), set()).add(normalise(other))
            found.setdefault(normalise(other), set()).add(normalise(word))
    return {word: tuple(sorted(others)) for word, others in found.items()}


def _all_words(phrases: Iterable[str]) -> Iterable[str]:
    for phrase in phrases:
        yield from normalise(phrase).split()


def _clause_after_opening(f: Found, stems: list[str], start: int) -> bool:
    """ "did he get a salute when he got there": after an opening "did", a question word
    followed by a pronoun starts a clause, not the question."""
    i, length, qtype = f
    return (
        qtype not in GENERIC_QTYPES
        and i > start
        and stems[i + length : i + length + 1] in (["he"], ["she"], ["they"], ["it"])
    )


def _plain(words: Iterable[str]) -> frozenset[str]:
    return frozenset(normalise(w) for w in words)


def _stemmed(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stem(normalise(w)) for w in words)


def _shape(grammar: Grammar) -> Shape:
    """The language file's function words, normalised once."""
    return Shape(
        question_starts=tuple(normalise(w) for w in grammar.question_starts),
        join_words=_plain(grammar.join_words),
        object_markers=_plain(grammar.object_markers),
        relative_words=_stemmed(grammar.relative_words),
        setting_words=_plain(grammar.setting_words),
        setting_after=_plain(grammar.setting_after),
        group_pronouns=_plain(grammar.group_pronouns),
        stand_ins=_plain(grammar.stand_ins),
        yes_no_anywhere=_stemmed(grammar.yes_no_anywhere),
        what_inside=_stemmed(grammar.what_inside),
        asked_inside=_plain(grammar.asked_inside),
        counted_generic=_stemmed(grammar.counted_generic),
        indefinite_after=_stemmed(grammar.indefinite_after),
        markers_after=_plain(grammar.markers_after),
        additive_words=_plain(grammar.additive_words),
        negations=_plain(grammar.negations),
        negations_after=_plain(grammar.negations_after),
        negation_cues=_plain(grammar.negation_cues),
        absence_words=_plain(grammar.absence_words),
        choice_words=_plain(grammar.choice_words),
        arithmetic_words=_plain(grammar.arithmetic_words),
        containing_words=_plain(grammar.containing_words),
        contained_words=_plain(grammar.contained_words),
        self_words=_plain(grammar.self_words),
        asker_words=_stemmed(grammar.asker_words),
        offtopic_also_record=_plain(grammar.offtopic_also_record),
        months=Months.of(grammar.months, grammar.months_also),
        asker_after=_plain(grammar.asker_after),
        asker_marks=_plain(grammar.asker_marks),
        doubt_openers=_plain(grammar.doubt_openers),
        past_auxiliaries=_plain(grammar.past_auxiliaries),
        duration_verbs=_plain(grammar.duration_verbs),
        of_words=_plain(grammar.of_words),
        category_words=_plain(grammar.category_words),
        separable_particles=_plain(grammar.separable_particles),
    )


def _choose_kind(found: list[Found], stems: list[str], start: int, shape: Shape) -> str | None:
    """The kind of question: an opening "is/did" unless something specific is asked, then
    the first specific kind, then the first generic one; "any ...", "... ли", "... ма?" ask
    yes or no wherever they stand, and "kya" inside a sentence asks what."""
    specific = [f for f in found if f[2] not in GENERIC_QTYPES]
    generic = [f for f in found if f[2] in GENERIC_QTYPES and f[2] != "yes_no"]
    if not specific and _opens_with_yes_no(found, start, generic):
        return "yes_no"
    first = specific or generic
    if first:
        return first[0][2]
    if _asks_what_inside(found, stems, start, shape):
        return "what"  # "Tokayev ne Shehbaz ko kya kaha?"
    if any(f[2] == "yes_no" and _asks_anywhere(f, stems, shape) for f in found):
        return "yes_no"
    return None


def _asks_anywhere(f: Found, stems: list[str], shape: Shape) -> bool:
    """ "any", "ли", "что-то": yes/no words that ask wherever they stand."""
    return stems[f[0]] in shape.yes_no_anywhere or stems[f[0] + f[1] - 1] in shape.indefinite_after


def _asks_what_inside(found: list[Found], stems: list[str], start: int, shape: Shape) -> bool:
    """A yes/no word that asks what inside a sentence, neither first nor last."""
    inside = range(start + 1, len(stems) - 1)
    return any(
        f[2] == "yes_no" and stems[f[0]] in shape.what_inside and f[0] in inside for f in found
    )


def _opens_with_yes_no(found: list[Found], start: int, generic: list[Found]) -> bool:
    """ "is it true what he said": an opening yes/no word that no generic one precedes."""
    opening = [f for f in found if f[2] == "yes_no" and f[0] <= start]
    return bool(opening) and (not generic or generic[0][0] > opening[0][0])


def _surface(tokens: list[Token], i: int, length: int) -> str:
    """The words as typed, for echoing back."""
    return " ".join(t.surface for t in tokens[i : i + length])


def _positions(said: list[Match]) -> dict[str, list[int]]:
    """Where each concept was said, by word position."""
    where: dict[str, list[int]] = {}
    for match in said:
        for concept in match.concepts:
            where.setdefault(concept, []).extend(match.positions)
    return where


def _reach(table: Mapping[tuple[str, ...], object]) -> dict[str, tuple[int, ...]]:
    """The lengths of the keys of ``table`` that start with each word, longest first: only
    those are looked up (a word that starts phrases of 1 and 4 words needs no 3 or 2)."""
    lengths: dict[str, set[int]] = {}
    for key in table:
        lengths.setdefault(key[0], set()).add(len(key))
    return {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()}


# a sentence ends after a letter of any script ("пакистан. когда", "ہوں۔ قازقستان"); not
# after a capital ("U.N. peacekeeping"), nor in "no. of MoUs"
_LIST_ITEM = r"(?:^|\s)\(?\d{1,2}\)\s*"  # "1) gap since the last visit 2) was a declaration..."
_SPLIT_PUNCT = re.compile(
    r"[?؟;\n۔•]+|(?<=[a-z0-9\u0430-\u04ff\u0620-\u06ff])[.!]+\s+(?!of\b)|" + _LIST_ITEM
)


def numbered(text: str) -> bool:
    """ "(1) how many mous (2) trade target": every numbered item is asked, mark or not."""
    return len(re.findall(_LIST_ITEM, text)) >= 2


def _starts_question(head: str, before: str, starters: tuple[str, ...]) -> bool:
    """ "how ...", or, after a question, a question word after one short word: "how many,
    and in which city", "сколько и в каком городе" (but "No, I asked which city" is one)."""
    if not before:
        return False
    second = _after_short_word(head, starters) and (
        before.startswith(starters) or _after_short_word(before, starters)
    )  # "on what date ..., and from which city"
    return head.startswith(starters) or second


@lru_cache(maxsize=8)
def _joins(join_words: frozenset[str]) -> re.Pattern[str]:
    """What may join two questions: a comma, "&" or a join word (made once per language)."""
    words = "|".join(re.escape(w) for w in sorted(join_words, key=len, reverse=True))
    return re.compile(rf"(\s*(?:,|&|(?<!\w)(?:{words})(?!\w))\s+)", re.IGNORECASE)


def listed_items(text: str, shape: Shape) -> list[str]:
    """The items of a list ("date, place and number of agreements"): what commas, "&" and
    join words separate."""
    pieces = _joins(shape.join_words).split(text.strip(" .!?"))
    return [p.strip(" ,") for p in pieces[::2] if p.strip(" ,")]


def _both_ask_inside(head: str, before: str, inside: frozenset[str]) -> bool:
    """ "date kya thi aur ye sab kis shehar mein hua": in a language that asks where its
    question word stands, each side of "aur" holding one is a question of its own."""
    if not inside or not head:
        return False
    return not inside.isdisjoint(head.split()) and not inside.isdisjoint(normalise(before).split())


def _may_start_question(head: str, starters: tuple[str, ...]) -> bool:
    """What ``_starts_question`` needs of ``head`` before it looks at what went before."""
    return bool(head) and (head.startswith(starters) or _after_short_word(head, starters))


def _after_short_word(text: str, starters: tuple[str, ...]) -> bool:
    """ "in which city", "from which city", "в каком городе": a question after one short word."""
    first, _, rest = text.partition(" ")
    return len(first) <= 4 and rest.startswith(starters)


def split_questions(text: str, shape: Shape) -> list[str]:
    """Split "who came and how many deals?" into its questions.

    A join word ("and", a comma) only splits when what follows starts like a question of its
    own, so "Pakistan and Kazakhstan signed..." stays whole.
    """
    joins = _joins(shape.join_words)
    starters = shape.question_starts
    parts: list[str] = []
    for chunk in _SPLIT_PUNCT.split(text):
        chunk = chunk.strip(" ,.!")
        if not chunk:
            continue
        pieces = joins.split(chunk)  # text, joiner, text, joiner, ...
        current = pieces[0]
        for sep, piece in zip(pieces[1::2], pieces[2::2], strict=True):
            head = normalise(piece)
            if (
                _may_start_question(head, starters)
                and _starts_question(head, normalise(current), starters)
            ) or _both_ask_inside(head, current, shape.asked_inside):
                # (what went before is read only when what follows may start a question)
                parts.append(current)
                current = piece
            else:
                current = f"{current}{sep}{piece}"
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]
