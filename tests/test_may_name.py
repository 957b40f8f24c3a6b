"""``Lexicon.may_name`` lets the brain skip parsing a whole message of several questions
when no word of it can say "besides": it must never say no where ``parse`` finds it."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.brain import Brain

TESTS = Path(__file__).resolve().parent
WORDS = ["besides railway and transit, what else?", "кроме железной дороги?", "alawa iske kya"]


def _asked(data: object) -> list[str]:
    """Every question (a ``q:``) in a set, whatever its shape."""
    if isinstance(data, dict):
        own = [data["q"]] if isinstance(data.get("q"), str) else []
        return own + [q for value in data.values() for q in _asked(value)]
    if isinstance(data, list):
        return [q for value in data for q in _asked(value)]
    return []


def _questions() -> list[str]:
    found = list(WORDS)
    for path in sorted(TESTS.glob("*.yaml")):
        found += _asked(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_may_name_never_misses_what_parse_finds(brain: Brain) -> None:
    lexicon = brain.lexicon
    named = 0
    for question in _questions():
        parsed = lexicon.parse(question)
        said = {c for _, concepts in parsed.spans for c in concepts}  # named by words
        assert "besides" not in parsed.concepts or "besides" in said
        for concept in sorted(said)[:3] + ["besides"] * ("besides" in said):
            named += 1
            assert lexicon.may_name(concept, lexicon.tokens(question)), (concept, question)
    assert named > 1000  # the sets do name them: the test tests something


def test_may_name_says_no_when_nothing_could(brain: Brain) -> None:
    tokens = brain.lexicon.tokens("how many agreements were signed?")
    assert not brain.lexicon.may_name("besides", tokens)


def test_may_name_area_never_misses_an_area_parse_finds(brain: Brain) -> None:
    lexicon = brain.lexicon
    areas = 0
    for question in _questions():
        if any(lexicon.is_area(c) for c in lexicon.parse(question).concepts):
            areas += 1
            assert lexicon.may_name_area(lexicon.tokens(question)), question
    assert areas > 100  # the sets do name areas: the test tests something
    assert not lexicon.may_name_area(lexicon.tokens("besides the date, what else?"))
