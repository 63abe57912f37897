"""Commands on proposals: open, comment, approve, merge and close one."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command, Payload


@dataclass(frozen=True, kw_only=True)
class OpenProposal(Command):
    """Propose merging `source` into the command's branch (the branch it forked from)."""

    command_type = "OPEN_PROPOSAL"
    source: str
    title: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommentProposal(Command):
    command_type = "COMMENT_PROPOSAL"
    number: int
    comment: str


@dataclass(frozen=True, kw_only=True)
class ApproveProposal(Command):
    command_type = "APPROVE_PROPOSAL"
    number: int
    comment: str | None = None
    # Who approves, as the API identified them (never taken from a request body): the
    # decider refuses the proposal's author. None in commands stored before it was kept.
    approver: str | None = None


@dataclass(frozen=True, kw_only=True)
class MergeProposal(Command):
    """Merge an open proposal (as `MergeBranch` does), once it has the approvals its target
    needs; the one way to write to a protected branch."""

    command_type = "MERGE_PROPOSAL"
    number: int
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CloseProposal(Command):
    command_type = "CLOSE_PROPOSAL"
    number: int
    comment: str | None = None
