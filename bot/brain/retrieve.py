"""Scoring topics against a parsed question.

A topic is a candidate only when every one of its ``about`` groups is present in the
question; then it scores by how much of the question it accounts for, and by whether it
answers the kind of question asked. Everything tunable here is a weight in the knowledge
files, not a rule about a particular question.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.brain.topics import Topic
from bot.brain.understand import GENERIC_QTYPES, Lexicon, Parsed

ABOUT_WEIGHT = 3.0
TYPE_BONUS = 1.5
TYPE_PENALTY = 1.5
UNEXPLAINED_PENALTY = 0.5  # a question word the topic does not account for
UNEXPLAINED_RECORD_PENALTY = 1.0  # ... when it is one of the record's own concepts
UNEXPLAINED_AREA_PENALTY = 2.0  # ... when it names an agreement area
FIRST_PERSON_BONUS = 0.3
NARROW_PENALTY = 1.5
PROFILE_PENALTY = 0.5


@dataclass(frozen=True)
class Candidate:
    topic: Topic
    score: float
    evidence: float  # what the question's words alone give, before the kind of question
    matched: frozenset[str]  # the question's concepts this topic accounts for
    type_ok: bool  # False when the question wants a kind of answer the topic lacks


def score(topic: Topic, parsed: Parsed, lexicon: Lexicon) -> Candidate | None:
    concepts = parsed.concepts
    total = 0.0
    used: set[str] = set()
    for group in topic.about:
        present = [c for c in group if c in concepts]
        if not present:
            return None
        fresh = [c for c in present if c not in used]
        if fresh:  # one word can satisfy two groups, but only counts once
            best = max(fresh, key=lambda c: concepts[c])
            used.add(best)
            total += ABOUT_WEIGHT * concepts[best]
    for concept, weight in topic.signals.items():
        if concept in concepts:
            total += weight
    evidence = total
    type_ok = True
    qtype = parsed.qtype
    if qtype and qtype not in GENERIC_QTYPES:
        if qtype in topic.answers:
            total += TYPE_BONUS
        else:
            total -= TYPE_PENALTY
            type_ok = False
    elif qtype in ("what", "how", None) and (qtype or "what") not in topic.answers:
        total -= NARROW_PENALTY  # a who-only topic for a "what" question
    vocabulary = topic.vocabulary
    for concept in parsed.subject - vocabulary:
        if lexicon.is_anchor(concept):
            if lexicon.is_area(concept):
                penalty = UNEXPLAINED_AREA_PENALTY  # "how many MoUs on railways" is not "37"
            elif lexicon.from_record(concept):
                penalty = UNEXPLAINED_RECORD_PENALTY
            else:
                penalty = UNEXPLAINED_PENALTY
            total -= penalty * concepts[concept]
    if topic.kind in ("person", "said"):
        total -= PROFILE_PENALTY  # on a tie, "Varga award?" is about the award, not her
    speaker = topic.speaker or (topic.person if topic.kind == "said" else None)
    if speaker and speaker == parsed.first_person and "say" in concepts:
        total += FIRST_PERSON_BONUS  # "how did Sharif feel about the guest": Sharif speaks
    positive = {c for g in topic.about for c in g} | {
        c for c, w in topic.signals.items() if w > 0
    }  # a negative signal is a reason against, not something the topic accounts for
    matched = frozenset(c for c in concepts if c in positive)
    return Candidate(topic, total, evidence, matched, type_ok)


def rank(parsed: Parsed, topics: dict[str, Topic], lexicon: Lexicon) -> list[Candidate]:
    """Candidates, best first; ties keep the knowledge file's order."""
    found = [c for t in topics.values() if (c := score(t, parsed, lexicon)) is not None]
    found.sort(key=lambda c: (-c.score, not c.type_ok))
    return found
