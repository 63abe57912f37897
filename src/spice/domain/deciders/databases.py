"""Deciders of database commands."""

from __future__ import annotations

from spice.domain import names
from spice.domain.commands import CreateDatabase, DeleteDatabase
from spice.domain.deciders.base import (
    Change,
    Decision,
    WriteModel,
    check_expected,
    require_absent,
)
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import BranchCreated, DatabaseCreated, DatabaseDeleted


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
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, DatabaseDeleted(name))], {"database": name}
    )
