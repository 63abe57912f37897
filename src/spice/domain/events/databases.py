"""Events of databases and their branches: the database's stream (creation, deletion,
settings, roles) and each branch's stream."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import DomainEvent


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
class BranchDeleted(DomainEvent):
    """A branch was deleted; its name cannot be used again in its database."""

    event_type = "BranchDeleted"
    aggregate_type = AggregateType.BRANCH
    database: str
    name: str


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
