"""Commands on branches: create and delete one, and the three-way changes (merge, rebase,
revert, reset) that write new events and never rewrite the log."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command, Payload


@dataclass(frozen=True, kw_only=True)
class CreateBranch(Command):
    """Create branch `name` from branch `from_branch` (the command's `branch`), at its head
    or as of log position `at_position`; nothing is copied."""

    command_type = "CREATE_BRANCH"
    name: str
    at_position: int | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteBranch(Command):
    """Delete branch `name` (never `main`, nor a branch another branch forked from)."""

    command_type = "DELETE_BRANCH"
    name: str


@dataclass(frozen=True, kw_only=True)
class MergeBranch(Command):
    """Merge branch `source` into the command's branch (any other), three way against
    their common ancestor. Conflicts fail the merge (`strategy` "fail"), or
    are settled for the target ("ours"), the source ("theirs"), or one by one in
    `resolutions` ({"Class/id" or "Class/id.property": "ours" | "theirs"})."""

    command_type = "MERGE_BRANCH"
    source: str
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RebaseBranch(Command):
    """Bring the changes the command's branch's parent made since the fork (or the last
    rebase) onto the branch, three-way, so that it differs from its parent's head only by
    its own changes. Conflicts are settled as for a merge: "ours" keeps the branch's value,
    "theirs" takes the parent's."""

    command_type = "REBASE_BRANCH"
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RevertCommit(Command):
    """Undo what commit `commit` changed, on the command's branch (which must see it), as
    new events. A later change to what the commit changed is a conflict, settled as for a
    merge: "ours" keeps the branch's value, "theirs" the value before the commit."""

    command_type = "REVERT_COMMIT"
    commit: str
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ResetBranch(Command):
    """Bring the classes and instances of the command's branch back to what they were at
    log position `to_position`, as new events (history is kept)."""

    command_type = "RESET_BRANCH"
    to_position: int
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)
