"""Commands on instances of a class."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.commands.base import Command, Payload


@dataclass(frozen=True, kw_only=True)
class CreateInstance(Command):
    """Create an instance; its id comes from `instance_id`, the primary key, or the command."""

    command_type = "CREATE_INSTANCE"
    class_id: str
    data: Payload
    instance_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class BulkCreateInstances(Command):
    """Create many instances of one class at once, all or none."""

    command_type = "BULK_CREATE_INSTANCES"
    class_id: str
    instances: list[Payload]


@dataclass(frozen=True, kw_only=True)
class UpdateInstance(Command):
    """Change some values of an instance (None removes one)."""

    command_type = "UPDATE_INSTANCE"
    class_id: str
    instance_id: str
    data: Payload


@dataclass(frozen=True, kw_only=True)
class DeleteInstance(Command):
    """Delete an instance; its id is not used again on its branch (a restore brings the
    same instance back)."""

    command_type = "DELETE_INSTANCE"
    class_id: str
    instance_id: str


@dataclass(frozen=True, kw_only=True)
class RestoreInstance(Command):
    """Bring back an instance deleted on the command's branch (or inherited deleted), with
    the values it had when deleted or with `data` (checked as for a create against the
    class as it is now: its schema, links and unique values)."""

    command_type = "RESTORE_INSTANCE"
    class_id: str
    instance_id: str
    data: Payload | None = None
