"""Normalising what people type, the same way for questions and for knowledge-file aliases.

Whatever is done to a question is done to the aliases too, so "Nishan-e-Pakistan", "nishan e
pakistan" and "NISHAN E PAKISTAN" meet in the middle.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "'\u2019\u2018`\u00b4"  # dropped, not spaced: "don't" reads "dont"
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])(?!(?:st|nd|rd|th)\b)|(?<=[a-z])(?=\d)")
_NOT_WORD = re.compile(r"[^\w$]+|_+")
_LATIN = re.compile(r"^[a-z]+$")
_CYRILLIC = re.compile("^[а-яёәғқңөұүһі]+$")  # Russian and Kazakh letters
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # terminal colour codes pasted along


def clean(text: str) -> str:
    """Drop control characters and unify Unicode forms; keep letters of every script.
    (Most texts need neither: checked first, since thousands of aliases pass here.)"""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "\x1b" in text:
        text = _ANSI.sub(" ", text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


# Arabic-keyboard letters typed for their Urdu look-alikes: yeh, kaf, heh, alef maksura
# and the spellings phones mix up: do-chashmi heh for gol heh (معاھدے), noon for noon ghunna,
# yeh barree with hamza for hamza and yeh barree (ہوۓ for ہوئے)
_URDU_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1",
                               "\u0649": "\u06cc", "\u06be": "\u06c1", "\u06ba": "\u0646",
                               "\u06c3": "\u06c1", "\u06d3": "\u0626\u06d2"})  # fmt: skip
_URDU_LETTERS_NO_APOSTROPHES = {**_URDU_LETTERS, **str.maketrans("", "", _APOSTROPHES)}
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=64)
def normalise(text: str) -> str:
    """Lowercase words separated by single spaces; '$' kept as a word of its own; Arabic
    letters typed on an Arabic keyboard read as the Urdu ones they look like. (Kept for the
    last few texts: one message is read whole three times, for its language, its length
    and its questions; 64 texts is a message or two, never a store of what people ask.)"""
    text = clean(text).casefold().translate(_URDU_LETTERS_NO_APOSTROPHES)
    text = text.replace("$", " $ ").replace("+", " and ").replace("&", " and ")
    if _DIGIT.search(text):  # (_DIGIT_LETTER needs a digit: most texts have none)
        text = _DIGIT_LETTER.sub(" ", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1 << 14)
def normalise_word(word: str) -> str:
    """``normalise`` of one typed word, kept: words repeat across messages where whole
    texts do not (and ``normalise`` keeps only the last few texts)."""
    return normalise(word)


def words(text: str) -> list[str]:
    return normalise(text).split()


def is_latin(word: str) -> bool:
    return bool(_LATIN.match(word))


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.match(word))


# (suffix, the shortest word it is cut from, what replaces it): the first that fits wins
_SUFFIXES: tuple[tuple[str, int, str], ...] = (
    ("ies", 5, "y"),
    ("ing", 6, ""),
    ("ed", 5, ""),
    ("es", 5, ""),
)
# Words that look inflected but are words of their own (as Porter2 lists its exceptional
# forms): "medical training" is no train, "news" nothing new, "evening" not "even"
_OWN_WORDS = frozenset(
    [
        "training",
        "trained",
        "evening",
        "morning",
        "during",
        "wedding",
        "ceiling",
        "spring",
        "string",
        "news",
        "outing",
        "inning",
        "herring",
        "proceed",
        "exceed",
        "succeed",
        "bias",
        "atlas",
    ]
)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A deliberately light English stemmer: plurals, -ing, -ed, final -e.

    Applied identically to aliases and questions, so it only has to be consistent, not
    linguistically right ("trade", "trades", "trading", "traded" all become "trad").
    """
    if not is_latin(word) or len(word) <= 3 or word in _OWN_WORDS:
        return word
    word = _without_suffix(word)
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _without_suffix(word: str) -> str:
    for suffix, shortest, replacement in _SUFFIXES:
        if len(word) >= shortest and word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100}


def number_value(word: str) -> int | None:
    """12 for "12" or "twelve": numbers people write in questions."""
    if word.isdigit() and len(word) <= 6:
        return int(word)
    return _NUMBER_WORDS.get(word)
