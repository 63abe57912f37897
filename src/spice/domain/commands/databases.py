"""Commands on a database: its life (create, delete, restore, purge), its settings and
who has which role on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command


@dataclass(frozen=True, kw_only=True)
class CreateDatabase(Command):
    """Create a database with its `main` branch."""

    command_type = "CREATE_DATABASE"
    name: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteDatabase(Command):
    """Delete a database: hidden at once, restorable until `purge_after` (ISO time), then
    purged; its name cannot be used again."""

    command_type = "DELETE_DATABASE"
    name: str
    purge_after: str


@dataclass(frozen=True, kw_only=True)
class RestoreDatabase(Command):
    """Bring back a deleted database that was not purged yet."""

    command_type = "RESTORE_DATABASE"
    name: str


@dataclass(frozen=True, kw_only=True)
class PurgeDatabase(Command):
    """Drop a deleted database's read models for good (before its grace period ends, or
    when it has: the purger's)."""

    command_type = "PURGE_DATABASE"
    name: str


@dataclass(frozen=True, kw_only=True)
class ConfigureDatabase(Command):
    """Set the database's settings: the branches written only through proposals, and how
    many approvals a proposal into one needs."""

    command_type = "CONFIGURE_DATABASE"
    protected_branches: list[str] = field(default_factory=list)
    required_approvals: int = 0


@dataclass(frozen=True, kw_only=True)
class GrantRole(Command):
    """Give `username` a role on the database: owner, editor or viewer."""

    command_type = "GRANT_ROLE"
    username: str
    role: str


@dataclass(frozen=True, kw_only=True)
class RevokeRole(Command):
    command_type = "REVOKE_ROLE"
    username: str
