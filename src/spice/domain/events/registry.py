"""The one registry of events: the names stored in the log mapped to classes, the
upcasters that read older shapes, and decoding an envelope into its typed event."""

from __future__ import annotations

from collections.abc import Callable

from spice.domain.envelope import EventEnvelope
from spice.domain.events.base import Data, DomainEvent
from spice.domain.events.commands import CommandAccepted, CommandCompleted, CommandFailed
from spice.domain.events.connectors import ConnectorDeleted, ConnectorSaved
from spice.domain.events.databases import (
    BranchCreated,
    BranchDeleted,
    BranchMerged,
    BranchRebased,
    DatabaseCreated,
    DatabaseDeleted,
    DatabasePurged,
    DatabaseRestored,
    DatabaseRoleGranted,
    DatabaseRoleRevoked,
    DatabaseSettingsChanged,
)
from spice.domain.events.datasets import DatasetVersionAdded, MappingSaved
from spice.domain.events.instances import (
    InstanceCreated,
    InstanceDeleted,
    InstanceRestored,
    InstanceUpdated,
    UniqueValueClaimed,
    UniqueValueReleased,
)
from spice.domain.events.ontology import ClassCreated, ClassDeleted, ClassUpdated
from spice.domain.events.proposals import (
    ProposalApproved,
    ProposalClosed,
    ProposalCommented,
    ProposalMerged,
    ProposalOpened,
)
from spice.domain.events.users import ApiKeyIssued, ApiKeyRevoked, UserCreated, UserPasswordChanged

EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.event_type: cls
    for cls in (
        DatabaseCreated,
        DatabaseDeleted,
        DatabaseRestored,
        DatabasePurged,
        BranchCreated,
        BranchDeleted,
        BranchMerged,
        BranchRebased,
        DatabaseSettingsChanged,
        DatabaseRoleGranted,
        DatabaseRoleRevoked,
        DatasetVersionAdded,
        MappingSaved,
        ConnectorSaved,
        ConnectorDeleted,
        ProposalOpened,
        ProposalCommented,
        ProposalApproved,
        ProposalMerged,
        ProposalClosed,
        UserCreated,
        UserPasswordChanged,
        ApiKeyIssued,
        ApiKeyRevoked,
        ClassCreated,
        ClassUpdated,
        ClassDeleted,
        InstanceCreated,
        InstanceUpdated,
        InstanceDeleted,
        InstanceRestored,
        UniqueValueClaimed,
        UniqueValueReleased,
        CommandAccepted,
        CommandCompleted,
        CommandFailed,
    )
}
DELETIONS: tuple[type[DomainEvent], ...] = (
    DatabaseDeleted,
    DatabasePurged,
    BranchDeleted,
    ClassDeleted,
    InstanceDeleted,
    ApiKeyRevoked,
    ConnectorDeleted,
)
DELETION_EVENTS = frozenset(cls.event_type for cls in DELETIONS)


# Upcasters: (event_type, version read) -> data of the next version.


def _class_definition_v1(data: Data) -> Data:
    """Version 1 definitions had no `title_key` and no class `metadata`."""
    definition = {"title_key": None, "metadata": {}, **data["definition"]}
    return {**data, "definition": definition}


def _instance_updated_v1(data: Data) -> Data:
    """Version 1 wrote `migration: true` on migrated changes and nothing otherwise."""
    return {**data, "migration": bool(data.get("migration", False))}


def _database_deleted_v1(data: Data) -> Data:
    """Version 1 deletions were final at once."""
    return {**data, "purge_after": None}


def _branch_created_v1(data: Data) -> Data:
    """Version 1 branches were only `main`, which has no fork."""
    return {**data, "fork_position": None}


UPCASTERS: dict[tuple[str, int], Callable[[Data], Data]] = {
    (BranchCreated.event_type, 1): _branch_created_v1,
    (DatabaseDeleted.event_type, 1): _database_deleted_v1,
    (ClassCreated.event_type, 1): _class_definition_v1,
    (ClassUpdated.event_type, 1): _class_definition_v1,
    (InstanceUpdated.event_type, 1): _instance_updated_v1,
}


class UnknownEvent(LookupError):
    """The log holds an event type (or version) this release does not know."""


def upcast(event_type: str, version: int, data: Data) -> Data:
    """`data` of `event_type` written at `version`, brought to the current shape."""
    cls = EVENT_TYPES.get(event_type)
    if cls is None or version > cls.schema_version:
        raise UnknownEvent(f"{event_type} version {version}")
    while version < cls.schema_version:
        data = UPCASTERS[(event_type, version)](data)
        version += 1
    return data


def decode(envelope: EventEnvelope) -> DomainEvent:
    """The typed event an envelope stores, in its current shape."""
    cls = EVENT_TYPES.get(envelope.event_type)
    if cls is not None and envelope.schema_version == cls.schema_version:
        return cls.from_data(envelope.data)
    data = upcast(envelope.event_type, envelope.schema_version, envelope.data)
    return EVENT_TYPES[envelope.event_type].from_data(data)


def purges(fact: DomainEvent) -> bool:
    """Whether an event drops a database's read models: a purge, or a deletion written
    before deletions could be restored."""
    return isinstance(fact, DatabasePurged) or (
        isinstance(fact, DatabaseDeleted) and fact.purge_after is None
    )


def is_deletion(envelope: EventEnvelope) -> bool:
    return envelope.event_type in DELETION_EVENTS
