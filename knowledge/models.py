"""Pydantic models of the knowledge files.

Two files make the bot's knowledge: ``language.yaml`` (how people ask: question words,
greetings, generic synonyms; shared by every record) and a record file such as ``visit.yaml``
(what one event's source document says, with provenance). The brain never hard-codes a fact
or a synonym: adding one is an edit to these files, checked here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from knowledge import basics
from knowledge.plain import LanguageMethods, RecordMethods

QType = basics.QType  # offered here too (see knowledge.basics)
ALL_QTYPES = basics.ALL_QTYPES
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


def _word(value: Any) -> Any:
    """YAML reads 37 as a number and yes/no/on/off as booleans; words are text."""
    if isinstance(value, bool):
        raise ValueError("YAML read a word like yes/no/on/off as true/false: put it in quotes")
    if isinstance(value, int | float):
        return str(value)
    return value


Word = Annotated[str, BeforeValidator(_word)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a field name must not silently drop a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ConceptDef(Strict):
    """A concept and the words and phrases that express it.

    An alias is a word or phrase (matched after spelling correction and light stemming),
    ``stem*`` (any word starting with stem, for inflected languages), or ``re:PATTERN``
    (a regular expression matched against one word).
    """

    aliases: list[Word] = Field(min_length=1)
    anchor: bool = True
    weight: float = Field(default=1.0, gt=0, le=5)
    asks: QType | None = Field(
        default=None, description="the kind of question it implies when none is asked: date -> when"
    )
    qualifier: bool = Field(
        default=False,
        description="shifts what is asked (future, now, a unit of time): a topic that does "
        "not account for it cannot answer the question, even if its words give the kind asked",
    )
    detail: bool = Field(
        default=False,
        description="names an attribute asked of a thing (its route, cost, colour, language): "
        "asked of a topic that does not account for it, the record lacks that detail",
    )
    general: bool = Field(
        default=False,
        description="the record mentions it only in general (minerals, investment): asked "
        "which ones or what exactly, the record gives no specifics",
    )

    @field_validator("aliases")
    @classmethod
    def _valid_aliases(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not alias.strip():
                raise ValueError("an alias is empty")
            if alias.startswith("re:"):
                try:
                    re.compile(alias[3:])
                except re.error as err:
                    raise ValueError(
                        f"alias {alias!r} is not a valid regular expression: {err}"
                    ) from None
        return aliases


class Grammar(Strict):
    """Function words the brain reads a question's shape by, per language: these are words,
    so they live in the language file, not in code."""

    question_starts: list[Word] = Field(
        default=[], description="a part of a message that starts with one is a question"
    )
    join_words: list[Word] = Field(default=[], description="'and': two questions in one")
    object_markers: list[Word] = Field(
        default=[], description="an unknown word right after one is what is asked about"
    )
    negations: list[Word] = Field(
        default=[],
        description="'not' opening a message: 'not the award, what did he say?' is not about "
        "the award",
    )
    negations_after: list[Word] = Field(
        default=[], description="the same, after what they negate ('railway nahi', 'мұнай емес')"
    )
    negation_cues: list[Word] = Field(
        default=[],
        description="words after a negation that is also a question word of another language "
        "(Russian 'не' is Kazakh 'what') that show it negates: 'не про X', 'не X, а Y'; "
        "without one it asks",
    )
    absence_words: list[Word] = Field(
        default=[],
        description="'nothing', 'no', 'koi nahi', 'ничего', 'жоқ': a follow-up with one ('and "
        "nothing on UN peacekeeping?', 'carpets ka koi MoU nahi?') asks whether there is "
        "none, not what the last question asked",
    )
    choice_words: list[Word] = Field(
        default=[],
        description="'or', 'ya', 'или': an absence word after one offers a choice ('deal yes "
        "or no', 'hua ya nahi'), it does not ask for none",
    )
    additive_words: list[Word] = Field(
        default=[],
        description="'also', 'too': a question about one more event, not a claim to correct",
    )
    markers_after: list[Word] = Field(
        default=[],
        description="object markers that follow their noun ('Sharif ke bare mein', 'туралы')",
    )
    relative_words: list[Word] = Field(
        default=[], description="question words that start a clause after a noun"
    )
    setting_words: list[Word] = Field(
        default=[], description="'during the visit': what follows only sets the scene"
    )
    setting_after: list[Word] = Field(
        default=[],
        description="'сапар кезінде', 'visit ke dauran': what comes before only sets the scene",
    )
    articles: list[Word] = Field(
        default=[],
        description="'a', 'the': left out by many who learnt English late ('have nice day')",
    )
    group_pronouns: list[Word] = Field(default=[], description="'them': the things just said")
    stand_ins: list[Word] = Field(
        default=[], description="'which one is about ships?': a word standing for a noun left out"
    )
    international_words: list[Word] = Field(
        default=[],
        description="'ok', 'MoU': words the speakers of every language type as their own; "
        "they tell no language, so a message of them alone keeps the chat's",
    )
    plain_letters: dict[str, str] = Field(
        default={},
        description="a letter of one language -> the letter people type for it on a phone "
        "without that keyboard (Kazakh қ -> к): every alias and question word is also known "
        "written that way",
    )
    other_endings: dict[str, str] = Field(
        default={},
        description="an ending typed more than one way for the same word (Roman Urdu 'ay' "
        "for 'e': kitnay = kitne, kisnay = kisne): an unknown word is read with the other "
        "ending when that makes a known word",
    )
    counted_generic: list[Word] = Field(
        default=[],
        description="nouns after 'how many' that say nothing of what is counted ('how many "
        "things did they sign?', 'how many kinds of agreements?'): the noun after them, if "
        "any, is what is counted",
    )
    indefinite_after: list[Word] = Field(
        default=[],
        description="words that make a question word indefinite when they follow it "
        "(Russian 'что-то', 'какой-нибудь', 'кто-либо': something, some, anyone): no "
        "question of that kind, but one that asks yes or no, as 'any' does",
    )
    containing_words: list[Word] = Field(
        default=[],
        description="'cover', 'include', 'охватывает': the agreement before them contains what "
        "follows; of an agreement named only by its area the record gives no contents ('what "
        "does the maritime MoU cover?', 'does the railway MoU include a line to Gwadar?')",
    )
    contained_words: list[Word] = Field(
        default=[],
        description="'included', 'входит', 'شامل': the thing contained comes before them; with "
        "a question word, or with 'it' for an agreement named only by its area, the question "
        "asks its contents ('what is included in it?')",
    )
    of_words: list[Word] = Field(
        default=[],
        description="'of': after the word a question asks for, the thing it is part of "
        "names what is asked ('which part of the world'), not that word",
    )
    category_words: list[Word] = Field(
        default=[],
        description="'sectors', 'fields', 'areas': asked for ('which sectors?'), they ask how "
        "the record's own things divide, never for a thing the record lacks",
    )
    duration_verbs: list[Word] = Field(
        default=[],
        description="'last': after 'did/does/will' and ending its clause, a verb of lasting "
        "('how long did the visit last?'), not the word for the previous one ('the last visit')",
    )
    past_auxiliaries: list[Word] = Field(
        default=[],
        description="'did', 'was': a question with one asks of the past, so a word of "
        "starting ('when did the talks begin?') is no future the record cannot date",
    )
    self_words: list[Word] = Field(
        default=[],
        description="'I', 'my', 'main', 'я', 'мен': a sentence or clause they open that asks "
        "nothing and names none of the record's people or figures ('I work cabin crew on "
        "Islamabad routes.') says who asks, before the question: no missing topic",
    )
    months: list[list[Word]] = Field(
        default=[],
        description="the twelve months' names, January first, in every language ('март*' a "
        "stem): a date in a question that the record's date rules out ('the March 4 "
        "signing') is corrected, not read as a word the record lacks",
    )
    months_also: list[Word] = Field(
        default=[],
        description="month names that are ordinary words too ('march', 'may', Kazakh 'май' "
        "butter): a month only beside a day's number",
    )

    @field_validator("months")
    @classmethod
    def _twelve_months(cls, months: list[list[str]]) -> list[list[str]]:
        if months and len(months) != 12:
            raise ValueError(f"lists {len(months)} months, not 12 (January first)")
        if any(not month for month in months):
            raise ValueError("a month has no name")
        return months

    offtopic_also_record: list[Word] = Field(
        default=[],
        description="off-topic words with a reading inside a record's subject ('how did "
        "Tokayev rate Pakistan as a partner?', 'did they play both countries' songs?', 'how "
        "far our forces have come'): they decline a message only when the record's own "
        "specific words do not outweigh them",
    )
    asker_words: list[Word] = Field(
        default=[],
        description="'journalist', 'trader', 'student': who asks, named at the head of a "
        "short clause that asks nothing ('Kokshetau journalist.', 'Truck dispatcher at "
        "Torkham.'): like a clause opened by a self word, it says who asks, no missing topic",
    )
    asker_after: list[Word] = Field(
        default=[],
        description="'here', 'from', 'at': words that may follow the asker's noun in such a "
        "clause ('retired colonel here', 'analyst from Almaty'); any other word after it makes "
        "the noun part of a topic ('student exchange')",
    )
    asker_marks: list[Word] = Field(
        default=[],
        description="'here': a short opening clause that ends in one says who asks, "
        "whatever its noun ('Taraz school librarian here,', 'cotton ginner here.')",
    )
    doubt_openers: list[Word] = Field(
        default=[],
        description="'really', 'точно': opening a message, a doubt of the last answer "
        "('really? I heard 40'), which is asked again; later in a message they only stress",
    )
    separable_particles: list[Word] = Field(
        default=[],
        description="'on', 'up', 'over': the particle of a two-word alias ('put on', 'hand "
        "over') that may stand a few words after its verb ('who put the medal on him?')",
    )
    arithmetic_words: list[Word] = Field(
        default=[],
        description="'times', 'plus': between two numbers, a sum to work out ('what is 17 "
        "times 23?'), which the bot does not do; those numbers are no figures of the record",
    )
    asked_inside: list[Word] = Field(
        default=[],
        description="'kab', 'kis', 'қашан': question words of a language that asks where the "
        "word stands, not first ('date kya thi aur ye sab kis shehar mein hua?'); two clauses "
        "joined by 'and' that each hold one are two questions",
    )
    what_inside: list[Word] = Field(
        default=[],
        description="yes/no words that ask 'what' inside a sentence, neither first nor last "
        "(Roman Urdu 'Tokayev ne kya kaha?' asks what he said; 'kya woh aaye?' and "
        "'woh aaye kya?' ask whether)",
    )
    yes_no_anywhere: list[Word] = Field(
        default=[],
        description="words that ask yes or no wherever they stand ('any', Russian 'ли', the "
        "Kazakh particles 'ма/ме/ба/бе/па/пе', Urdu 'کیا' at the end) when nothing "
        "specific is asked",
    )


class Language(Strict, LanguageMethods):
    """How people ask, whatever the record: shared by every record file."""

    schema_version: Literal[1] = 1
    question_types: dict[QType, list[Word]]
    concepts: dict[str, ConceptDef]
    stopwords: list[Word]
    function_words: dict[str, list[Word]] = Field(
        default={},
        description="per language code (ru, kk, ur, ur-Latn...): grammar words, pronouns, "
        "particles and auxiliaries; like stopwords, never topics",
    )
    follow_up_markers: list[Word] = []
    pronouns: dict[Literal["person", "thing"], list[Word]] = {}
    ordinary_words: str = ""  # whitespace-separated; see the comment in language.yaml
    everyday_words: dict[str, str] = Field(
        default={},
        description="language code -> its everyday words (whitespace-separated), never "
        "missing topics; for languages in Latin letters, whose unknown words would be",
    )
    common_nouns: str = ""  # whitespace-separated; see the comment in language.yaml
    acronyms: dict[str, str] = Field(
        default={},
        description="a word written in capitals -> the words it stands for ('UN' -> 'united "
        "nations'), matched as written: in lower case it may be another word ('un' in Urdu)",
    )
    shorthand: dict[str, str] = Field(
        default={},
        description="a word as phones shorten it -> the word it stands for ('ppl' -> "
        "'people', 'thr' -> 'there'): read before spelling correction, whatever the record",
    )
    mixed_words: dict[Word, list[Word]] = Field(
        default={},
        description="a word of another language -> the English words people put in its place "
        "inside a phrase when they mix the two ('taawun' -> 'cooperation': 'taawun barhana' "
        "is also typed 'cooperation barhana'); phrase aliases match either way",
    )
    grammar: Grammar = Grammar()

    @field_validator("concepts")
    @classmethod
    def _concept_ids(cls, concepts: dict[str, ConceptDef]) -> dict[str, ConceptDef]:
        for key in concepts:
            if not re.match(ID_PATTERN, key):
                raise ValueError(f"concept id {key!r} must be lowercase letters, digits, _")
        return concepts


class Askable(Strict):
    """Anything a question can be about: it has an answer and the sentences it rests on.

    ``about``: groups of concept ids; every group must be present in a question (any concept
    of the group) for this to be a candidate. ``signals``: further concepts that make it a
    better match, with weights. ``answers``: the kinds of question it answers; a question of
    another kind (say, "how many" about something with no number) gets "the record does not say".
    """

    id: str = Field(pattern=ID_PATTERN)
    ask: str = Field(min_length=3, description="the canonical question, used for buttons")
    answer: str = Field(min_length=3)
    sources: list[str] = Field(min_length=1)
    about: list[list[str]] = []
    signals: dict[str, float] = {}
    answers: list[QType] = ["what", "yes_no", "how", "list"]
    next: list[str] = []
    examples: list[str] = []
    person: str | None = None


class Person(Askable):
    """A person the record names. ``aliases`` include titles and common misspellings."""

    name: str
    short: str = Field(description="how answers refer to them, e.g. 'President Tokayev'")
    role: str
    country: str
    aliases: list[Word] = Field(min_length=1)
    titles: list[Word] = Field(
        default=[], description="aliases that only count when nothing in the message is unknown"
    )
    answers: list[QType] = ["who", "what", "yes_no", "how", "names"]


class Area(Askable):
    """An agreement area the record names explicitly."""

    name: str
    short: str = Field(description="a few words, for lists: 'railway', 'UN peacekeeping'")
    group: str
    aliases: list[Word] = Field(min_length=1)
    answers: list[QType] = ["what", "yes_no", "how"]


class UnnamedArea(Strict):
    """An area people ask about that the record does NOT name among the agreements.

    ``related`` says what the record does say nearby (with its sources); ``related_areas``
    points at named areas that come closest.
    """

    id: str = Field(pattern=ID_PATTERN)
    name: str
    ask: str = Field(default="", description="the canonical question; default from the name")
    aliases: list[Word] = Field(min_length=1)
    related: str = ""
    sources: list[str] = []
    related_areas: list[str] = []


class Agreements(Strict):
    """The documents signed: a total, the sectors they cover, and the areas the record names."""

    total: int = Field(gt=0)
    described_as: str
    sectors: list[str]
    sources: list[str] = Field(min_length=1)
    named: list[Area] = Field(min_length=1)
    unnamed: list[UnnamedArea] = []
    signals: dict[str, float] = Field(
        default={},
        description="record concepts that speak for every named area (weights as in "
        "signals), beside the language's deal and sign; they also mark a question as one "
        "about agreements",
    )


class Statement(Askable):
    """Something one of the people said, in reported speech (``clause`` follows their name)."""

    speaker: str | None = Field(default=None, description="a person id; empty = both leaders")
    clause: str = Field(description="e.g. 'called Kazakhstan a strategic partner'")
    key: bool = Field(default=True, description="included in digests and summaries")
    answers: list[QType] = ["what", "yes_no", "how", "why", "list"]


class Fact(Askable):
    """Any other fact of the record, with the intent it answers."""

    intent: str = Field(pattern=ID_PATTERN)


class Target(Askable):
    """A goal the record sets (figure, deadline), with its context."""

    figure: str
    deadline: str
    context: str = ""
    clause: str = Field(default="", description="reported speech after the person's name")
    answers: list[QType] = ["what", "how_much", "when", "yes_no", "how", "count", "list"]


class Gap(Askable):
    """A detail people ask for that the record does not give: the answer says so."""

    answers: list[QType] = list(ALL_QTYPES)  # type: ignore[arg-type]
    premise: bool = Field(
        default=False,
        description="someone or somewhere the record does not have: a question that takes "
        "it for granted in an event the record reports is corrected, and that is an answer",
    )


class Update(Strict):
    """A later, dated report added to the record (for digests: 'what is new')."""

    id: str = Field(pattern=ID_PATTERN)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    text: str = Field(min_length=3)
    source: str = Field(min_length=3, description="where this update comes from")


class Visit(Strict):
    """The event itself: where, when, who. ``year`` stays empty when the record gives none."""

    title: str
    date: str
    year: int | None = None
    place: str
    venue: str = ""
    host: str
    guest: str
    host_country: str
    guest_country: str
    headline: str = Field(description="two lines for /about and digests")
    sources: list[str] = Field(min_length=1)


class MenuGroup(Strict):
    """One button of the Topics menu (under every answer): a group of topics to pick from.

    ``label`` is the button's text (translated as the term ``menu.<id>``); a group of one
    topic asks it straight away. Button data carries the id, so it stays short."""

    id: str = Field(pattern=ID_PATTERN, max_length=40)
    label: str = Field(min_length=1, max_length=48)
    topics: list[str] = Field(min_length=1)


class Record(Strict, RecordMethods):
    """One event's knowledge: everything the bot may say about it."""

    schema_version: Literal[1] = 1
    source_file: str = Field(description="the source document, relative to this file")
    scope: str = Field(description="what the bot knows about, for declines and /help")
    visit: Visit
    people: list[Person] = Field(min_length=1)
    agreements: Agreements
    targets: list[Target] = []
    statements: list[Statement] = []
    facts: list[Fact] = []
    gaps: list[Gap] = []
    updates: list[Update] = []
    concepts: dict[str, ConceptDef] = {}
    anchors: list[str] = Field(
        default=[], description="concepts of language.yaml that tie a question to this record"
    )
    examples: list[str] = Field(default=[], description="example questions for /start")
    together: list[str] = Field(
        default=[],
        description="concepts that name the leaders together ('both leaders'): they ask "
        "what all of them said",
    )
    menu: list[MenuGroup] = Field(
        default=[], description="the Topics menu's groups; none = one derived from the record"
    )

    @model_validator(mode="after")
    def _ids_unique(self) -> Record:
        seen: set[str] = set()
        for item in self.askables():
            if item.id in seen:
                raise ValueError(f"id {item.id!r} is used twice")
            seen.add(item.id)
        for unnamed in self.agreements.unnamed:
            if unnamed.id in seen:
                raise ValueError(f"id {unnamed.id!r} is used twice")
            seen.add(unnamed.id)
        people = {p.id for p in self.people}
        for field_name, person_id in (
            ("visit.host", self.visit.host),
            ("visit.guest", self.visit.guest),
        ):
            if person_id not in people:
                raise ValueError(f"{field_name}: {person_id!r} is not a person id")
        for st in self.statements:
            if st.speaker is not None and st.speaker not in people:
                raise ValueError(f"statement {st.id!r}: speaker {st.speaker!r} is not a person id")
        groups = [g.id for g in self.menu]
        if len(set(groups)) != len(groups):
            raise ValueError("menu: a group id is used twice")
        return self


# -- languages the bot speaks ----------------------------------------------------------------

LANGUAGE_CODE = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?$"  # "en", "ur", "ur-Latn" (IETF style)
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


class LanguageProfile(Strict):
    """One language the bot speaks: ``languages/<code>/profile.yaml``.

    How to recognise it (script, then letters and words only it uses among the languages of
    that script) and how to show it (name, direction, Telegram's ``language_code`` values).
    """

    code: str = Field(pattern=LANGUAGE_CODE)
    name: str = Field(min_length=1, description="the language's name in English")
    native: str = Field(min_length=1, description="the language's name in itself")
    order: int = Field(default=50, description="position in menus; English is 0")
    script: Literal["latin", "cyrillic", "arabic"]
    direction: Literal["ltr", "rtl"] = "ltr"
    telegram: list[str] = Field(default=[], description="Telegram language_code values")
    default_for_script: bool = Field(
        default=False, description="the guess for a message of this script with no telling word"
    )
    letters: str = Field(default="", description="letters that tell it from its script's others")
    words: list[Word] = Field(default=[], description="frequent words that tell it apart")
    grammar_words: list[Word] = Field(
        default=[],
        description="its particles (Kazakh question 'ма', 'ме'): they count twice, as its own "
        "letters do, since its speakers borrow the other language's nouns, not its grammar",
    )


class TextsFile(Strict):
    """Fixed texts of one language (``languages/<code>/*.yaml``): key -> text with {slots}."""

    texts: dict[str, str]


class TopicTranslation(Strict):
    ask: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class RecordTranslation(Strict):
    """A record's own words in another language: ``<record>.<code>.yaml`` beside the record.

    ``terms`` are the record's phrases that fixed texts slot in ({date}, {person.sharif});
    ``topics`` give each topic's button question and answer; ``aliases`` the words people of
    the language ask with, by the record's concept ids. Source quotes stay in the
    original language and are labelled as such.
    """

    language: str = Field(pattern=LANGUAGE_CODE)
    terms: dict[str, str] = {}
    examples: list[str] = []
    topics: dict[str, TopicTranslation] = {}
    aliases: dict[str, list[Word]] = Field(
        default={},
        description="concept, person or area id -> the words people of this language use for "
        "it (same forms as aliases in the record: 'stem*', phrases)",
    )


class LanguagePack(Strict):
    """A language ready to use: its profile and every fixed text, from all its files."""

    profile: LanguageProfile
    texts: dict[str, str]
