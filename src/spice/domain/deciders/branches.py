"""Deciders of branch commands: a branch is one event naming its parent and fork point;
nothing of the parent is copied."""

from __future__ import annotations

from spice.domain import names
from spice.domain.commands import CreateBranch, DeleteBranch
from spice.domain.deciders.base import Change, Decision, WriteModel, check_expected, require_absent
from spice.domain.errors import Conflict, NotFound, ValidationFailed, field_error
from spice.domain.events import BranchCreated, BranchDeleted


def create_branch(model: WriteModel, command: CreateBranch, _command_id: str) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    parent = names.check_branch(command.branch, "from_branch")
    name = names.check_branch(command.name, "name")
    model.require_branch(db, parent)
    head = model.store.head_position()
    at = command.at_position
    if at is not None and (not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= head):
        raise ValidationFailed(
            "the fork point must be a position of the log",
            [field_error("at_position", "range", f"0..{head}", at)],
        )
    fork = head if at is None else at
    # A branch cannot fork from its parent before the parent itself began.
    began = model.store.read_stream(names.branch_aggregate(db, parent))[0].position or 0
    if fork < began:
        raise ValidationFailed(
            f"branch {parent!r} did not exist at position {fork}",
            [field_error("at_position", "range", f"{began}..{head}", at)],
        )
    aggregate_id = names.branch_aggregate(db, name)
    require_absent(model.load(aggregate_id), f"branch {name!r}")
    event = BranchCreated(db, name, parent, fork)
    return Decision(
        [Change(aggregate_id, 1, event)],
        {"database": db, "branch": name, "from_branch": parent, "fork_position": fork},
    )


def delete_branch(model: WriteModel, command: DeleteBranch, _command_id: str) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    name = names.check_branch(command.name, "name")
    if name == names.MAIN_BRANCH:
        raise Conflict("the main branch cannot be deleted", {"branch": name})
    state = model.load(names.branch_aggregate(db, name))
    if not state.live:
        raise NotFound(f"branch {name!r} not found in {db!r}", {"branch": name})
    check_expected(state, command.expected_seq)
    children = [
        child
        for child in model.live_heads(
            model.store.stream_ids(names.branch_aggregate(db, ""), "", 100_000)
        )
        if model.load(child).body.get("from_branch") == name
    ]
    if children:
        raise Conflict(
            f"branch {name!r} has branches forked from it; delete them first",
            {"branch": name, "children": sorted(c.rpartition(":")[2] for c in children)},
        )
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, BranchDeleted(db, name))],
        {"database": db, "branch": name},
    )
