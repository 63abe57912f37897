"""Deciders of database commands."""

from __future__ import annotations

from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.commands import CreateDatabase, DeleteDatabase, PurgeDatabase, RestoreDatabase
from spice.domain.deciders.base import (
    Change,
    Decision,
    WriteModel,
    check_expected,
    require_absent,
)
from spice.domain.errors import Conflict, NotFound, ValidationFailed, field_error
from spice.domain.events import (
    BranchCreated,
    DatabaseCreated,
    DatabaseDeleted,
    DatabasePurged,
    DatabaseRestored,
    DomainEvent,
)


def create_database(model: WriteModel, command: CreateDatabase, _command_id: str) -> Decision:
    name = names.check_name("database", command.name, names.DATABASE_NAME, "name")
    description = command.description
    if description is not None and not isinstance(description, str):
        raise ValidationFailed(
            "invalid description", [field_error("description", "type", "a string", description)]
        )
    db_id = names.database_aggregate(name)
    require_absent(model.load(db_id), f"database {name!r}")
    branch_id = names.branch_aggregate(name, names.MAIN_BRANCH)
    return Decision(
        [
            Change(db_id, 1, DatabaseCreated(name, description)),
            Change(branch_id, 1, BranchCreated(name, names.MAIN_BRANCH, None, None)),
        ],
        {"database": name},
    )


def delete_database(model: WriteModel, command: DeleteDatabase, _command_id: str) -> Decision:
    state = model.require_database(command.database)
    check_expected(state, command.expected_seq)
    name = str(command.database)
    event = DatabaseDeleted(name, command.purge_after)
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, event)],
        {"database": name, "purge_after": command.purge_after},
    )


def _deleted(model: WriteModel, db: str | None) -> AggregateState:
    """A deleted database that was not purged (NotFound, or Conflict when it is live)."""
    name = names.check_name("database", db, names.DATABASE_NAME)
    state = model.load(names.database_aggregate(name))
    if state.live:
        raise Conflict(f"database {name!r} is not deleted", {"database": name})
    if not state.exists or state.body.get("purged") or not state.body.get("purge_after"):
        raise NotFound(
            f"database {name!r} not found (or purged: it cannot be restored)", {"database": name}
        )
    return state


def _on_deleted(
    model: WriteModel, command: RestoreDatabase | PurgeDatabase, event: DomainEvent
) -> Decision:
    """`event` on the stream of a deleted database that was not purged yet."""
    state = _deleted(model, command.database)
    check_expected(state, command.expected_seq)
    change = Change(state.aggregate_id, state.seq + 1, event)
    return Decision([change], {"database": str(command.database)})


def restore_database(model: WriteModel, command: RestoreDatabase, _command_id: str) -> Decision:
    return _on_deleted(model, command, DatabaseRestored(str(command.database)))


def purge_database(model: WriteModel, command: PurgeDatabase, _command_id: str) -> Decision:
    return _on_deleted(model, command, DatabasePurged(str(command.database)))
