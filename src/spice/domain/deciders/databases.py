"""Handlers of database commands."""

from __future__ import annotations

from spice.domain import events as ev
from spice.domain import names
from spice.domain.commands import Command
from spice.domain.deciders.base import (
    Change,
    Decision,
    WriteModel,
    check_expected,
    require_absent,
)
from spice.domain.errors import ValidationFailed, field_error


def create_database(model: WriteModel, command: Command) -> Decision:
    payload = command.payload
    name = names.check_name("database", payload.get("name"), names.DATABASE_NAME, "name")
    description = payload.get("description")
    if description is not None and not isinstance(description, str):
        raise ValidationFailed(
            "invalid description", [field_error("description", "type", "a string", description)]
        )
    db_id = names.database_aggregate(name)
    require_absent(model.load(db_id), f"database {name!r}")
    branch_id = names.branch_aggregate(name, names.MAIN_BRANCH)
    return Decision(
        [
            Change(
                "Database",
                db_id,
                ev.DATABASE_CREATED,
                1,
                {"name": name, "description": description},
            ),
            Change(
                "Branch",
                branch_id,
                ev.BRANCH_CREATED,
                1,
                {"database": name, "name": names.MAIN_BRANCH, "from_branch": None},
            ),
        ],
        {"database": name},
    )


def delete_database(model: WriteModel, command: Command) -> Decision:
    state = model.require_database(command.database)
    check_expected(state, command.expected_seq)
    return Decision(
        [
            Change(
                "Database",
                state.aggregate_id,
                ev.DATABASE_DELETED,
                state.seq + 1,
                {"name": command.database},
            )
        ],
        {"database": command.database},
    )
