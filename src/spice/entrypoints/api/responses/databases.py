"""Bodies of databases, their branches and settings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import Page, Versioned


class DatabasePublic(Versioned):
    """A database."""

    name: str
    description: str | None


class DatabaseFound(DatabasePublic):
    """A database, with `exists` as seed-era clients read it."""

    exists: bool


class DatabasePage(Page[DatabasePublic]):
    """A page of databases (also under `databases`)."""

    databases: list[DatabasePublic]


class BranchPublic(Versioned):
    """A branch of a database: `main`, or one forked from `from_branch` at log position
    `fork_position` (it sees its parent as of then, plus its own writes)."""

    database: str
    name: str
    from_branch: str | None
    fork_position: int | None = None
    rebased_position: int | None = Field(
        default=None, description="the parent's head it last took in by a rebase"
    )
    head: str | None = Field(default=None, description="the id of its newest commit")
    ahead: int | None = Field(default=None, description="commits it has that its parent lacks")
    behind: int | None = Field(
        default=None, description="commits its parent made since the fork or the last rebase"
    )


class BranchList(BaseModel):
    """The branches of a database."""

    branches: list[BranchPublic]
    total: int


class ExpectedSeq(BaseModel):
    """The sequence to send as `expected_seq`."""

    database: str
    aggregate_id: str
    expected_seq: int


class DatabaseSettings(BaseModel):
    """The settings of a database."""

    database: str
    protected_branches: list[str]
    required_approvals: int


class Roles(BaseModel):
    """Who has which role on a database; its creator is an owner without a grant."""

    model_config = ConfigDict(extra="allow")
    database: str
    created_by: str | None
    roles: dict[str, Literal["owner", "editor", "viewer"]]
