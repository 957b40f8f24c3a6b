"""The knowledge models' values as plain read-only objects, for a kept brain.

A kept brain (bot.brain.cache) holds the knowledge it was built from. Pickled as pydantic
models, loading it would import pydantic and build its validators: most of a cold
``visitbot ask``. The knowledge was checked when it was built, so the copy only needs to be
read: each model is kept as a plain object with the same name, fields and methods (the few
methods live here, shared with the models), and loading it needs none of pydantic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from knowledge.models import Agreements, Askable, Fact, Gap, Person, Statement, Target


class _RecordParts(Protocol):
    @property
    def people(self) -> list[Person]: ...
    @property
    def agreements(self) -> Agreements: ...
    @property
    def targets(self) -> list[Target]: ...
    @property
    def statements(self) -> list[Statement]: ...
    @property
    def facts(self) -> list[Fact]: ...
    @property
    def gaps(self) -> list[Gap]: ...


class _LanguageParts(Protocol):
    @property
    def stopwords(self) -> list[str]: ...
    @property
    def function_words(self) -> dict[str, list[str]]: ...


class RecordMethods:
    """What a record offers besides its fields (``knowledge.models.Record`` and its copy)."""

    __slots__ = ()

    def askables(self: _RecordParts) -> list[Askable]:
        """Every item a question can land on, in file order."""
        items: list[Askable] = [*self.people, *self.agreements.named]
        items += [*self.targets, *self.statements, *self.facts, *self.gaps]
        return items

    def person(self: _RecordParts, person_id: str) -> Person:
        return next(p for p in self.people if p.id == person_id)


class LanguageMethods:
    """What a language file offers besides its fields."""

    __slots__ = ()

    @property
    def all_stopwords(self: _LanguageParts) -> list[str]:
        """The stopwords, then every language's function words."""
        return [*self.stopwords, *(w for words in self.function_words.values() for w in words)]


class Plain:
    """A model's fields as read-only attributes; equal when of one kind with equal fields,
    as the frozen models are."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[Any, ...]:
        return make, (type(self).__name__, self._fields, self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._iter())
        return f"{type(self).__name__}({fields})"

    def _iter(self) -> Iterator[tuple[str, Any]]:
        for name in self._fields:
            yield name, getattr(self, name)


_METHODS: dict[str, type] = {"Record": RecordMethods, "Language": LanguageMethods}
_KINDS: dict[tuple[str, tuple[str, ...]], type[Plain]] = {}


def kind(name: str, fields: tuple[str, ...]) -> type[Plain]:
    """The plain class for model ``name`` with ``fields`` (made once per process)."""
    made = _KINDS.get((name, fields))
    if made is None:
        bases = (Plain, _METHODS[name]) if name in _METHODS else (Plain,)
        made = type(name, bases, {"__slots__": fields, "_fields": fields})
        _KINDS[name, fields] = made
    return made


def make(name: str, fields: tuple[str, ...], values: tuple[Any, ...]) -> Plain:
    """A plain copy of a model: how a kept brain's pickle rebuilds one."""
    obj = object.__new__(kind(name, fields))
    for field, value in zip(fields, values, strict=True):
        object.__setattr__(obj, field, value)
    return obj
