"""Warnings for a curator writing a record: what ``visitbot kb check`` prints beyond errors.

A record can be valid and still mislead the brain, silently. These checks name the usual
causes, found when a curator wrote a new record from the docs alone: an alias that is an
everyday word or a pronoun pulls unrelated questions in; an alias two concepts share makes
the bot guess; a canned ``ask`` question (what a button sends) that routes to another topic
makes the button answer the wrong thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from bot.brain import Brain, Context
from bot.brain.kinds import Slots
from bot.brain.topics import build_topics, unshown_kinds
from bot.text import normalise, stem
from knowledge.loading import Knowledge


def warnings(knowledge: Knowledge) -> list[str]:
    """Every warning, one line each, naming the file's field and what to do."""
    return [
        *_everyday_aliases(knowledge),
        *_shared_aliases(knowledge),
        *_swallowing_stems(knowledge),
        *_misrouted_asks(knowledge),
        *_unshown_kinds(knowledge),
    ]


def _record_aliases(knowledge: Knowledge) -> Iterator[tuple[str, str]]:
    """(where, alias) for every alias of the record: concepts, people, areas."""
    record = knowledge.record
    for name, concept in record.concepts.items():
        for alias in concept.aliases:
            yield f"concepts.{name}", alias
    for person in record.people:
        for alias in [*person.aliases, *person.titles]:
            yield f"people.{person.id}", alias
    for area in record.agreements.named:
        for alias in area.aliases:
            yield f"agreements.named.{area.id}", alias
    for unnamed in record.agreements.unnamed:
        for alias in unnamed.aliases:
            yield f"agreements.unnamed.{unnamed.id}", alias


def _everyday_aliases(knowledge: Knowledge) -> Iterator[str]:
    """Pronouns, stopwords and question words as aliases, and aliases that share a stem with
    an everyday word ("goods" is stemmed like "good", so "good, thanks" asks about ports)."""
    language = knowledge.language
    reserved = {normalise(p): "a pronoun" for g in language.pronouns.values() for p in g}
    reserved |= {normalise(w): "a stopword of the language file" for w in language.all_stopwords}
    reserved |= {
        normalise(w): "a question word" for ws in language.question_types.values() for w in ws
    }
    everyday = [*language.all_stopwords]  # and small talk: words of every conversation
    everyday += [a for c in language.concepts.values() if not c.anchor for a in c.aliases]
    by_stem = {stem(normalise(w)): normalise(w) for w in everyday if " " not in w.strip()}
    for where, alias in _record_aliases(knowledge):
        word = normalise(alias.rstrip("*"))
        if word in reserved:
            problem = f"is {reserved[word]}: it will match questions about anything"
        elif " " not in word and by_stem.get(stem(word), word) != word:
            problem = f"is stemmed like the everyday word {by_stem[stem(word)]!r}, so it matches it"
        else:
            continue
        yield f"{where}: alias {alias!r} {problem}; use a phrase or another word"


def _shared_aliases(knowledge: Knowledge) -> Iterator[str]:
    owners: dict[str, set[str]] = defaultdict(set)
    for where, alias in _record_aliases(knowledge):
        owners[normalise(alias)].add(where)
    for name, concept in knowledge.language.concepts.items():
        for alias in concept.aliases:
            owners[normalise(alias)].add(f"language concept {name}")
    for alias, places in sorted(owners.items()):
        if len(places) > 1 and any(not w.startswith("language") for w in places):
            yield (
                f"alias {alias!r} is shared by {', '.join(sorted(places))}: a question using it "
                "matches all of them; keep it in one place"
            )


def _all_aliases(knowledge: Knowledge) -> Iterator[tuple[str, str]]:
    """(where, alias) for the record's aliases and those of its translations."""
    yield from _record_aliases(knowledge)
    for code, translation in sorted(knowledge.translations.items()):
        for concept, aliases in translation.aliases.items():
            for alias in aliases:
                yield f"translation {code} aliases.{concept}", alias


def _swallowing_stems(knowledge: Knowledge) -> Iterator[str]:
    """A stem alias ("поезд*", railway) that also starts another concept's word ("поездк*",
    a trip) matches that word too: "до этой поездки" was read as a railway question."""
    written = list(_all_aliases(knowledge))
    aliases = [(where, normalise(alias.rstrip("*"))) for where, alias in written]
    prefixes = sorted({(where, normalise(a[:-1])) for where, a in written if a.endswith("*")})
    for where, prefix in prefixes:
        owner = _owner(where)
        caught = sorted(
            {
                a
                for w, a in aliases
                if " " not in a and a != prefix and a.startswith(prefix) and _owner(w) != owner
            }
        )
        if caught:
            shown = ", ".join(map(repr, caught[:3]))
            yield (
                f"{where}: alias {prefix + '*'!r} also matches {shown} of another concept; "
                "list its forms instead of a stem"
            )


def _owner(where: str) -> str:
    """The concept a place in the files names ("concepts.visit" and "translation ru
    aliases.visit" are one concept)."""
    return where.rsplit(".", 1)[-1]


def _misrouted_asks(knowledge: Knowledge) -> Iterator[str]:
    brain = Brain(knowledge)
    for topic in brain.topics.values():
        answer = brain.answer(topic.ask, Context())
        if answer.topic == topic.id and answer.intent not in (topic.intent, "multi"):
            yield (
                f"{topic.id}: its ask {topic.ask!r} reaches it but is answered as "
                f"{answer.intent} ({answer.text[:60]!r}...); see `visitbot ask --explain`"
            )
        elif answer.topic != topic.id:
            yield (
                f"{topic.id}: its ask {topic.ask!r} is answered by {answer.topic or answer.intent}"
                f", so its button would answer the wrong thing; reword it with the words of its "
                f"'about' concepts (see `visitbot ask --explain {topic.ask!r}`)"
            )


def _unshown_kinds(knowledge: Knowledge) -> Iterator[str]:
    """A kind in a topic's ``answers`` its reply does not give (a "when" with no date): the
    brain ignores it, so that "when did they meet?" gets the date from the topic that has it."""
    gives = Slots.of(knowledge.record).gives  # what the brain checks with, no brain built
    for topic in build_topics(knowledge.record).values():
        for kind in unshown_kinds(topic, gives):
            yield (
                f"{topic.id}: answers lists {kind!r} but its answer gives no "
                f"{_WHAT_SHOWS[kind]}; the brain ignores it (drop it, or say it in the answer)"
            )


_WHAT_SHOWS = {"who": "person of the record", "when": "date or span", "where": "place"}
