"""Events of an instance's stream, and of the streams of the unique values an instance
claims in the same append as its write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spice.domain.envelope import AggregateType
from spice.domain.events.base import Data, DomainEvent


@dataclass(frozen=True)
class InstanceEvent(DomainEvent):
    """An event of one instance's stream."""

    aggregate_type = AggregateType.INSTANCE
    class_id: str
    instance_id: str


@dataclass(frozen=True)
class InstanceCreated(InstanceEvent):
    """An instance with its normalised values."""

    event_type = "InstanceCreated"
    values: Data


@dataclass(frozen=True)
class InstanceUpdated(InstanceEvent):
    """`changes` holds the new values; None removes a value. `migration` marks changes a
    class change made (schema evolution), not a write to the instance."""

    event_type = "InstanceUpdated"
    schema_version = 2
    changes: Data
    migration: bool = False


@dataclass(frozen=True)
class InstanceDeleted(InstanceEvent):
    """An instance was deleted; its id is not created again on its branch (a restore
    brings the same instance back)."""

    event_type = "InstanceDeleted"


@dataclass(frozen=True)
class InstanceRestored(InstanceEvent):
    """An instance deleted on its branch lives again there with these values (a restore,
    or a revert, reset or merge that brings it back); its history goes on."""

    event_type = "InstanceRestored"
    values: Data


@dataclass(frozen=True)
class UniqueValueEvent(DomainEvent):
    """An event of the stream of one unique value (of `property` of `class_id`)."""

    aggregate_type = AggregateType.UNIQUE_VALUE
    class_id: str
    property: str
    value: Any
    instance: str


@dataclass(frozen=True)
class UniqueValueClaimed(UniqueValueEvent):
    """`instance` ("Class/id") holds `value` of a unique property or 1:1 link."""

    event_type = "UniqueValueClaimed"


@dataclass(frozen=True)
class UniqueValueReleased(UniqueValueEvent):
    """`instance` no longer holds `value`."""

    event_type = "UniqueValueReleased"
