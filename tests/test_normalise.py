"""``normalise`` does in a few passes what it once did in six regular expressions (it runs
on every word of every question): the two must never differ."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import _URDU_LETTERS, clean, normalise

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_DOLLAR = re.compile(r"\$")
_AND = re.compile(r"[+&]")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])(?!(?:st|nd|rd|th)\b)|(?<=[a-z])(?=\d)")
_NOT_WORD = re.compile(r"[^\w$]+|_+")


def _as_before(text: str) -> str:
    text = clean(text).casefold().translate(_URDU_LETTERS)
    text = _APOSTROPHES.sub("", text)
    text = _DOLLAR.sub(" $ ", text)
    text = _AND.sub(" and ", text)
    text = _DIGIT_LETTER.sub(" ", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split())


TRICKY = "aZ09 _-'\u2019\u2018`\u00b4$+&.,?!\u0664\u0661\u064a\u0643\u0647\u06beيکқәşß\u00bd\t\n"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=40))
def test_normalise_is_what_it_was(text: str) -> None:
    assert normalise(text) == _as_before(text)


def test_examples() -> None:
    for text in ["Don't 37MoUs 1st $1bn R&D", "Nishan-e-Pakistan", "کیا معاھدے ہوئے؟", "2030ж."]:
        assert normalise(text) == _as_before(text)
