"""Dates people write in questions ("the March 4 signing", "5 марта", "14 August"), read
against the record's own date, so that a wrong one is corrected rather than echoed as a
word the record does not mention. The month names are the language file's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.text import normalise, number_value

ORDINAL_ENDINGS = ("st", "nd", "rd", "th")


@dataclass(frozen=True)
class Months:
    """The twelve months' names (January first), normalised; ``also`` are names that are
    ordinary words too ("march", "may"): they name a month only beside a day's number."""

    names: tuple[tuple[str, ...], ...] = ()
    also: frozenset[str] = frozenset()
    # made once from ``names``: every question's every word is looked up
    _exact: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _stems: dict[str, tuple[tuple[str, int], ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        stems: dict[str, list[tuple[str, int]]] = {}
        for number, forms in enumerate(self.names, start=1):
            for form in forms:
                if form.endswith("*"):
                    stems.setdefault(form[:1], []).append((form[:-1], number))
                else:
                    self._exact.setdefault(form, number)
        self._stems.update({first: tuple(found) for first, found in stems.items()})

    @classmethod
    def of(cls, names: Sequence[Sequence[str]], also: Sequence[str]) -> Months:
        def form(word: str) -> str:  # normalising drops the stem's "*"
            return normalise(word) + ("*" if word.endswith("*") else "")

        return cls(
            tuple(tuple(form(w) for w in month) for month in names), frozenset(map(form, also))
        )

    def month(self, word: str) -> int | None:
        """1 for "january", "января" or "جنوری": a name ending in "*" is a stem."""
        number = self._exact.get(word)
        if number is not None:
            return number
        return next((n for stem, n in self._stems.get(word[:1], ()) if word.startswith(stem)), None)


@dataclass(frozen=True)
class Date:
    month: int
    day: int | None = None


def day_value(word: str) -> int | None:
    """4 for "4", "4th" or "four": a day of a month, 1 to 31."""
    if word.endswith(ORDINAL_ENDINGS) and word[:-2].isdigit():
        word = word[:-2]
    value = number_value(word)
    return value if value is not None and 1 <= value <= 31 else None


def dates_in(words: Sequence[str], months: Months) -> list[Date]:
    """The dates a message names: each month's name, with the day's number beside it."""
    found = []
    for i, word in enumerate(words):
        month = months.month(word)
        if month is None:
            continue
        # "4 March", "March 4th", "5-го марта", "4th of March": a short word may stand between
        spots = (i - 1, i + 1, i - 2) if i > 0 and len(words[i - 1]) <= 2 else (i - 1, i + 1)
        around = [words[j] for j in spots if 0 <= j < len(words)]
        day = next((d for w in around if (d := day_value(w)) is not None), None)
        if day is None and word in months.also:
            continue  # "that march thing": a word, not a month
        found.append(Date(month, day))
    return found


def contradicts(said: Date, record: Date) -> bool:
    """A date the record's own rules out: another month, or its month with another day."""
    if said.month != record.month:
        return True
    return said.day is not None and record.day is not None and said.day != record.day


@lru_cache(maxsize=16)
def record_date(text: str, months: Months) -> Date | None:
    """The record's "4 February" as a date; None when it names no month."""
    dates = dates_in(normalise(text).split(), months)
    return dates[0] if dates else None
