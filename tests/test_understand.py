"""Unit tests of the understanding stage on tiny inline data: a made-up record and a language
file of a few lines, so each test shows the mechanism, not the real knowledge files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import Brain
from bot.brain.understand import Lexicon
from knowledge.loading import load_files

TESTS = Path(__file__).resolve().parent
TINY_LANGUAGE = """
schema_version: 1
question_types:
  count: [how many]
  when: [when]
  where: [where]
  yes_no: [was there, did, was]
  what: [what]
concepts:
  deal: {aliases: [deal, agreement]}
  sign: {aliases: [sign]}
  say: {anchor: false, aliases: [say, said]}
  greet: {anchor: false, aliases: [hello]}
  meet: {aliases: [meet, met]}
stopwords: [the, a, "on", in, they, at, of, was, did, any, anything, about]
ordinary_words: >-
  begin besides kindly useful
"""


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    folder = tmp_path_factory.mktemp("tiny")
    language = folder / "language.yaml"
    language.write_text(TINY_LANGUAGE, encoding="utf-8")
    record = TESTS / "data" / "other_visit" / "record.yaml"
    return Lexicon(load_files(record, language))


def test_an_ordinary_word_is_ignored_not_a_missing_topic(lexicon: Lexicon) -> None:
    parsed = lexicon.parse("when did the visit begin")
    assert parsed.unknown == [] and parsed.neutral == ["begin"]


def test_an_ordinary_word_in_the_object_slot_stays_visible(lexicon: Lexicon) -> None:
    parsed = lexicon.parse("did they say anything about useful")
    assert parsed.unknown == ["useful"] and parsed.objects == ["useful"]


def test_a_noun_nobody_knows_is_unknown(lexicon: Lexicon) -> None:
    assert lexicon.parse("where was the dinner").unknown == ["dinner"]


def test_a_word_known_only_inside_a_longer_alias_is_unknown_alone(brain: Brain) -> None:
    # the real files: "gwadar" occurs only in the alias "gwadar city" (an itinerary word)
    parsed = brain.lexicon.parse("was there a deal on gwadar port")
    assert "gwadar" in parsed.unknown
    answer = brain.answer("was there a deal on gwadar port")
    assert "gwadar" in answer.text.casefold()  # never a plain "yes" to a port it does not name


def test_a_typo_is_corrected_towards_the_record(lexicon: Lexicon) -> None:
    parsed = lexicon.parse("how many agrements")
    assert parsed.qtype == "count" and "deal" in parsed.concepts
