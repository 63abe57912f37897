"""Handlers of ontology class commands."""

from __future__ import annotations

from typing import Any

from spice.application.commands import Command
from spice.application.handlers.base import (
    Change,
    Decision,
    WriteModel,
    check_expected,
    require_absent,
)
from spice.application.schema.ontology import parse_class, referenced_classes
from spice.domain import events as ev
from spice.domain import names
from spice.domain.errors import ValidationFailed, field_error


def _check_references(model: WriteModel, db: str, branch: str, definition: dict[str, Any]) -> None:
    wanted = {c: names.class_aggregate(db, branch, c) for c in referenced_classes(definition)}
    live = model.live_heads(wanted.values())
    missing = sorted(c for c, agg in wanted.items() if agg not in live)
    if missing:
        raise ValidationFailed(
            f"unknown classes referenced: {', '.join(missing)}",
            [
                field_error("relationships", "unknown_target_class", "class not found", c)
                for c in missing
            ],
        )


def _definition(model: WriteModel, command: Command) -> tuple[str, dict[str, Any]]:
    db = str(command.database)
    model.require_branch(db, command.branch)
    definition = parse_class(command.payload)
    _check_references(model, db, command.branch, definition)
    return db, definition


def create_class(model: WriteModel, command: Command) -> Decision:
    db, definition = _definition(model, command)
    class_id = definition["id"]
    aggregate_id = names.class_aggregate(db, command.branch, class_id)
    require_absent(model.load(aggregate_id), f"class {class_id!r}")
    return Decision(
        [
            Change(
                "OntologyClass",
                aggregate_id,
                ev.CLASS_CREATED,
                1,
                {"class_id": class_id, "definition": definition},
            )
        ],
        {"class_id": class_id},
    )


def update_class(model: WriteModel, command: Command) -> Decision:
    db, definition = _definition(model, command)
    state = model.require_class(db, command.branch, definition["id"])
    check_expected(state, command.expected_seq)
    return Decision(
        [
            Change(
                "OntologyClass",
                state.aggregate_id,
                ev.CLASS_UPDATED,
                state.seq + 1,
                {"class_id": definition["id"], "definition": definition},
            )
        ],
        {"class_id": definition["id"]},
    )


def delete_class(model: WriteModel, command: Command) -> Decision:
    db = str(command.database)
    model.require_branch(db, command.branch)
    class_id = command.payload.get("class_id")
    state = model.require_class(db, command.branch, class_id)
    check_expected(state, command.expected_seq)
    return Decision(
        [
            Change(
                "OntologyClass",
                state.aggregate_id,
                ev.CLASS_DELETED,
                state.seq + 1,
                {"class_id": class_id},
            )
        ],
        {"class_id": class_id},
    )
