"""Domain events: one frozen dataclass per fact, with the one registry that maps the names
stored in the log to classes and back, and the upcasters that read older shapes.

An event's fields are its stored `data`, key for key. `schema_version` is the shape it is
written in now; an envelope of an older version is upcast on read (`decode`) by the chain of
upcasters registered for its type, and is never rewritten in the log.

The events live in one module per kind of stream (`databases`: databases and branches,
`datasets`, `proposals`, `users`, `ontology`, `instances` with unique values, `commands`:
commands and their outcomes); `registry` holds `EVENT_TYPES`, the upcasters and `decode`.
Every name is importable from here.
"""

from __future__ import annotations

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
    InstanceEvent,
    InstanceRestored,
    InstanceUpdated,
    UniqueValueClaimed,
    UniqueValueEvent,
    UniqueValueReleased,
)
from spice.domain.events.ontology import ClassCreated, ClassDeleted, ClassEvent, ClassUpdated
from spice.domain.events.proposals import (
    ProposalApproved,
    ProposalClosed,
    ProposalCommented,
    ProposalMerged,
    ProposalOpened,
)
from spice.domain.events.registry import (
    DELETION_EVENTS,
    DELETIONS,
    EVENT_TYPES,
    UPCASTERS,
    UnknownEvent,
    decode,
    is_deletion,
    purges,
    upcast,
)
from spice.domain.events.users import ApiKeyIssued, ApiKeyRevoked, UserCreated, UserPasswordChanged

__all__ = [
    "ApiKeyIssued",
    "ApiKeyRevoked",
    "BranchCreated",
    "BranchDeleted",
    "BranchMerged",
    "BranchRebased",
    "ClassCreated",
    "ClassDeleted",
    "ClassEvent",
    "ClassUpdated",
    "CommandAccepted",
    "ConnectorDeleted",
    "ConnectorSaved",
    "CommandCompleted",
    "CommandFailed",
    "DELETIONS",
    "DELETION_EVENTS",
    "Data",
    "DatabaseCreated",
    "DatabaseDeleted",
    "DatabasePurged",
    "DatabaseRestored",
    "DatabaseRoleGranted",
    "DatabaseRoleRevoked",
    "DatabaseSettingsChanged",
    "DatasetVersionAdded",
    "DomainEvent",
    "EVENT_TYPES",
    "InstanceCreated",
    "InstanceDeleted",
    "InstanceEvent",
    "InstanceRestored",
    "InstanceUpdated",
    "MappingSaved",
    "ProposalApproved",
    "ProposalClosed",
    "ProposalCommented",
    "ProposalMerged",
    "ProposalOpened",
    "UPCASTERS",
    "UniqueValueClaimed",
    "UniqueValueEvent",
    "UniqueValueReleased",
    "UnknownEvent",
    "UserCreated",
    "UserPasswordChanged",
    "decode",
    "is_deletion",
    "purges",
    "upcast",
]
