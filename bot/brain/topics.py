"""Everything a question can land on, in one uniform shape.

The record file has typed sections (people, named and unnamed agreement areas, statements,
targets, facts, gaps); the brain scores them all the same way. Some topics are derived, not
written: "what did X say" for each person, from that person's statements, so adding a
statement or a person needs no new topic and no code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.models import Askable, Fact, Person, Record, Statement, UnnamedArea

UNKNOWN_KINDS = frozenset({"gap", "unnamed"})  # what the record does not say or name

DEFAULT_ANSWERS = frozenset({"what", "yes_no", "how", "list"})
BULLET = "\n\u2022 "  # a list item on a line of its own: lists read on a phone, not in one sentence


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str  # person, area, unnamed, statement, said, target, fact, gap
    intent: str
    ask: str
    answer: str
    sources: tuple[str, ...]
    about: tuple[frozenset[str], ...]
    signals: dict[str, float] = field(default_factory=dict)
    answers: frozenset[str] = DEFAULT_ANSWERS
    next: tuple[str, ...] = ()
    person: str | None = None
    speaker: str | None = None
    answered: bool = True
    premise: bool = False  # a gap for someone or somewhere else: see knowledge/README.md

    @cached_property
    def accounts_for(self) -> frozenset[str]:
        """Concepts that speak for this topic (its ``about`` and positive signals; made
        once, as scoring asks for it again and again)."""
        words = {c for c, w in self.signals.items() if w > 0}
        for group in self.about:
            words |= group
        return frozenset(words)

    @cached_property
    def premise_words(self) -> frozenset[str]:
        """A premise gap's ``about`` concepts (someone or somewhere the record lacks);
        nothing for any other topic."""
        return frozenset().union(*self.about) if self.premise else frozenset()

    @cached_property
    def later(self) -> tuple[frozenset[str], ...]:
        """For each ``about`` group, the concepts of the groups after it (made once: every
        scoring asks; see retrieve._about_terms)."""
        return tuple(
            frozenset(c for g in self.about[at + 1 :] for c in g) for at in range(len(self.about))
        )

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every concept this topic can account for in a question (made once)."""
        words: set[str] = set(self.signals)
        for group in self.about:
            words |= group
        return frozenset(words)


def _from_askable(item: Askable, kind: str, intent: str, **extra: object) -> Topic:
    fields: dict[str, object] = {
        "id": item.id,
        "kind": kind,
        "intent": intent,
        "ask": item.ask,
        "answer": item.answer,
        "sources": tuple(item.sources),
        "about": tuple(frozenset(g) for g in item.about) or (frozenset({item.id}),),
        "signals": dict(item.signals),
        "answers": frozenset(item.answers),
        "next": tuple(item.next),
        "person": item.person,
    }
    fields.update(extra)
    return Topic(**fields)  # type: ignore[arg-type]


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': lists inside sentences, for answers and pages."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def named_areas_phrase(record: Record) -> str:
    """'transit trade and ports, railway, ...' for answers that list the named areas."""
    return join_words([a.short for a in record.agreements.named])


def not_among_named(thing: str, record: Record) -> str:
    """The closed-list answer: the record names some areas of the documents, not all."""
    agreements = record.agreements
    named = len(agreements.named)
    return (
        f"{thing[:1].upper()}{thing[1:]} is not among the agreement areas the record names. It "
        f"names {named} areas of the {agreements.total} {agreements.described_as} "
        f"({named_areas_phrase(record)}), so it cannot say whether any of the others "
        f"cover {thing}."
    )


def _first_statement(record: Record, person: str | None) -> str:
    """A person's first key statement: the summary line for "what did the leaders say"."""
    said = [s for s in record.statements if s.speaker == person and s.key]
    return said[0].answer if said else ""


def _spoken_signals(speaker: str | None, signals: dict[str, float]) -> dict[str, float]:
    """Something a person said is a better match when the question names them and 'said'."""
    extra = {"say": 0.5}
    if speaker:
        extra[speaker] = 1.0
    return {**extra, **signals}


def build_topics(record: Record) -> dict[str, Topic]:
    """Every topic of the record, in the file's order (ties in ranking keep it)."""
    people = _people_topics(record)
    spoken = [t for t in people if t.kind == "said"]
    topics = [
        *people,
        *_leaders_said(record, spoken),
        *_area_topics(record),
        *(_unnamed_topic(record, unnamed) for unnamed in record.agreements.unnamed),
        *_target_topics(record),
        *(_statement_topic(statement) for statement in record.statements),
        *(_fact_topic(fact) for fact in record.facts),
        *(
            _from_askable(gap, "gap", "not_in_record", answered=False, premise=gap.premise)
            for gap in record.gaps
        ),
    ]
    return {t.id: t for t in topics}


SHOWN_KINDS = ("who", "when", "where")  # kinds a reply answers by its own words
OWNED_KINDS = ("whose",)  # kinds any reply answers when its words give them
UNCHECKED = frozenset({"statement", "said", "person", *UNKNOWN_KINDS})  # speakers, names, gaps


def unshown_kinds(topic: Topic, provides: Callable[[str, str], bool]) -> list[str]:
    """The kinds a topic's ``answers`` lists that its reply does not give: no date for
    "when", no person for "who", no place for "where" (a statement's "who" is its speaker,
    a gap's reply says the record lacks it)."""
    if topic.kind in UNCHECKED:
        return []
    return [k for k in SHOWN_KINDS if k in topic.answers and not provides(topic.answer, k)]


def shown_kinds(topic: Topic, provides: Callable[[str, str], bool]) -> set[str]:
    """The kinds a topic's reply answers by its own words whatever it declares: whose a
    thing is, when the reply names a person or a country (not a gap's reply)."""
    if topic.kind in UNKNOWN_KINDS:
        return set()
    return {k for k in OWNED_KINDS if provides(topic.answer, k)}


def answerable(topics: dict[str, Topic], provides: Callable[[str, str], bool]) -> dict[str, Topic]:
    """The topics with only the kinds their replies give: "when did they meet?" is the
    visit's date, not the talks whose reply gives none (``kb check`` warns of each); and
    with the kinds their words give though undeclared ("whose anthems?")."""
    out = {}
    for tid, topic in topics.items():
        unshown = set(unshown_kinds(topic, provides))
        answers = (topic.answers - unshown) | shown_kinds(topic, provides)
        out[tid] = replace(topic, answers=answers) if answers != topic.answers else topic
    return out


def _people_topics(record: Record) -> list[Topic]:
    """Each person, followed by what they said when they said anything."""
    topics: list[Topic] = []
    for person in record.people:
        topics.append(_from_askable(person, "person", "people", person=person.id))
        said = _said_topic(record, person)
        if said is not None:
            topics.append(said)
    return topics


def bullets(items: Sequence[str]) -> str:
    """Items as bullet lines, each on a line of its own (the first too)."""
    return "".join(BULLET + item for item in items)


def _said_topic(record: Record, person: Person) -> Topic | None:
    """ "What did X say": the person's statements and the targets they set, in one answer,
    one bullet line each after the name."""
    said = [s for s in record.statements if s.speaker == person.id]
    said += [t for t in record.targets if t.person == person.id and t.clause]  # type: ignore[misc]
    if not said:
        return None
    return Topic(
        id=f"{person.id}_said",
        kind="said",
        intent="statement",
        ask=f"What did {person.short} say?",
        answer=f"{person.short}:" + bullets([s.clause for s in said]),
        sources=tuple(dict.fromkeys(src for s in said for src in s.sources)),
        about=(frozenset({person.id}), frozenset({"say"})),
        signals={"what_q": 0.5, "list_q": 0.5},
        answers=frozenset({"what", "list", "how", "yes_no"}),
        next=tuple(s.id for s in said[:3]),
        person=person.id,
        speaker=person.id,
    )


def _leaders_said(record: Record, spoken: list[Topic]) -> list[Topic]:
    """ "What did they say?": each speaker's words in turn, when there are two or more, a
    bullet line each."""
    if len(spoken) <= 1:
        return []
    return [
        Topic(
            id="leaders_said",
            kind="said",
            intent="statement",
            ask="What did the leaders say?",
            answer=bullets([_first_statement(record, t.person) for t in spoken]).lstrip("\n"),
            sources=tuple(dict.fromkeys(src for t in spoken for src in t.sources)),
            about=(frozenset({"say"}),),
            signals={**dict.fromkeys(record.together, 1.0), "what_q": 0.5},
            answers=frozenset({"what", "list", "how", "yes_no"}),
            next=tuple(t.id for t in spoken),
        )
    ]


def _area_topics(record: Record) -> list[Topic]:
    """Named agreement areas: "deal", "sign" (and the record's own words for them, such as
    "sector") speak for every one of them."""
    area_signals = {"deal": 1.0, "sign": 0.5, **record.agreements.signals}
    return [
        _from_askable(area, "area", "agreement_area", signals={**area_signals, **area.signals})
        for area in record.agreements.named
    ]


def _unnamed_topic(record: Record, unnamed: UnnamedArea) -> Topic:
    """An area the record does not name: the closed-list answer, with what is related."""
    agreements = record.agreements
    text = not_among_named(unnamed.name.lower(), record)
    if unnamed.related:
        text += " " + unnamed.related
    sources = [a.sources[0] for a in agreements.named if a.id in unnamed.related_areas]
    return Topic(
        id=unnamed.id,
        kind="unnamed",
        intent="agreement_not_named",
        ask=unnamed.ask or f"Was there an agreement on {unnamed.name.lower()}?",
        answer=text,
        sources=tuple(dict.fromkeys([*unnamed.sources, *sources, agreements.sources[0]])),
        about=(frozenset({unnamed.id}),),
        signals={"deal": 1.0, "sign": 0.5},
        answers=frozenset({"what", "yes_no", "how", "list", "count", "who", "when"}),
        next=tuple(unnamed.related_areas[:2]) or ("agreements_named",),
    )


def _target_topics(record: Record) -> list[Topic]:
    """Trade targets: a person set them, so naming the person and "said" helps."""
    return [
        _from_askable(
            target,
            "target",
            "trade_target",
            signals=_spoken_signals(target.person, target.signals),
        )
        for target in record.targets
    ]


def _statement_topic(statement: Statement) -> Topic:
    """Something said: it also answers "who said it"."""
    return _from_askable(
        statement,
        "statement",
        "statement",
        speaker=statement.speaker,
        person=statement.person or statement.speaker,
        answers=frozenset(statement.answers) | {"who"},
        signals=_spoken_signals(statement.speaker, statement.signals),
    )


def _fact_topic(fact: Fact) -> Topic:
    """A fact; the person it is about makes it a better match."""
    signals = {fact.person: 0.5, **fact.signals} if fact.person else fact.signals
    return _from_askable(fact, "fact", fact.intent, signals=signals)


@dataclass(frozen=True)
class MenuGroup:
    """A group of the Topics menu: its id, the term that labels it, its topics' ids."""

    id: str
    label: str  # a term key, said in each language by Speech.term
    topics: tuple[str, ...]


def menu_groups(record: Record, topics: dict[str, Topic]) -> list[MenuGroup]:
    """The Topics menu: the record's ``menu`` when it declares one, else one derived from its
    sections (each person with what they said, the named agreement areas, the rest of what
    it knows under the visit's title). Topic ids the brain does not have are left out."""
    if record.menu:
        declared = [
            MenuGroup(g.id, f"menu.{g.id}", tuple(t for t in g.topics if t in topics))
            for g in record.menu
        ]
        return [g for g in declared if g.topics]
    return [g for g in _derived_menu(record, topics) if g.topics]


def _derived_menu(record: Record, topics: dict[str, Topic]) -> list[MenuGroup]:
    groups = [
        MenuGroup(p.id, f"person.{p.id}", tuple(_topics_of_person(p.id, topics)))
        for p in record.people
    ]
    areas = tuple(a.id for a in record.agreements.named if a.id in topics)
    groups.append(MenuGroup("agreements", "described_as", areas))
    listed = {t for g in groups for t in g.topics}
    rest = tuple(
        t.id for t in topics.values() if t.kind not in UNKNOWN_KINDS and t.id not in listed
    )
    groups.append(MenuGroup("visit", "title", rest))
    return groups


def _topics_of_person(person: str, topics: dict[str, Topic]) -> list[str]:
    """The person's profile and what they said or set."""
    return [t.id for t in topics.values() if person in (t.id, t.person, t.speaker)]
