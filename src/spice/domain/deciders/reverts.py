"""Undoing without rewriting history: reverting one commit, and resetting a branch's content
to an earlier point. Both write new events on the branch (`three_way`); the log keeps
everything that happened, the reverted commit included.

Revert: for each class and instance the commit wrote, its value after the commit is the
base and its value before is what is wanted; a later change to the same property is a
conflict. Reset: every class and instance whose value on the branch differs from its value
at the point is brought back to it (nothing to conflict with but the branch's own rules).
An instance deleted since comes back with the values it had (`InstanceRestored`).
"""

from __future__ import annotations

from typing import Any

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.branching import Lineage
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.deciders.three_way import Sides, ThreeWay, body
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import NotFound, ValidationFailed, field_error
from spice.domain.events import CommandCompleted

REVERTIBLE = ("class", "inst")
MAX_COMMIT_ID = 200


def _commit_events(model: WriteModel, db: str, commit: str) -> tuple[EventEnvelope, list[Any]]:
    """The outcome of a completed command of `db` and the events it wrote."""
    stream = model.store.read_stream(names.command_aggregate(commit))
    outcome = next((e for e in stream if e.event_type == CommandCompleted.event_type), None)
    if outcome is None or outcome.metadata.get("database") != db:
        raise NotFound(f"commit {commit!r} not found in {db!r}", {"commit": commit})
    count = int(outcome.data.get("result", {}).get("event_count", 0))
    position = outcome.position or 0
    return outcome, list(model.store.read_all(position - count - 1, count))


def _sees(lineage: Lineage, branch: str, position: int) -> bool:
    """Whether a branch with this lineage sees what `branch` wrote at `position`."""
    return any(
        level.branch == branch and (level.until is None or position <= level.until)
        for level in lineage
    )


class Revert(ThreeWay):
    """A commit's changes, undone on the target."""

    def __init__(self, model: WriteModel, command: c.RevertCommit, command_id: str) -> None:
        super().__init__(model, command, command_id)
        db, target = self.db, self.target
        commit = command.commit
        if not isinstance(commit, str) or not 0 < len(commit) <= MAX_COMMIT_ID:
            raise ValidationFailed(
                "commit must be a commit id", [field_error("commit", "type", "commit id", commit)]
            )
        outcome, events = _commit_events(model, db, commit)
        source = str(outcome.metadata.get("branch") or names.MAIN_BRANCH)
        if not _sees(model.lineage(db, target), source, outcome.position or 0):
            raise ValidationFailed(
                f"commit {commit!r} is not in the history of branch {target!r}",
                [field_error("commit", "not_in_history", target, commit)],
            )
        self.ids = list(
            dict.fromkeys(
                e.aggregate_id
                for e in events
                if (names.branch_scope(e.aggregate_id) or ("",))[0] in REVERTIBLE
            )
        )
        if not self.ids:
            raise ValidationFailed(
                f"commit {commit!r} changed no class or instance: nothing to revert",
                [field_error("commit", "not_revertible", "classes or instances", commit)],
            )
        self.commit = commit
        self.first = min(e.position or 0 for e in events)
        self.last = outcome.position or 0

    def sides(self, aggregate_id: str) -> Sides:
        stream = self.stream(aggregate_id)
        before = [e for e in stream if (e.position or 0) < self.first]
        after = [e for e in stream if (e.position or 0) <= self.last]
        return body(replay(aggregate_id, after)), body(replay(aggregate_id, before))


class Reset(ThreeWay):
    """The target's classes and instances brought back to their values at a log position."""

    def __init__(self, model: WriteModel, command: c.ResetBranch, command_id: str) -> None:
        super().__init__(model, command, command_id)
        point = command.to_position
        head = model.store.head_position()
        if not isinstance(point, int) or isinstance(point, bool) or not 0 <= point <= head:
            raise ValidationFailed(
                "to_position must be a log position up to the head",
                [field_error("to_position", "range", f"0..{head}", point)],
            )
        self.point = point

    def changed(self) -> list[str]:
        """The classes and instances the target sees that were written after the point."""
        return self.written_after(self.target, lambda _branch: self.point)

    def sides(self, aggregate_id: str) -> Sides:
        stream = self.stream(aggregate_id)
        then = [e for e in stream if (e.position or 0) <= self.point]
        return body(replay(aggregate_id, stream)), body(replay(aggregate_id, then))


def revert_commit(model: WriteModel, command: c.RevertCommit, command_id: str) -> Decision:
    revert = Revert(model, command, command_id)
    revert.bring(revert.ids)
    revert.refuse_conflicts(f"reverting {revert.commit!r} on {revert.target!r}")
    return Decision(
        revert.staged.changes,
        {**revert.summary(), "branch": revert.target, "reverted": revert.commit},
    )


def reset_branch(model: WriteModel, command: c.ResetBranch, command_id: str) -> Decision:
    reset = Reset(model, command, command_id)
    reset.bring(reset.changed())
    reset.refuse_conflicts(f"resetting {reset.target!r} to position {reset.point}")
    return Decision(
        reset.staged.changes,
        {**reset.summary(), "branch": reset.target, "to_position": reset.point},
    )
