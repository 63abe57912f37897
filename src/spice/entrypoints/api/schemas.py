"""Request bodies (shape only; the domain checks the rules and reports each field)."""

from __future__ import annotations

from typing import Any, Literal

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from spice.domain import names
from spice.domain.ontology.classes import MAX_METADATA_BYTES, MAX_METADATA_KEYS


class DatabaseCreate(BaseModel):
    """A database to create."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=63)
    description: str | None = Field(default=None, max_length=10_000)


class BranchCreate(BaseModel):
    """A branch to create from `from_branch`, at its head or as of `at` (a log position, an
    ISO time or a commit id). Nothing is copied."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["feature/whatif"])
    from_branch: str = Field(default=names.MAIN_BRANCH, min_length=1, max_length=100)
    at: str | int | None = Field(default=None, examples=[None, 42, "2026-11-26T09:00:00Z"])


class _ThreeWayRequest(BaseModel):
    """How conflicts are settled: they fail the command (409 listing them) unless
    `strategy` is "ours" (the target's side) or "theirs" (the side brought in), or
    `resolutions` settles them one by one ({"Class/id" or "Class/id.property": "ours" |
    "theirs"}). `simulate` answers what the command would write and writes nothing."""

    model_config = ConfigDict(extra="forbid")
    strategy: Literal["fail", "ours", "theirs"] = "fail"
    resolutions: dict[str, Literal["ours", "theirs"]] = Field(
        default_factory=dict, max_length=10_000
    )
    simulate: bool = False
    message: str | None = Field(default=None, max_length=2000, description="commit message")


class MergeRequest(_ThreeWayRequest):
    """Merge `source` into `target` (any other branch), three-way."""

    source: str = Field(min_length=1, max_length=100, examples=["feature/whatif"])
    target: str = Field(default=names.MAIN_BRANCH, min_length=1, max_length=100)


class RebaseRequest(_ThreeWayRequest):
    """Bring the parent's changes since the fork (or the last rebase) onto `branch`;
    "ours" keeps the branch's value where both changed, "theirs" takes the parent's."""

    branch: str = Field(min_length=1, max_length=100, examples=["feature/whatif"])


class RevertRequest(_ThreeWayRequest):
    """Undo commit `commit` on `branch` (which must see it) with new events; "theirs" takes
    the value from before the commit where the branch changed it since."""

    commit: str = Field(min_length=1, max_length=200)
    branch: str = Field(default=names.MAIN_BRANCH, min_length=1, max_length=100)


class ResetRequest(_ThreeWayRequest):
    """Bring `branch`'s classes and instances back to what they were at `to` (a log
    position, an ISO time or a commit id) with new events; history is kept."""

    branch: str = Field(min_length=1, max_length=100, examples=["feature/whatif"])
    to: str = Field(min_length=1, max_length=100, examples=["2026-11-26T10:00:00Z"])


class SettingsRequest(BaseModel):
    """The database's settings: writes to `protected_branches` go only through proposals,
    which merge once they have `required_approvals` approvals."""

    model_config = ConfigDict(extra="forbid")
    protected_branches: list[str] = Field(
        default_factory=lambda: [names.MAIN_BRANCH], max_length=100, examples=[["main"]]
    )
    required_approvals: int = Field(default=0, ge=0, le=10)


class ProposalRequest(BaseModel):
    """Propose merging `source` into `target` (any other branch)."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=100, examples=["feature/whatif"])
    target: str = Field(default=names.MAIN_BRANCH, min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)


class ProposalNote(BaseModel):
    """A comment (required when commenting, optional when approving or closing)."""

    model_config = ConfigDict(extra="forbid")
    comment: str | None = Field(default=None, min_length=1, max_length=10_000)


class ProposalMergeRequest(_ThreeWayRequest):
    """Merge the proposal's source into its target (conflicts settled as for a merge)."""


class ClassDefinition(BaseModel):
    """An ontology class; see the type list for property types."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=100)
    label: Any = None  # a string or {language: text}; checked with the rest of the class
    description: Any = None
    parent_class: Any = None
    properties: list[dict[str, Any]] = Field(default_factory=list)
    relationships: list[dict[str, Any]] = Field(default_factory=list)


class WriteMetadata(BaseModel):
    """Why and from where a write was made, as seed-era clients send it. `reason` and
    `source` are recorded in the metadata of every event the write causes; other keys
    (client_ip, user_agent, ...) stay with the stored command."""

    model_config = ConfigDict(extra="allow")
    reason: str | None = Field(default=None, max_length=1000)
    source: str | None = Field(default=None, max_length=1000)
    message: str | None = Field(default=None, max_length=2000, description="commit message")

    @model_validator(mode="after")
    def _bounded(self) -> WriteMetadata:
        extra = self.model_extra or {}
        if len(extra) > MAX_METADATA_KEYS:
            raise ValueError(f"at most {MAX_METADATA_KEYS} keys")
        try:
            size = len(orjson.dumps(self.model_dump()))
        except TypeError as exc:  # an integer beyond 64 bits: JSON we could not store
            raise ValueError(f"cannot be stored: {exc} (integers must fit in 64 bits)") from None
        if size > MAX_METADATA_BYTES:
            raise ValueError(f"at most {MAX_METADATA_BYTES} bytes as JSON")
        return self

    def recorded(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


def recorded(metadata: WriteMetadata | None, message: str | None = None) -> dict[str, Any] | None:
    """What a write body says of itself: its metadata and its commit message."""
    out = metadata.recorded() if metadata is not None else {}
    if message:
        out["message"] = message
    return out or None


class ClassPatch(BaseModel):
    """Part of a class definition: only the fields sent change."""

    model_config = ConfigDict(extra="allow")
    id: str | None = Field(default=None, min_length=1, max_length=100)
    label: Any = None
    description: Any = None
    parent_class: Any = None
    properties: list[dict[str, Any]] | None = None
    relationships: list[dict[str, Any]] | None = None


class InstanceCreate(BaseModel):
    """An instance to create, with why and from where (`metadata`)."""

    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any]
    instance_id: str | None = Field(default=None, max_length=255)
    metadata: WriteMetadata | None = None
    message: str | None = Field(default=None, max_length=2000, description="commit message")


class InstanceUpdate(BaseModel):
    """Values to change (None removes one), with why and from where (`metadata`)."""

    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any]
    metadata: WriteMetadata | None = None
    message: str | None = Field(default=None, max_length=2000, description="commit message")


class InstanceRestore(BaseModel):
    """A deleted instance to bring back: with the values it had, or with `data` (its
    primary key values unchanged)."""

    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any] | None = None
    metadata: WriteMetadata | None = None
    message: str | None = Field(default=None, max_length=2000, description="commit message")


class BulkCreate(BaseModel):
    """Instances of one class to create together."""

    model_config = ConfigDict(extra="forbid")
    instances: list[dict[str, Any]] = Field(min_length=1, max_length=100_000)
    metadata: WriteMetadata | None = None
    message: str | None = Field(default=None, max_length=2000, description="commit message")


def page(items: list[Any], total: int, offset: int, limit: int) -> dict[str, Any]:
    next_offset = offset + len(items) if offset + len(items) < total else None
    return {
        "items": items,
        "count": len(items),
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": next_offset,
    }


def success(data: Any, message: str = "OK") -> dict[str, Any]:
    return {"status": "success", "message": message, "data": data}


def large_success(
    data: Any, message: str = "OK", top_level: dict[str, Any] | None = None
) -> Response:
    """`success` rendered straight to JSON bytes, for answers of thousands of values: the
    framework would otherwise validate the whole body against `dict[str, Any]` first.
    `top_level` adds keys beside `status`, `message` and `data`."""
    body = orjson.dumps(
        {**(top_level or {}), **success(data, message)}, option=orjson.OPT_NON_STR_KEYS
    )
    return Response(body, media_type="application/json")


class SearchBody(BaseModel):
    """A search: full text, filters, sort, facets and a page (see the filter forms below)."""

    model_config = ConfigDict(extra="forbid")
    query: str = Field(default="", max_length=1000, description="full text; CJK works")
    class_id: str | None = Field(default=None, max_length=100, description="and subclasses")
    filter: dict[str, Any] | None = Field(
        default=None,
        description='{"term": {"f": v}}, {"in": {"f": [v]}}, {"range": {"f": {"gte": x}}}, '
        '{"exists": "f"}, {"and": [..]}, {"or": [..]}, {"not": {..}}, or {"f": v, ...}',
    )
    sort: str | None = Field(default=None, max_length=200, description="a property path")
    order: Literal["asc", "desc"] = "asc"
    facets: list[str] = Field(default_factory=list, max_length=20)
    facet_size: int = Field(default=20, ge=1, le=1000)
    limit: int = Field(default=20, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=10_000)
    cursor: str | None = Field(default=None, max_length=500)
    highlight: bool = True


class HopBody(BaseModel):
    """One hop of a graph query."""

    model_config = ConfigDict(extra="forbid")
    predicate: str = Field(min_length=1, max_length=100)
    target_class: str | None = Field(default=None, max_length=100)
    reverse: bool = False


class GraphQueryBody(BaseModel):
    """Paths from instances of `start_class` through `hops`; limit/offset page over the
    start nodes that have a complete path."""

    model_config = ConfigDict(extra="forbid")
    start_class: str = Field(min_length=1, max_length=100)
    hops: list[HopBody] = Field(default_factory=list, max_length=10)
    filters: dict[str, Any] | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=1_000_000)
    max_nodes: int = Field(default=1000, ge=1, le=10_000)
    max_edges: int = Field(default=5000, ge=1, le=50_000)
    no_cycles: bool = True
    include_paths: bool = False
    max_paths: int = Field(default=100, ge=1, le=10_000)
    include_documents: bool = True
    include_provenance: bool = False
    include_audit: bool = Field(
        default=False,
        description="each node carries `audit`: who created and last changed it, when, and "
        "by which command (seed-era clients send it with every query)",
    )


class SimpleGraphQueryBody(BaseModel):
    """The instances of one class matching filters, with their index status."""

    model_config = ConfigDict(extra="forbid")
    class_name: str = Field(min_length=1, max_length=100)
    filters: dict[str, Any] | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=1_000_000)
    include_documents: bool = True
    include_audit: bool = Field(
        default=False, description="each node carries `audit`, as in the multi-hop query"
    )
