"""Scoring topics against a parsed question.

A topic is a candidate only when every one of its ``about`` groups is present in the
question; then it scores by how much of the question it accounts for, and by whether it
answers the kind of question asked. Everything tunable here is a weight in the knowledge
files, not a rule about a particular question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.brain.config import CONFIG
from bot.brain.topics import Topic
from bot.brain.understand import GENERIC_QTYPES, Lexicon, Parsed


@dataclass(frozen=True)
class Candidate:
    topic: Topic
    score: float
    evidence: float  # what the question's words alone give, before the kind of question
    matched: frozenset[str]  # the question's concepts this topic accounts for
    type_ok: bool  # False when the question wants a kind of answer the topic lacks


def score(topic: Topic, parsed: Parsed, lexicon: Lexicon) -> Candidate | None:
    """The topic as a candidate for the question, or None when an ``about`` group is missing.

    The terms are added one by one in a fixed order (about groups, signals; then the kind
    of question, unexplained concepts, profile and speaker), so equal inputs give equal
    floats and ties stay ties."""
    concepts = parsed.concepts
    about = _about_terms(topic, concepts)
    if about is None:
        return None
    evidence = _add(0.0, [*about, *_signal_terms(topic, concepts)])
    kind, type_ok = _kind_terms(topic, parsed.qtype)
    adjustments = [
        *kind,
        *_unexplained_terms(topic, parsed, lexicon),
        *_profile_terms(topic, parsed, lexicon),
    ]
    total = _add(evidence, adjustments)
    accounts_for = topic.accounts_for  # not its negative signals: reasons against
    matched = frozenset(c for c in concepts if c in accounts_for)
    return Candidate(topic, total, evidence, matched, type_ok)


def _add(total: float, terms: list[float]) -> float:
    """Left to right, as the terms come (not ``sum``, which may compensate rounding)."""
    for term in terms:
        total += term
    return total


def _about_terms(topic: Topic, concepts: dict[str, float]) -> list[float] | None:
    """One term per ``about`` group, from its heaviest concept not used yet; None when a
    group has no concept in the question (then the topic is no candidate)."""
    terms: list[float] = []
    used: set[str] = set()
    for at, group in enumerate(topic.about):
        present = [c for c in group if c in concepts]
        if not present:
            return None
        fresh = [c for c in present if c not in used]
        if fresh:  # one word can satisfy two groups, but only counts once
            # the heaviest; on a tie, one no later group needs, then by name: never a
            # set's order, which follows the hash seed (one alone needs no comparing)
            best = fresh[0] if len(fresh) == 1 else _heaviest(fresh, concepts, topic.later[at])
            used.add(best)
            terms.append(CONFIG.about_weight * concepts[best])
    return terms


def _heaviest(fresh: list[str], concepts: dict[str, float], later: frozenset[str]) -> str:
    return min(fresh, key=lambda c: (-concepts[c], c in later, c))


def _signal_terms(topic: Topic, concepts: dict[str, float]) -> list[float]:
    """The topic's signals the question has (a negative one is a reason against)."""
    return [weight for concept, weight in topic.signals.items() if concept in concepts]


def _kind_terms(topic: Topic, qtype: str | None) -> tuple[list[float], bool]:
    """A bonus when the topic answers the specific kind asked, a penalty when it does not
    (and then the kind is wrong); a who-only topic loses a little on a "what" question."""
    if qtype and qtype not in GENERIC_QTYPES:
        if qtype in topic.answers:
            return [CONFIG.kind_bonus], True
        return [-CONFIG.kind_penalty], False
    if qtype in ("what", "how", None) and (qtype or "what") not in topic.answers:
        return [-CONFIG.narrow_penalty], True
    return [], True


def _unexplained_terms(topic: Topic, parsed: Parsed, lexicon: Lexicon) -> list[float]:
    """A penalty for each anchor concept of the question the topic cannot account for."""
    vocabulary = topic.vocabulary
    return [
        -_unexplained_penalty(concept, lexicon) * parsed.concepts[concept]
        for concept in parsed.subject - vocabulary
        if lexicon.is_anchor(concept)
    ]


def _unexplained_penalty(concept: str, lexicon: Lexicon) -> float:
    """Heavier for the record's own concepts, heaviest for an agreement area."""
    if lexicon.is_area(concept):
        return CONFIG.unexplained_area_penalty  # "how many MoUs on railways" is not "37"
    if lexicon.from_record(concept):
        return CONFIG.unexplained_record_penalty
    return CONFIG.unexplained_penalty


def _profile_terms(topic: Topic, parsed: Parsed, lexicon: Lexicon) -> list[float]:
    """A person's profile loses ties; what the first-named person said wins them."""
    terms: list[float] = []
    if topic.kind in ("person", "said"):
        terms.append(
            -CONFIG.profile_penalty
        )  # on a tie, "Varga award?" is about the award, not her
    speaker = topic.speaker or (topic.person if topic.kind == "said" else None)
    if speaker and speaker == parsed.spoken_of and _another_person(parsed, speaker, lexicon):
        terms.append(-CONFIG.spoken_of_penalty)  # "what did he say about Sharif": not Sharif
    elif speaker and speaker == parsed.first_person and "say" in parsed.concepts:
        terms.append(
            CONFIG.first_person_bonus
        )  # "how did Sharif feel about the guest": Sharif speaks
    return terms


def _another_person(parsed: Parsed, person: str, lexicon: Lexicon) -> bool:
    """Whether the question names (or points at) someone besides ``person``."""
    return any(p != person and p in parsed.concepts for p in lexicon.people)


@dataclass(frozen=True)
class TopicIndex:
    """Topics by the concepts of their first ``about`` group: a topic none of whose first
    group the question has is no candidate, so most are never scored."""

    topics: dict[str, Topic]
    by_concept: dict[str, tuple[str, ...]]
    unindexed: tuple[Topic, ...] = ()  # topics with no ``about``: always candidates
    order: dict[str, int] = field(default_factory=dict)  # topic id -> place in the file

    @classmethod
    def of(cls, topics: dict[str, Topic]) -> TopicIndex:
        by_concept: dict[str, list[str]] = {}
        for topic in topics.values():
            for concept in topic.about[0] if topic.about else ():
                by_concept.setdefault(concept, []).append(topic.id)
        unindexed = tuple(t for t in topics.values() if not t.about)
        order = {topic_id: n for n, topic_id in enumerate(topics)}
        return cls(topics, {c: tuple(ids) for c, ids in by_concept.items()}, unindexed, order)

    def possible(self, concepts: Iterable[str]) -> list[Topic]:
        """The topics that may be candidates, in the knowledge file's order."""
        ids = {i for c in concepts for i in self.by_concept.get(c, ())}
        return [*self.unindexed, *(self.topics[i] for i in sorted(ids, key=self.order.__getitem__))]


def rank(parsed: Parsed, index: TopicIndex, lexicon: Lexicon) -> list[Candidate]:
    """Candidates, best first; ties keep the knowledge file's order."""
    topics = index.possible(parsed.concepts)
    found = [c for t in topics if (c := score(t, parsed, lexicon)) is not None]
    found.sort(key=lambda c: (-c.score, not c.type_ok))
    return found
