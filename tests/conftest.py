"""Shared fixtures: a real store built from the real knowledge files, and the brain on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.brain.understand import Lexicon
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD, load_files
from knowledge.store import Store, open_store
from tests.fake_botapi import FakeBotAPI

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(
        tmp_path_factory.mktemp("store") / "visitbot.db", DEFAULT_RECORD, DEFAULT_LANGUAGE
    )
    yield store
    store.close()


@pytest.fixture(scope="session")
def brain(session_store: Store) -> Brain:
    """One brain for the whole run: building it is cheap but not free."""
    return Brain(session_store.knowledge, session_store)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A fresh store file for tests that write (subscriptions, logs, rebuilds)."""
    return tmp_path / "visitbot.db"


@pytest.fixture
def server() -> Iterator[FakeBotAPI]:
    """A local Bot API stand-in on 127.0.0.1, for the tests that talk to Telegram."""
    with FakeBotAPI(max_long_poll=2.0) as srv:
        yield srv


# A made-up record and a language file of a few lines: unit tests of the brain's stages
# show a mechanism on these, not on the real knowledge files.
TINY_LANGUAGE = """
schema_version: 1
question_types:
  count: [how many, "کتنے"]
  when: [when]
  why: [why]
  where: [where]
  yes_no: [was there, did, was]
  what: [what, "что", "не"]
  who: [who]
  list: [which]
concepts:
  deal: {aliases: [deal, agreement, "معاہدے"]}
  sign: {aliases: [sign]}
  say: {anchor: false, aliases: [say, said]}
  discuss: {anchor: false, aliases: [mention, mentioned]}
  greet: {anchor: false, aliases: [hello]}
  meet: {aliases: [meet, met]}
  give: {anchor: false, aliases: [put on, hand over]}
  offtopic: {anchor: false, aliases: [gold rate, joke, rate]}
  the_other: {anchor: false, aliases: [the other leader]}
  correcting: {anchor: false, weight: 0.1, aliases: [i meant]}
  source_ref: {anchor: false, weight: 0.1, aliases: [in this story]}
  route: {detail: true, anchor: false, aliases: [route]}
  value: {detail: true, anchor: false, asks: how_much, aliases: [cost, worth]}
  specifics: {anchor: false, weight: 0.5, aliases: [exactly, what kind of]}
  evening_time: {anchor: false, aliases: [that evening]}
  distance: {anchor: false, aliases: [miles]}
  future_tense: {qualifier: true, anchor: false, weight: 0.7, aliases: [will]}
  onset: {qualifier: true, anchor: false, weight: 0.7, aliases: [start]}
stopwords: [the, a, "on", in, they, at, of, was, did, any, anything, about, even]
follow_up_markers: [and, what about]
shorthand: {agrmt: agreement}
grammar:
  object_markers: [about, "on"]
  negations: [not, "не"]
  negation_cues: ["а"]
  counted_generic: [things]
  indefinite_after: ["то"]
  arithmetic_words: [times]
  containing_words: [cover, include]
  contained_words: [included]
  self_words: [i, my, hun]
  past_auxiliaries: [did, was]
  of_words: [of]
  separable_particles: ["on", over]
  join_words: [and]
  yes_no_anywhere: [any]
  question_starts: [how, what, who, when, was, did]
  offtopic_also_record: [rate]
  months: [[jan], [feb], [march, mar], [apr], [may], [jun], [jul], [aug], [sep], [oct], [nov],
    [dec, "декабр*"]]
  months_also: [march, may]
  absence_words: [nothing, "no"]
  choice_words: [or]
pronouns: {person: [he, him], thing: [it, this]}
ordinary_words: >-
  begin besides kindly useful
common_nouns: regiment part
everyday_words:
  ur-Latn: mil ke
"""


@pytest.fixture(scope="session")
def tiny_language_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    language = tmp_path_factory.mktemp("tiny") / "language.yaml"
    language.write_text(TINY_LANGUAGE, encoding="utf-8")
    return language


@pytest.fixture(scope="session")
def tiny_lexicon(tiny_language_path: Path) -> Lexicon:
    record = TESTS / "data" / "other_visit" / "record.yaml"
    return Lexicon(load_files(record, tiny_language_path))
