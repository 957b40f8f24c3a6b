"""A cheaper ``dataclasses.replace`` for the brain's frozen dataclasses.

``replace`` reads every field, then runs the frozen ``__init__``, which sets each field
through ``object.__setattr__``: 5-10 us for an Answer or a Parsed, several times per
question part. Copying the instance's fields costs a fraction of that. It is only for frozen
dataclasses whose ``__init__`` does nothing but store its fields (no ``__post_init__``,
no ``InitVar``, no ``init=False`` field); anything else the instance keeps in its
``__dict__`` (a ``cached_property``: ``Parsed.subject``) is not copied, so it is made again
from the new fields on first use.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """``obj`` with ``changes`` to its fields, as ``dataclasses.replace`` gives it."""
    fields = type(obj).__dataclass_fields__  # type: ignore[attr-defined]
    if not fields.keys() >= changes.keys():
        unknown = ", ".join(sorted(changes.keys() - fields.keys()))
        raise TypeError(f"{type(obj).__name__} has no field {unknown}")
    new = object.__new__(type(obj))
    state = new.__dict__
    state.update(obj.__dict__)
    if len(state) > len(fields):  # a cached_property's value: made again when needed
        for name in state.keys() - fields.keys():
            del state[name]
    state.update(changes)
    return new
