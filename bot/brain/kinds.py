"""Which kinds of question a reply can answer: who, when, where, how many, how much, how long.

This is where "who" (and every other kind) is decided. A topic declares the kinds it answers
(``answers`` in the record file); on top of that, what its reply *contains* answers a kind:
a reply that names one of the record's people answers "who", one with a figure answers "how
many" and (unless the figure is a span of time) "how much", one with the event's date or a
deadline answers "when", one with the place or venue answers "where", one with a span of time
("in 23 years") answers "how long".
So the bot never says "the record does not say who" in front of a sentence that names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.models import Record

_NUMBER = re.compile(
    r"\$?\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion)\b",
    re.IGNORECASE,
)
_SPAN = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|\w+-\w+)\s+"
    r"(years?|months?|weeks?|days?|hours?|decades?|centuries)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19|20)\d\d\b|\bnext year\b|\bthis year\b|\blast year\b", re.IGNORECASE)
_DAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
# "in Mombasa", "at the Harbour Palace": a capitalised name after a word of place
_PLACE = re.compile(r"\b(?:in|at|to|from|near|of)\s+(?:the\s+)?[A-Z][\w'-]+")


@dataclass(frozen=True)
class Slots:
    """The record's words that fill each kind of question, compiled once per record."""

    people: tuple[str, ...]
    dates: tuple[str, ...]
    places: tuple[str, ...]
    framework: tuple[str, ...] = ()  # names every answer may carry: people, countries, city
    countries: tuple[str, ...] = ()  # the visit's two countries, and "both countries"

    @classmethod
    def of(cls, record: Record) -> Slots:
        people = [w for p in record.people for w in (p.name, p.short, p.name.split()[-1])]
        deadlines = [t.deadline for t in record.targets if t.deadline]
        visit = record.visit
        places = [visit.place, visit.venue.removeprefix("the ")] if visit.venue else [visit.place]
        framework = [*people, visit.host_country, visit.guest_country, visit.place]
        stems = tuple(w.casefold()[:5] for name in framework for w in name.split())
        countries = (visit.host_country, visit.guest_country, "both countries")
        dates = (visit.date, *deadlines)
        return cls(tuple(people), dates, tuple(p for p in places if p), stems, countries)

    def gives(self, text: str, kind: str) -> bool:
        """Whether ``text`` gives what a question of this kind asks, a span included for
        "when" ("23 years" answers "when did one last come?")."""
        return self.provides(text, kind) or (kind == "when" and self.provides(text, "how_long"))

    def provides(self, text: str, kind: str | None) -> bool:
        """Whether ``text`` itself answers a question of this kind."""
        folded = text.casefold()
        if kind in ("who", "names", "whose"):
            # whose: a person's or a country's too ("the anthems of both countries")
            owners = self.countries if kind == "whose" else ()
            return any(p.casefold() in folded for p in (*self.people, *owners))
        if kind == "when":
            dated = any(d.casefold() in folded for d in self.dates)
            return dated or bool(_YEAR.search(text) or _DAY.search(text))
        if kind == "where":
            return any(p.casefold() in folded for p in self.places) or bool(_PLACE.search(text))
        if kind == "count":
            return bool(_NUMBER.search(self._without_dates(text)))
        if kind == "how_much":  # an amount: "23 years" is a span, no answer to "how much"
            return bool(_NUMBER.search(_SPAN.sub(" ", self._without_dates(text))))
        if kind == "how_long":
            return bool(_SPAN.search(text))
        if kind in ("list", "names"):
            return self._names_something(text)  # "which airport?": "Hazrat Shahjalal ..."
        return False

    def _names_something(self, text: str) -> bool:
        """A capitalised name inside a sentence, other than the record's own people,
        countries and city: the specific thing a "which ...?" asks for."""
        words = [
            word
            for sentence in re.split(r"(?<=[.!?:])\s+", text)
            for word in re.findall(r"[\w'-]+", sentence)[1:]
        ]
        return any(
            word[:1].isupper()
            and word[1:].islower()
            and len(word) > 2
            and word.casefold()[:5] not in self.framework
            for word in words
        )

    def _without_dates(self, text: str) -> str:
        for date in self.dates:
            text = re.sub(re.escape(date), " ", text, flags=re.IGNORECASE)
        return text


def says_it_lacks(text: str) -> str | None:
    """The kind a reply says the record does not give ("The record does not say who")."""
    match = _LACKS.search(text)
    return _LACK_WORDS.get(match.group(1).casefold()) if match else None


_LACK_WORDS = {
    "who": "who",
    "when": "when",
    "where": "where",
    "how many": "count",
    "how much": "how_much",
    "how long": "how_long",
    "which": "list",
}
_LACKS = re.compile(
    r"[Tt]he record does not say (who|when|where|which|how many|how much|how long)\."
)
