"""Bodies of proposals."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


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
    comments: list[dict[str, Any]]
    approvals: list[dict[str, Any]]
    merged: dict[str, Any] | None
    closed: dict[str, Any] | None


class ProposalPage(BaseModel):
    """A page of proposals, newest first."""

    model_config = ConfigDict(extra="allow")
    proposals: list[ProposalPublic]
    total: int
