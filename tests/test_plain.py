"""A kept brain holds the knowledge as plain objects (knowledge.plain), not pydantic models:
they must offer everything the models offer the brain."""

from __future__ import annotations

import inspect
import io
import pickle

import pydantic

from bot.brain import Brain, cache
from knowledge import models
from knowledge.loading import Knowledge


def test_every_method_of_a_model_is_on_its_plain_copy(brain: Brain) -> None:
    knowledge = brain.knowledge
    copy = _copied(knowledge)
    for name, kind in vars(models).items():
        if not (inspect.isclass(kind) and issubclass(kind, pydantic.BaseModel)):
            continue
        own = {
            attr
            for klass in kind.__mro__
            if klass.__module__.startswith("knowledge.")
            for attr, value in vars(klass).items()
            if not attr.startswith("_") and (callable(value) or isinstance(value, property))
        }
        own -= {"model_config"}
        # a new one: give the plain copy the same (knowledge.plain's RecordMethods...)
        assert own <= {"askables", "person", "all_stopwords"}, (name, own)
    assert [a.id for a in copy.record.askables()] == [a.id for a in knowledge.record.askables()]
    first = knowledge.record.people[0].id
    assert copy.record.person(first).name == knowledge.record.person(first).name
    assert copy.language.all_stopwords == knowledge.language.all_stopwords


def test_plain_copies_read_and_compare_as_the_models(brain: Brain) -> None:
    knowledge = brain.knowledge
    copy = _copied(knowledge)
    assert copy.record.visit.title == knowledge.record.visit.title
    assert copy.record.people[0] == _copied(knowledge).record.people[0]
    assert copy.record.people[0] != copy.record.people[1]
    assert copy.languages.keys() == knowledge.languages.keys()
    assert pickle.loads(pickle.dumps(copy.record)) == copy.record


def _copied(knowledge: Knowledge) -> Knowledge:
    buffer = io.BytesIO()
    cache._Pickler(buffer).dump(knowledge)
    copy = pickle.loads(buffer.getvalue())
    assert type(copy.record).__module__ == "knowledge.plain"
    return copy  # type: ignore[no-any-return]
