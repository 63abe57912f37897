"""Response bodies, as `/openapi.json` documents them: every route names its success body
and the error body, so clients and contract fuzzers know the real shapes.

Documents allow fields beyond the ones named here (a class definition grows with its
type parameters; a database carries what it was created with)."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ErrorBody(BaseModel):
    """Every error: 400, 401, 403, 404, 408, 409, 413, 422, 429, 503."""

    status: Literal["error"]
    code: str
    message: str
    details: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "Malformed request, or a Host header the server does not answer to",
        401: "Not signed in, or credentials that do not verify",
        403: "The caller's role does not allow it, or a page of an origin not allowed",
        404: "Not found",
        408: "Timed out waiting (a command or a read position)",
        409: "Conflict: expected_seq, a unique value, an Idempotency-Key, existing data",
        413: "Body too large",
        422: "Invalid values, one entry per field in details.errors",
        429: "Rate limited (Retry-After)",
        503: "A store is unavailable",
    }.items()
}


class Envelope(BaseModel, Generic[T]):
    """`{status, message, data}` of every success."""

    status: Literal["success"]
    message: str
    data: T


class AcceptedData(BaseModel):
    """The accepted command and where to follow it."""

    command_id: str
    status: str
    command_type: str
    status_url: str


class AcceptedBody(BaseModel):
    """202: the command is stored; follow it at `data.status_url`."""

    status: Literal["accepted"]
    message: str
    command_id: str
    data: AcceptedData


class CompletedData(BaseModel):
    """The completed command's result and its history of progress."""

    command_id: str
    status: str
    execution_time: float
    result: dict[str, Any] | None
    progress_history: list[dict[str, Any]]


class CompletedBody(BaseModel):
    """200 with `?wait=true`: the command completed (a failure answers with its error)."""

    status: Literal["success"]
    message: str
    command_id: str
    data: CompletedData


WRITE: dict[int | str, dict[str, Any]] = {
    200: {"model": CompletedBody, "description": "With ?wait=true: the command completed"},
    **ERRORS,
}


class Versioned(BaseModel):
    """Who changed a document last, when, and at which sequence and log position."""

    model_config = ConfigDict(extra="allow")
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int


class InstancePublic(Versioned):
    """An instance with its values under `data`."""

    id: str
    instance_id: str
    class_id: str
    database: str
    branch: str
    data: dict[str, Any]
    last_command_id: str
    last_event_id: str


class ClassPublic(Versioned):
    """A class definition in its canonical form."""

    id: str
    label: Any
    description: Any
    parent_class: str | None
    properties: list[dict[str, Any]]
    relationships: list[dict[str, Any]]
    title_key: str | None = None
    metadata: dict[str, Any] = {}
    database: str
    branch: str


class DatabasePublic(Versioned):
    """A database."""

    name: str
    description: str | None


class DatabaseFound(DatabasePublic):
    """A database, with `exists` as seed-era clients read it."""

    exists: bool


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


class Page(BaseModel, Generic[T]):
    """A page of items: `next_offset` is None on the last page."""

    items: list[T]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None


class InstancePage(Page[InstancePublic]):
    """A page of instances (also under `instances`)."""

    instances: list[InstancePublic]


class ClassPage(Page[ClassPublic]):
    """A page of classes (also under `classes` and the seed-era `ontologies`)."""

    classes: list[ClassPublic]
    ontologies: list[ClassPublic]


class DatabasePage(Page[DatabasePublic]):
    """A page of databases (also under `databases`)."""

    databases: list[DatabasePublic]


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


class MergePlan(BaseModel):
    """What a merge would do (`simulate`): its result and the events it would write."""

    model_config = ConfigDict(extra="allow")
    result: dict[str, Any]
    events: list[dict[str, Any]]


# A write that may be simulated: 200 is then its plan, else (with ?wait=true) the completed
# command.
SIMULATED: dict[int | str, dict[str, Any]] = {
    **WRITE,
    200: {
        "model": Envelope[MergePlan] | CompletedBody,
        "description": "simulated: what it would write; or, with ?wait=true, completed",
    },
}


class MergeBase(BaseModel):
    """The newest commit two refs both see (None when they share none)."""

    a: str
    b: str
    merge_base: CommitPublic | None


class InstanceChange(BaseModel):
    """One change of an instance: the event, who made it, its command and commit, the
    branch it was written on, and the values it set."""

    model_config = ConfigDict(extra="allow")
    sequence_number: int
    event_type: str
    time: str
    actor: str
    branch: str
    commit: str | None


class Timeline(Page[InstanceChange]):
    """An instance's changes, oldest first (also under `changes`)."""

    changes: list[InstanceChange]


class Replayed(BaseModel):
    """An instance's state rebuilt from the log, with `_metadata.command_history`."""

    model_config = ConfigDict(extra="allow")
    class_id: str
    instance_id: str
    sequence_number: int
    deleted: bool
    data: dict[str, Any]


class BlameLine(BaseModel):
    """A current value, the change that set it, and its chain of causes."""

    model_config = ConfigDict(extra="allow")
    property: str
    value: Any
    commit: str | None
    actor: str
    time: str
    causes: list[dict[str, Any]]


class Blame(BaseModel):
    class_id: str
    instance_id: str
    branch: str
    blame: list[BlameLine]


class BranchList(BaseModel):
    """The branches of a database."""

    branches: list[BranchPublic]
    total: int


class ExpectedSeq(BaseModel):
    """The sequence to send as `expected_seq`."""

    database: str
    aggregate_id: str
    expected_seq: int


class CommandStatusPublic(BaseModel):
    """A command's status with its history of transitions and its result or error."""

    command_id: str
    command_type: str
    status: Literal["PENDING", "PROCESSING", "RETRYING", "COMPLETED", "FAILED"]
    aggregate_id: str
    actor: str
    database: str | None
    created_at: str
    updated_at: str
    message: str
    progress: int
    history: list[dict[str, Any]]
    result: dict[str, Any] | None
    error: dict[str, Any] | None


class HealthData(BaseModel):
    """The log head, how far each follower has got, and the stores that can fail alone."""

    status: Literal["healthy", "degraded", "unhealthy"]
    problems: list[str]
    log_position: int | None
    command_worker_position: int | None
    projection_position: int
    read_model_generation: str | None
    search_position: int
    search_index: dict[str, Any]
    blob_store: dict[str, Any]


class ReadyCheck(BaseModel):
    """One check of readiness: a store (timed) or what carries writes on (with its lag)."""

    name: str
    ok: bool
    required: bool = Field(description="whether the process is not ready when it fails")
    took_ms: float
    reason: str = Field(default="", description="why it is not ok, in words")
    lag_events: int | None = Field(default=None, description="events of the log not handled")
    lag_seconds: float | None = Field(
        default=None, description="how long the oldest of them has waited"
    )


class ReadyData(BaseModel):
    """Whether this process can do its work now, and each check behind the answer."""

    ready: bool
    status: Literal["ready", "degraded", "not ready"]
    message: str
    log_position: int | None
    checks: list[ReadyCheck]


class InstanceCheck(BaseModel):
    """An instance as a create would store it."""

    valid: bool
    instance_id: str
    values: dict[str, Any]


class ClassCheck(BaseModel):
    """A class definition as a create or update would store it, with its impact."""

    valid: bool
    exists: bool
    definition: dict[str, Any]
    impact: dict[str, Any] | None = None


class ClassImpact(BaseModel):
    """What a class change would do to existing instances."""

    definition: dict[str, Any]
    impact: dict[str, Any]


class Links(BaseModel):
    """Links out of an instance and into it."""

    model_config = ConfigDict(extra="allow")
    outgoing: list[dict[str, Any]]
    incoming: list[dict[str, Any]]


class Cycles(BaseModel):
    """Cycles among the relationships of classes."""

    cycles: list[dict[str, Any]]
    count: int
    truncated: bool


class ClassPaths(BaseModel):
    """Paths between classes over relationships."""

    paths: list[dict[str, Any]]
    count: int
    truncated: bool


class SearchResult(BaseModel):
    """Hits, facets, a page with its cursor, warnings, and which index answered."""

    model_config = ConfigDict(extra="allow")
    hits: list[dict[str, Any]]
    total: int
    facets: dict[str, Any]
    page: dict[str, Any]
    warnings: list[dict[str, Any]]
    index: dict[str, Any]


class GraphResult(BaseModel):
    """Nodes with their data status, edges, paths, page, warnings and index summary."""

    model_config = ConfigDict(extra="allow")
    nodes: list[dict[str, Any]]
    edges: list[dict[str, str]]
    paths: list[dict[str, Any]] | None
    count: int
    page: dict[str, Any]
    warnings: list[dict[str, Any]]
    index_summary: dict[str, Any]


class GraphBody(Envelope[GraphResult]):
    """The result also at the top level, as seed-era clients read it."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, str]]
    paths: list[dict[str, Any]] | None
    warnings: list[dict[str, Any]]
    page: dict[str, Any]
    count: int


class TypeList(BaseModel):
    """The property types with their parameters."""

    types: list[dict[str, Any]]
    count: int


class WebSocketStats(BaseModel):
    """Open WebSocket connections and their command subscriptions."""

    connections: int
    subscriptions: int


class SeedStatus(BaseModel):
    """The seed's async status shape: GET /api/v1/ontology/{db}/async/command/{id}/status."""

    command_id: str
    status: str
    result: dict[str, Any]


class DatabaseSettings(BaseModel):
    """The settings of a database."""

    database: str
    protected_branches: list[str]
    required_approvals: int


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
