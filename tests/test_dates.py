"""Unit tests of bot/brain/dates.py on inline month lists."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.brain.dates import Date, Months, contradicts, dates_in, day_value, record_date
from knowledge.models import Grammar

MONTHS = Months.of(
    [["jan"], ["february", "feb", "феврал*"], ["march", "март*"], ["apr"], ["may", "май"],
     ["jun"], ["jul"], ["august"], ["sep"], ["oct"], ["nov"], ["dec"]],
    ["march", "may"],
)  # fmt: skip


def test_a_month_is_found_by_its_name_or_its_stem() -> None:
    assert MONTHS.month("feb") == 2
    assert MONTHS.month("марта") == 3
    assert MONTHS.month("февраля") == 2
    assert MONTHS.month("fe") is None


@pytest.mark.parametrize(
    ("words", "dates"),
    [
        ("the march 4 signing", [Date(3, 4)]),
        ("on 4th of march", [Date(3, 4)]),
        ("5 го марта", [Date(3, 5)]),
        ("back in august", [Date(8)]),
        ("that march thing", []),  # an ordinary word unless a day stands beside it
        ("in may they met", []),
        ("the 23 years", []),
    ],
)
def test_the_dates_a_message_names(words: str, dates: list[Date]) -> None:
    assert dates_in(words.split(), MONTHS) == dates


def test_a_date_contradicts_by_another_month_or_another_day() -> None:
    record = Date(2, 4)
    assert contradicts(Date(3, 4), record)
    assert contradicts(Date(2, 5), record)
    assert not contradicts(Date(2), record)
    assert not contradicts(Date(2, 4), record)


def test_days_and_the_records_date() -> None:
    assert day_value("4th") == 4 and day_value("four") == 4
    assert day_value("37") is None and day_value("fourth") is None
    assert record_date("4 February", MONTHS) == Date(2, 4)
    assert record_date("the year before", MONTHS) is None


def test_the_language_file_lists_twelve_months_or_none() -> None:
    assert Grammar(months=[["jan"]] * 12).months
    with pytest.raises(ValidationError, match="not 12"):
        Grammar(months=[["jan"], ["feb"]])
