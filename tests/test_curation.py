"""``visitbot kb check`` warnings for curators: everyday-word and pronoun aliases, shared
aliases, canned questions that route to another topic."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.brain import Brain
from bot.curation import warnings
from knowledge.loading import load_files

OTHER = Path(__file__).resolve().parent / "data" / "other_visit"


def _record(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    shutil.copy(OTHER / "source.txt", tmp_path / "source.txt")
    text = (OTHER / "record.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "record.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "record.yaml"


def test_a_clean_record_has_no_warnings(tmp_path: Path, tiny_language_path: Path) -> None:
    record = _record(tmp_path)
    assert warnings(load_files(record, tiny_language_path)) == []


def test_pronoun_shared_and_misrouted_are_each_named(
    tmp_path: Path, tiny_language_path: Path
) -> None:
    record = _record(
        tmp_path,
        ("aliases: [visit, trip, came]", "aliases: [visit, trip, came, it, ferry]"),
        ("ask: Who is Tomas Brel?", "ask: How many agreements were signed?"),
    )
    found = warnings(load_files(record, tiny_language_path))
    assert any("concepts.visit: alias 'it' is a pronoun" in w for w in found), found
    assert any("alias 'ferry' is shared by" in w for w in found), found
    assert any(w.startswith("brel: its ask") for w in found), found


def test_an_ask_answered_as_something_else_is_named(
    tmp_path: Path, tiny_language_path: Path
) -> None:
    # the ask reaches the award topic but a rule answers it as another kind of reply
    record = _record(
        tmp_path,
        ("ask: What award did Chancellor Varga receive?", "ask: When did Varga get an award?"),
    )
    found = warnings(load_files(record, tiny_language_path))
    assert any(w.startswith("award: its ask") for w in found), found


def test_a_stem_alias_that_starts_another_concepts_word_is_named(
    tmp_path: Path, tiny_language_path: Path
) -> None:
    """ "tour*" for tourism would also take "tourney", a word of the visit: named, with
    the words it takes; a stem no other concept's word starts with is not."""
    record = _record(
        tmp_path,
        ("aliases: [visit, trip, came]", "aliases: [visit, trip, came, tourney]"),
        ("aliases: [tourism, tourists, tourist]", 'aliases: [tourism, tourists, "tour*"]'),
    )
    found = warnings(load_files(record, tiny_language_path))
    assert any("alias 'tour*' also matches 'tourney'" in w for w in found), found
    assert not any("'tourism'" in w and "also matches" in w for w in found), found


def test_a_kind_a_reply_does_not_give_is_named_and_ignored(
    tmp_path: Path, tiny_language_path: Path
) -> None:
    """The award's reply gives no date: "when" in its answers is named, and the brain
    answers "when did Varga get the award?" from the topic that has the date."""
    record = _record(
        tmp_path,
        ("answers: [what, who, yes_no, names, list]", "answers: [what, who, when, yes_no]"),
    )
    knowledge = load_files(record, tiny_language_path)
    found = warnings(knowledge)
    assert any(w.startswith("award: answers lists 'when'") for w in found), found
    assert not any("answers lists 'who'" in w for w in found), found  # it names Varga
    assert "when" not in Brain(knowledge).topics["award"].answers
