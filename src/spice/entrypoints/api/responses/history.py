"""Bodies of history: commits, diffs between refs, and merge bases."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import Page


class CommitEvents(BaseModel):
    """Where a commit's events are in the log."""

    count: int
    first_position: int | None
    last_position: int | None


class CommitPublic(BaseModel):
    """A commit: a completed command, with who made it, when, why, and what it wrote."""

    model_config = ConfigDict(extra="allow")
    id: str
    commit_id: str
    parent: str | None
    database: str
    branch: str
    author: str
    time: str
    message: str | None
    command_type: str
    position: int
    events: CommitEvents
    classes: list[str]


class CommitPage(Page[CommitPublic]):
    """A page of commits, newest first (also under `commits`)."""

    commits: list[CommitPublic]


class DiffCounts(BaseModel):
    added: int
    removed: int
    changed: int


class SchemaDiff(BaseModel):
    """Classes added and removed (their definitions), and changed (what changed)."""

    counts: DiffCounts
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]


class DataDiff(BaseModel):
    """Instances added, removed and changed, counted, then a page of them by (class, id)."""

    counts: DiffCounts
    total: int
    items: list[dict[str, Any]]
    offset: int
    limit: int
    next_offset: int | None


class Diff(BaseModel):
    """What changed from one ref (`from`) to another (`to`)."""

    model_config = ConfigDict(populate_by_name=True)
    from_: dict[str, Any] = Field(alias="from")
    to: dict[str, Any]
    schema_: SchemaDiff = Field(alias="schema")
    data: DataDiff


class MergeBase(BaseModel):
    """The newest commit two refs both see (None when they share none)."""

    a: str
    b: str
    merge_base: CommitPublic | None
