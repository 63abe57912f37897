"""Domain events: one frozen dataclass per fact, with the one registry that maps the names
stored in the log to classes and back, and the upcasters that read older shapes.

An event's fields are its stored `data`, key for key. `schema_version` is the shape it is
written in now; an envelope of an older version is upcast on read (`decode`) by the chain of
upcasters registered for its type, and is never rewritten in the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from spice.domain.envelope import AggregateType, EventEnvelope

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


# Databases and branches


@dataclass(frozen=True)
class DatabaseCreated(DomainEvent):
    """A database came into being."""

    event_type = "DatabaseCreated"
    aggregate_type = AggregateType.DATABASE
    name: str
    description: str | None


@dataclass(frozen=True)
class DatabaseDeleted(DomainEvent):
    """A database was deleted: hidden from every read and write, and restorable until
    `purge_after` (an ISO time), when it is purged. None (as every deletion before
    version 2 was): purged at once."""

    event_type = "DatabaseDeleted"
    aggregate_type = AggregateType.DATABASE
    schema_version = 2
    name: str
    purge_after: str | None


@dataclass(frozen=True)
class DatabaseRestored(DomainEvent):
    """A deleted database that was not purged yet lives again, as it was."""

    event_type = "DatabaseRestored"
    aggregate_type = AggregateType.DATABASE
    name: str


@dataclass(frozen=True)
class DatabasePurged(DomainEvent):
    """A deleted database's documents, edges and search index were dropped for good (the
    log keeps its events); its name is not used again."""

    event_type = "DatabasePurged"
    aggregate_type = AggregateType.DATABASE
    name: str


@dataclass(frozen=True)
class BranchCreated(DomainEvent):
    """A branch of a database; `from_branch` is None for `main`. A branch sees its parent
    as of `fork_position` (the log position it forked at) plus its own events."""

    event_type = "BranchCreated"
    aggregate_type = AggregateType.BRANCH
    schema_version = 2
    database: str
    name: str
    from_branch: str | None
    fork_position: int | None


@dataclass(frozen=True)
class BranchMerged(DomainEvent):
    """Branch `name` was merged into `into` as of log position `source_position` (the next
    merge starts from there); `commits` are the branch's commits it brought."""

    event_type = "BranchMerged"
    aggregate_type = AggregateType.BRANCH
    database: str
    name: str
    into: str
    source_position: int
    commits: list[str]


@dataclass(frozen=True)
class BranchRebased(DomainEvent):
    """Branch `name` took in its parent `onto`'s changes up to log position `position`:
    from then on it differs from its parent only by its own changes, and its next merge
    into `onto` and next rebase start from there."""

    event_type = "BranchRebased"
    aggregate_type = AggregateType.BRANCH
    database: str
    name: str
    onto: str
    position: int


@dataclass(frozen=True)
class DatabaseSettingsChanged(DomainEvent):
    """The database's settings now: writes to `protected_branches` go through proposals,
    which merge after `required_approvals` approvals."""

    event_type = "DatabaseSettingsChanged"
    aggregate_type = AggregateType.DATABASE
    database: str
    protected_branches: list[str]
    required_approvals: int


@dataclass(frozen=True)
class DatabaseRoleGranted(DomainEvent):
    """`username` now has `role` on the database (owner, editor or viewer), in place of
    any role they had."""

    event_type = "DatabaseRoleGranted"
    aggregate_type = AggregateType.DATABASE
    database: str
    username: str
    role: str


@dataclass(frozen=True)
class DatabaseRoleRevoked(DomainEvent):
    event_type = "DatabaseRoleRevoked"
    aggregate_type = AggregateType.DATABASE
    database: str
    username: str


@dataclass(frozen=True)
class DatasetVersionAdded(DomainEvent):
    """Version `version` of dataset `name`: the file's bytes are the blob `blob_key`
    (content-addressed by `sha256`); `tables` are what was read from it (name, columns,
    row count), `detected` how (encoding, delimiter, sheets), `source` where it came from."""

    event_type = "DatasetVersionAdded"
    aggregate_type = AggregateType.DATASET
    database: str
    name: str
    version: int
    sha256: str
    blob_key: str
    filename: str
    format: str
    size: int
    source: str
    tables: list[Data]
    detected: Data


@dataclass(frozen=True)
class MappingSaved(DomainEvent):
    """Version `version` of mapping `name`: `spec` says how dataset columns become classes,
    properties and links."""

    event_type = "MappingSaved"
    aggregate_type = AggregateType.MAPPING
    database: str
    name: str
    version: int
    spec: Data


# Proposals: who did what is the envelope's actor and time.


@dataclass(frozen=True)
class ProposalOpened(DomainEvent):
    """Proposal `number` asks to merge `source` into `target`."""

    event_type = "ProposalOpened"
    aggregate_type = AggregateType.PROPOSAL
    database: str
    number: int
    source: str
    target: str
    title: str
    description: str | None


@dataclass(frozen=True)
class ProposalCommented(DomainEvent):
    event_type = "ProposalCommented"
    aggregate_type = AggregateType.PROPOSAL
    comment: str


@dataclass(frozen=True)
class ProposalApproved(DomainEvent):
    event_type = "ProposalApproved"
    aggregate_type = AggregateType.PROPOSAL
    comment: str | None


@dataclass(frozen=True)
class ProposalMerged(DomainEvent):
    """The proposal's source was merged into its target by the same command."""

    event_type = "ProposalMerged"
    aggregate_type = AggregateType.PROPOSAL
    source_position: int


@dataclass(frozen=True)
class ProposalClosed(DomainEvent):
    """Closed without merging."""

    event_type = "ProposalClosed"
    aggregate_type = AggregateType.PROPOSAL
    comment: str | None


# Users and their API keys: the log is where credentials live too, so every change to
# who may do what is an event with its actor and time. Only hashes are stored.


@dataclass(frozen=True)
class UserCreated(DomainEvent):
    """A user who signs in with a password (`password_hash`: argon2id)."""

    event_type = "UserCreated"
    aggregate_type = AggregateType.USER
    username: str
    password_hash: str
    admin: bool


@dataclass(frozen=True)
class UserPasswordChanged(DomainEvent):
    """The user's password changed; tokens issued before it no longer refresh."""

    event_type = "UserPasswordChanged"
    aggregate_type = AggregateType.USER
    username: str
    password_hash: str


@dataclass(frozen=True)
class ApiKeyIssued(DomainEvent):
    """A key a service uses in place of a user's password (`secret_hash`: SHA-256 of the
    random secret, which is shown once)."""

    event_type = "ApiKeyIssued"
    aggregate_type = AggregateType.API_KEY
    key_id: str
    username: str
    name: str
    secret_hash: str


@dataclass(frozen=True)
class ApiKeyRevoked(DomainEvent):
    """The key no longer authenticates anyone (final)."""

    event_type = "ApiKeyRevoked"
    aggregate_type = AggregateType.API_KEY
    key_id: str


@dataclass(frozen=True)
class BranchDeleted(DomainEvent):
    """A branch was deleted; its name cannot be used again in its database."""

    event_type = "BranchDeleted"
    aggregate_type = AggregateType.BRANCH
    database: str
    name: str


# Ontology classes


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


# Instances


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


# Unique values: claimed by an instance in the same append as its write


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


# Commands and their outcomes, in the stream of each command


@dataclass(frozen=True)
class CommandAccepted(DomainEvent):
    """A command as a client sent it (see `spice.domain.commands.IssuedCommand`)."""

    event_type = "CommandAccepted"
    aggregate_type = AggregateType.COMMAND
    command_type: str
    database: str | None
    branch: str
    payload: Data
    expected_seq: int | None


@dataclass(frozen=True)
class CommandCompleted(DomainEvent):
    """The command's events were appended in the same transaction as this outcome."""

    event_type = "CommandCompleted"
    aggregate_type = AggregateType.COMMAND
    result: Data


@dataclass(frozen=True)
class CommandFailed(DomainEvent):
    """The command was refused or could not run: `error` is {code, message, details, kind}."""

    event_type = "CommandFailed"
    aggregate_type = AggregateType.COMMAND
    error: Data


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
