"""The built brain kept in the store: used when knowledge and code are unchanged, rebuilt
when either changes or the copy is damaged, never a reason to fail."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.brain import Brain, cache
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD
from knowledge.store import open_store

QUESTIONS = ["how many deals", "tokayev award?", "kitne muahiday hue", "когда был визит?"]


def _texts(brain: Brain) -> list[str]:
    return [brain.answer(q).text for q in QUESTIONS]


def _kept_keys(store_path: Path) -> list[str]:
    store = open_store(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    try:
        return [row["key"] for row in store.db.query(f"select key from {cache.TABLE}")]
    finally:
        store.close()


def test_a_second_start_uses_the_kept_build_and_answers_alike(store_path: Path) -> None:
    first = Brain.open(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    assert first.store is not None
    kept = cache.load(first.store, cache.key_of(first.store), Brain)
    assert kept is not None and kept is not first
    second = Brain.open(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    assert second.store is not None and second.store is not first.store
    assert _texts(second) == _texts(first) == _texts(Brain(second.store.knowledge))


def test_a_damaged_copy_is_rebuilt(store_path: Path) -> None:
    brain = Brain.open(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    assert brain.store is not None
    with brain.store.db.conn:
        brain.store.db.execute(f"update {cache.TABLE} set value = x'00ff'")
    assert cache.load(brain.store, cache.key_of(brain.store), Brain) is None
    again = Brain.open(store_path, DEFAULT_RECORD, DEFAULT_LANGUAGE)
    assert _texts(again) == _texts(brain)


def test_changed_knowledge_keeps_only_the_new_build(store_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_RECORD.parent, folder)
    record = folder / DEFAULT_RECORD.name
    Brain.open(store_path, record, DEFAULT_LANGUAGE)
    (old_key,) = _kept_keys(store_path)
    record.write_text(record.read_text(encoding="utf-8") + "\n# a curator's note\n", "utf-8")
    Brain.open(store_path, record, DEFAULT_LANGUAGE)
    (new_key,) = _kept_keys(store_path)
    assert new_key != old_key
