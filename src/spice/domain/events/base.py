"""The base of every domain event: its stored `data` is its fields, key for key."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from spice.domain.envelope import AggregateType

Data = dict[str, Any]


@dataclass(frozen=True)
class DomainEvent:
    """A fact of one aggregate type, named in the past tense."""

    event_type: ClassVar[str]
    aggregate_type: ClassVar[AggregateType]
    schema_version: ClassVar[int] = 1

    def to_data(self) -> Data:
        return {name: getattr(self, name) for name in _field_names(type(self))}

    @classmethod
    def from_data(cls, data: Data) -> DomainEvent:
        """The event from data of the current shape; KeyError when a field is missing."""
        return cls(**{name: data[name] for name in _field_names(cls)})


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names
