"""Events of an ontology class's stream."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import Data, DomainEvent


@dataclass(frozen=True)
class ClassEvent(DomainEvent):
    """An event of one class's stream."""

    aggregate_type = AggregateType.ONTOLOGY_CLASS
    class_id: str


@dataclass(frozen=True)
class ClassCreated(ClassEvent):
    """A class and its canonical definition (see `spice.domain.ontology.classes`)."""

    event_type = "ClassCreated"
    schema_version = 2
    definition: Data


@dataclass(frozen=True)
class ClassUpdated(ClassEvent):
    """The whole new definition, with what changed in its fields."""

    event_type = "ClassUpdated"
    schema_version = 2
    definition: Data
    schema_changes: Data


@dataclass(frozen=True)
class ClassDeleted(ClassEvent):
    """A class was deleted."""

    event_type = "ClassDeleted"
