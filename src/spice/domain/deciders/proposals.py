"""Deciders of database settings and proposals (pull requests): open, comment, approve,
merge, close; and the guard that sends writes to a protected branch through a proposal.

A proposal's conversation is its own stream; who commented or approved, and when, is the
actor and time of each event. Merging a proposal is the branch merge itself (`merges`),
decided in the same command as the proposal's `ProposalMerged`, so it is the one write a
protected branch takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.deciders import merges
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from spice.domain.events import (
    DatabaseSettingsChanged,
    DomainEvent,
    ProposalApproved,
    ProposalClosed,
    ProposalCommented,
    ProposalMerged,
    ProposalOpened,
)

MAX_PROTECTED = 100
MAX_APPROVALS = 10
MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_PROPOSALS = 1_000_000
# Commands that write to their branch; refused on a protected one.
GUARDED = (
    c.CreateClass,
    c.UpdateClass,
    c.PatchClass,
    c.DeleteClass,
    c.CreateInstance,
    c.BulkCreateInstances,
    c.UpdateInstance,
    c.DeleteInstance,
    c.RestoreInstance,
    c.RunImport,
    c.ImportRows,
    c.DeleteImported,
    c.MergeBranch,
    c.RebaseBranch,
    c.RevertCommit,
    c.ResetBranch,
)


def settings(model: WriteModel, db: str) -> dict[str, Any]:
    """The database's settings (none protected, no approvals, until configured)."""
    state = model.require_database(db)
    found: dict[str, Any] = state.body.get("settings") or {}
    return {"protected_branches": [], "required_approvals": 0, **found}


def guard(model: WriteModel, command: c.Command) -> None:
    """Refuse a direct write to a protected branch (409 PROTECTED_BRANCH), and the deletion
    of one."""
    if isinstance(command, c.DeleteBranch):
        branch: Any = command.name
    elif isinstance(command, GUARDED):
        branch = command.branch
    else:
        return
    if not isinstance(command.database, str):
        return  # the decider refuses it with the right error
    state = model.load(names.database_aggregate(command.database))
    protected = (state.body.get("settings") or {}).get("protected_branches", [])
    if state.live and branch in protected:
        raise Conflict(
            f"branch {branch!r} is protected: write to another branch and open a proposal",
            {"branch": branch, "database": command.database},
            code="PROTECTED_BRANCH",
        )


def configure_database(
    model: WriteModel, command: c.ConfigureDatabase, _command_id: str
) -> Decision:
    state = model.require_database(command.database)
    db = str(state.body["name"])
    protected = command.protected_branches
    if not isinstance(protected, list) or len(protected) > MAX_PROTECTED:
        raise ValidationFailed(
            "protected_branches is a list of branch names",
            [field_error("protected_branches", "type", f"up to {MAX_PROTECTED} names", protected)],
        )
    for i, name in enumerate(protected):
        names.check_branch(name, f"protected_branches[{i}]")
    approvals = command.required_approvals
    if not isinstance(approvals, int) or isinstance(approvals, bool):
        approvals = -1
    if not 0 <= approvals <= MAX_APPROVALS:
        raise ValidationFailed(
            "required_approvals is a count of approvals",
            [
                field_error(
                    "required_approvals",
                    "range",
                    f"0..{MAX_APPROVALS}",
                    command.required_approvals,
                )
            ],
        )
    event = DatabaseSettingsChanged(db, sorted(set(protected)), approvals)
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, event)],
        {"database": db, **{k: v for k, v in event.to_data().items() if k != "database"}},
    )


def _text(value: Any, path: str, limit: int, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValidationFailed(
            f"{path} must be text of 1 to {limit} characters",
            [field_error(path, "type", f"text up to {limit}", value)],
        )
    return value


def open_proposal(model: WriteModel, command: c.OpenProposal, _command_id: str) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    target = names.check_branch(command.branch, "target")
    source = names.check_branch(command.source, "source")
    title = str(_text(command.title, "title", MAX_TITLE, True))
    description = _text(command.description, "description", MAX_TEXT, False)
    model.require_branch(db, target)
    model.require_branch(db, source)
    if source == target:
        raise ValidationFailed(
            f"a proposal merges a branch into another; {source!r} is both",
            [field_error("source", "same_branch", "another branch", source)],
        )
    number = len(model.store.stream_ids(names.proposal_prefix(db), "", MAX_PROPOSALS)) + 1
    event = ProposalOpened(db, number, source, target, title, description)
    return Decision(
        [Change(names.proposal_aggregate(db, number), 1, event)],
        {"database": db, "number": number, "source": source, "target": target},
    )


def _open(model: WriteModel, database: Any, number: Any) -> tuple[str, AggregateState]:
    db = str(model.require_database(database).body["name"])
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValidationFailed(
            "a proposal is named by its number", [field_error("number", "type", "1..", number)]
        )
    state = model.load(names.proposal_aggregate(db, number))
    if not state.exists:
        raise NotFound(f"proposal {number} not found in {db!r}", {"number": number})
    if state.body["status"] != "open":
        raise Conflict(
            f"proposal {number} is {state.body['status']}",
            {"number": number, "status": state.body["status"]},
        )
    return db, state


def _note(
    model: WriteModel,
    command: c.CommentProposal | c.ApproveProposal | c.CloseProposal,
    event: Callable[[str | None], DomainEvent],
    required: bool,
    **result: Any,
) -> Decision:
    """A comment, an approval or a closing of an open proposal, with its text."""
    db, state = _open(model, command.database, command.number)
    comment = _text(command.comment, "comment", MAX_TEXT, required)
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, event(comment))],
        {"database": db, "number": command.number, **result},
    )


def comment_proposal(model: WriteModel, command: c.CommentProposal, _command_id: str) -> Decision:
    return _note(model, command, lambda text: ProposalCommented(str(text)), required=True)


def approve_proposal(model: WriteModel, command: c.ApproveProposal, _command_id: str) -> Decision:
    """Approve an open proposal; its author cannot (403), whenever the approval runs."""
    if command.approver is not None:
        _, state = _open(model, command.database, command.number)
        if command.approver == state.created_by:
            raise Forbidden(
                "the author of a proposal cannot approve it",
                {"number": command.number, "author": state.created_by},
            )
    return _note(model, command, ProposalApproved, required=False)


def close_proposal(model: WriteModel, command: c.CloseProposal, _command_id: str) -> Decision:
    return _note(model, command, ProposalClosed, required=False, status="closed")


def approvers(model: WriteModel, aggregate_id: str) -> list[str]:
    """Who approved a proposal, each once, in order; never its author (an approval the
    author recorded before the rule was kept does not count)."""
    events = model.read_stream(aggregate_id)
    author = events[0].actor if events else None
    found = [
        e.actor for e in events if e.event_type == ProposalApproved.event_type and e.actor != author
    ]
    return list(dict.fromkeys(found))


def merge_proposal(model: WriteModel, command: c.MergeProposal, command_id: str) -> Decision:
    db, state = _open(model, command.database, command.number)
    needed = int(settings(model, db)["required_approvals"])
    given = approvers(model, state.aggregate_id)
    if len(given) < needed:
        raise Conflict(
            f"proposal {command.number} has {len(given)} of the {needed} approvals it needs",
            {"number": command.number, "approvals": len(given), "required": needed},
            code="APPROVALS_REQUIRED",
        )
    merge = c.MergeBranch(
        database=db,
        branch=state.body["target"],
        source=state.body["source"],
        strategy=command.strategy,
        resolutions=command.resolutions,
    )
    decided = merges.merge_branch(model, merge, command_id)
    merged = ProposalMerged(int(decided.result["source_position"]))
    return Decision(
        [*decided.changes, Change(state.aggregate_id, state.seq + 1, merged)],
        {**decided.result, "number": command.number, "approvals": given},
    )
