"""Bodies of proposals."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from spice.entrypoints.api.responses.common import sometimes


class Said(BaseModel):
    """Who did something to a proposal, and when."""

    model_config = ConfigDict(extra="allow")
    by: str
    at: str


class Comment(Said):
    comment: str


class Approval(Said):
    """An approval; one by the proposal's author (`by_author`) counts for nothing."""

    comment: str | None
    by_author: bool


class Merged(Said):
    commit: str | None


class Closed(Said):
    comment: str | None


class ProposalPublic(BaseModel):
    """A proposal with its conversation; one read alone also carries `conflicts`,
    `mergeable`, `blocked` and `diff` (what merging it would change now)."""

    model_config = ConfigDict(extra="allow")
    number: int
    source: str
    target: str
    title: str
    description: str | None
    status: Literal["open", "merged", "closed"]
    author: str
    opened_at: str
    updated_at: str
    comments: list[Comment]
    approvals: list[Approval]
    merged: Merged | None
    closed: Closed | None
    approvals_required: int | None = sometimes("read alone: the approvals a merge needs")
    mergeable: bool | None = sometimes("read alone, while open: whether it can merge now")
    conflicts: list[dict[str, Any]] | None = sometimes(
        "read alone, while open: the conflicts a merge would meet"
    )


class ProposalPage(BaseModel):
    """A page of proposals, newest first."""

    model_config = ConfigDict(extra="allow")
    proposals: list[ProposalPublic]
    total: int
