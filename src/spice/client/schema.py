"""The API's schemas as TypedDicts, generated from its OpenAPI document by
scripts/client_schema.py (datamodel-code-generator). Do not edit: run the script again."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict


class AcceptedData(TypedDict):
    command_id: str
    status: str
    command_type: str
    status_url: str


class Approval(TypedDict):
    by: str
    at: str
    comment: str | None
    by_author: bool


class AuditEntry(TypedDict):
    position: int
    at: str
    actor: str
    command_id: str
    command_type: str
    database: str | None
    branch: str | None
    outcome: Literal["COMPLETED", "FAILED", "PENDING"]
    finished_at: str | None
    error_code: str | None
    address: str | None
    via: str | None
    request_id: str | None
    message: str | None


class AuditPage(TypedDict):
    entries: list[AuditEntry]
    next_after: int
    scanned: int
    complete: bool


class BodyUploadApiV1DatabasesDbDatasetsNameVersionsPost(TypedDict):
    file: str
    source: NotRequired[str | None]


class BranchCreate(TypedDict):
    name: str
    from_branch: NotRequired[str]
    at: NotRequired[str | int | None]


class BranchPublic(TypedDict):
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int
    database: str
    name: str
    from_branch: str | None
    fork_position: NotRequired[int | None]
    rebased_position: NotRequired[int | None]
    head: NotRequired[str | None]
    ahead: NotRequired[int | None]
    behind: NotRequired[int | None]


class ClassCounts(TypedDict):
    updated: NotRequired[int | None]
    unchanged: NotRequired[int | None]
    deleted: NotRequired[int | None]
    rows: int
    created: int
    skipped: int
    refused: int


class ClassDefinition(TypedDict):
    id: str
    label: NotRequired[Any]
    description: NotRequired[Any]
    parent_class: NotRequired[Any]
    properties: NotRequired[list[dict[str, Any]]]
    relationships: NotRequired[list[dict[str, Any]]]


class ClassPatch(TypedDict):
    id: NotRequired[str | None]
    label: NotRequired[Any]
    description: NotRequired[Any]
    parent_class: NotRequired[Any]
    properties: NotRequired[list[dict[str, Any]] | None]
    relationships: NotRequired[list[dict[str, Any]] | None]


class Closed(TypedDict):
    by: str
    at: str
    comment: str | None


class CommandCause(TypedDict):
    kind: Literal["command"]
    command_id: str
    command_type: str | None
    actor: str
    accepted_at: str
    request_id: str | None
    reason: str | None
    source: str | None
    message: str | None


class CommandError(TypedDict):
    code: str
    message: str
    details: NotRequired[dict[str, Any] | None]
    kind: NotRequired[str | None]


class Comment(TypedDict):
    by: str
    at: str
    comment: str


class CommitCause(TypedDict):
    kind: Literal["commit"]
    commit: str | None
    branch: str
    inherited: bool


class CommitEvents(TypedDict):
    count: int
    first_position: int | None
    last_position: int | None


class CommitPublic(TypedDict):
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


class Cycle(TypedDict):
    classes: list[str]
    predicates: list[str]
    all_required: bool
    length: int


class Cycles(TypedDict):
    cycles: list[Cycle]
    count: int
    truncated: bool


class DatabaseCreate(TypedDict):
    name: str
    description: NotRequired[str | None]


class DatabaseFound(TypedDict):
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int
    name: str
    description: str | None
    exists: bool


class DatabasePublic(TypedDict):
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int
    name: str
    description: str | None


class DatabaseSettings(TypedDict):
    database: str
    protected_branches: list[str]
    required_approvals: int


class DatasetCell(TypedDict):
    dataset: str | None
    version: int | None
    sha256: str | None
    table: str | None
    row: int | None
    column: str | list[str]


class DatasetRead(TypedDict):
    dataset: str
    version: int
    sha256: str
    table: str


class DateParams(TypedDict):
    format: str


class Detected(TypedDict):
    encoding: NotRequired[str | None]
    delimiter: NotRequired[str | None]
    sheets: NotRequired[list[str] | None]


class DiffCounts(TypedDict):
    added: int
    removed: int
    changed: int


class DiffEnd(TypedDict):
    ref: str
    branch: str
    position: int | None


class EnumParams(TypedDict):
    values: list[str]


class EnvelopeAuditPage(TypedDict):
    status: Literal["success"]
    message: str
    data: AuditPage


class EnvelopeBranchPublic(TypedDict):
    status: Literal["success"]
    message: str
    data: BranchPublic


class EnvelopeCommitPublic(TypedDict):
    status: Literal["success"]
    message: str
    data: CommitPublic


class EnvelopeCycles(TypedDict):
    status: Literal["success"]
    message: str
    data: Cycles


class EnvelopeDatabaseFound(TypedDict):
    status: Literal["success"]
    message: str
    data: DatabaseFound


class EnvelopeDatabaseSettings(TypedDict):
    status: Literal["success"]
    message: str
    data: DatabaseSettings


class ErrorBody(TypedDict):
    status: Literal["error"]
    code: str
    message: str
    details: dict[str, Any]


class EventCause(TypedDict):
    kind: Literal["event"]
    event_id: str
    event_type: str
    position: int


class ExpectedSeq(TypedDict):
    database: str
    aggregate_id: str
    expected_seq: int


class FacetBucket(TypedDict):
    value: str | int | float | bool | None
    count: int


class FieldError(TypedDict):
    path: str
    code: str
    message: str
    value: Any


class FromUrl(TypedDict):
    url: str


class GraphEdge(TypedDict):
    from_node: str
    to_node: str
    predicate: str


class GraphPage(TypedDict):
    limit: int
    offset: int
    next_offset: int | None


class GraphPath(TypedDict):
    nodes: list[str]
    predicates: list[str]


class HopBody(TypedDict):
    predicate: str
    target_class: NotRequired[str | None]
    reverse: NotRequired[bool]


class ImportRequest(TypedDict):
    mapping: str
    mode: NotRequired[Literal["create", "append", "upsert", "snapshot"]]
    mapping_version: NotRequired[int | None]
    allow_partial: NotRequired[bool]


class IncomingLink(TypedDict):
    predicate: str
    via: str
    source: str


class IndexSummary(TypedDict):
    source: Literal["search_index", "document_store"]
    graph_position: int
    search_position: int | None
    lag_events: int | None
    statuses: dict[str, int]


class IndexedStatus(TypedDict):
    last_indexed_at: str | None
    index_age_seconds: float | None
    event_sequence: int


class InlineData(TypedDict):
    data: list[list[Any]]
    columns: list[str]
    class_name: NotRequired[str | None]
    include_complex_types: NotRequired[bool]


class InstanceAdded(TypedDict):
    class_id: str
    instance_id: str
    change: Literal["added"]
    values: dict[str, Any]
    new_sequence: int


class InstanceChange(TypedDict):
    sequence_number: int
    event_type: str
    event_id: str
    position: int
    time: str
    actor: str
    branch: str
    command_id: str | None
    commit: str | None
    command_type: str | None
    message: str | None
    reason: str | None
    source: str | None
    values: NotRequired[dict[str, Any] | None]
    changes: NotRequired[dict[str, Any] | None]
    provenance: NotRequired[dict[str, Any] | None]


class InstanceCheck(TypedDict):
    valid: bool
    instance_id: str
    values: dict[str, Any]


class InstancePublic(TypedDict):
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int
    id: str
    instance_id: str
    class_id: str
    database: str
    branch: str
    data: dict[str, Any]
    last_command_id: str
    last_event_id: str


class InstanceRemoved(TypedDict):
    class_id: str
    instance_id: str
    change: Literal["removed"]
    values: dict[str, Any]
    old_sequence: int


class IssuedKey(TypedDict):
    key_id: str
    username: str
    name: str
    aggregate_id: str
    sequence_number: int
    event_count: int
    position: int
    key: str


class KeyIssuedData(TypedDict):
    command_id: str
    status: str
    execution_time: float
    result: IssuedKey
    progress_history: list[dict[str, Any]]


class Login(TypedDict):
    username: str
    password: str


class Me(TypedDict):
    username: str
    admin: bool
    method: str


class MergeBase(TypedDict):
    a: str
    b: str
    merge_base: CommitPublic | None


class MergePlan(TypedDict):
    result: dict[str, Any]
    events: list[dict[str, Any]]


class MergeRequest(TypedDict):
    strategy: NotRequired[Literal["fail", "ours", "theirs"]]
    resolutions: NotRequired[dict[str, Literal["ours", "theirs"]]]
    simulate: NotRequired[bool]
    message: NotRequired[str | None]
    source: str
    target: NotRequired[str]


class Merged(TypedDict):
    by: str
    at: str
    commit: str | None


class MoneyParams(TypedDict):
    currency: str | None


class NewKey(TypedDict):
    name: str
    username: NotRequired[str | None]


class NewPassword(TypedDict):
    password: str
    current_password: NotRequired[str | None]


class NewUser(TypedDict):
    username: str
    password: str
    admin: NotRequired[bool]


class NodeAudit(TypedDict):
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    last_command_id: str
    sequence_number: int


class NodeDocument(TypedDict):
    id: str
    instance_id: str
    class_id: str
    sequence_number: int
    indexed_at: str | None
    data: dict[str, Any]


class NodeProvenance(TypedDict):
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    last_command_id: str
    sequence_number: int
    position: int
    last_event_id: str


class OntologyRequest(TypedDict):
    datasets: NotRequired[list[str] | None]


class OutgoingLink(TypedDict):
    predicate: str
    target: str


PathStep = TypedDict(
    "PathStep",
    {
        "from": str,
        "predicate": str,
        "to": str,
        "direction": Literal["out", "in"],
    },
)


class Preview(TypedDict):
    dataset: str
    version: int
    table: str
    columns: list[str]
    rows: list[list[str | None]]
    total: int
    offset: int
    next_offset: int | None


class ProgressPoint(TypedDict):
    timestamp: str
    elapsed_time: float
    status: Literal["PENDING", "PROCESSING", "RETRYING", "COMPLETED", "FAILED"]
    progress: int


class Property(TypedDict):
    name: str
    type: str
    constraints: dict[str, Any]
    required: bool
    unique: bool
    primary_key: bool
    default: Any
    label: str | dict[str, str] | None
    description: str | dict[str, str] | None


class ProposalMergeRequest(TypedDict):
    strategy: NotRequired[Literal["fail", "ours", "theirs"]]
    resolutions: NotRequired[dict[str, Literal["ours", "theirs"]]]
    simulate: NotRequired[bool]
    message: NotRequired[str | None]


class ProposalNote(TypedDict):
    comment: NotRequired[str | None]


class ProposalPublic(TypedDict):
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
    approvals_required: NotRequired[int | None]
    mergeable: NotRequired[bool | None]
    conflicts: NotRequired[list[dict[str, Any]] | None]


class ProposalRequest(TypedDict):
    source: str
    target: NotRequired[str]
    title: str
    description: NotRequired[str | None]


class ReadWarning(TypedDict):
    code: str
    message: str


class ReadyCheck(TypedDict):
    name: str
    ok: bool
    required: bool
    took_ms: float
    reason: NotRequired[str]
    lag_events: NotRequired[int | None]
    lag_seconds: NotRequired[float | None]


class ReadyData(TypedDict):
    ready: bool
    status: Literal["ready", "degraded", "not ready"]
    message: str
    log_position: int | None
    checks: list[ReadyCheck]


class RebaseRequest(TypedDict):
    strategy: NotRequired[Literal["fail", "ours", "theirs"]]
    resolutions: NotRequired[dict[str, Literal["ours", "theirs"]]]
    simulate: NotRequired[bool]
    message: NotRequired[str | None]
    branch: str


class Refresh(TypedDict):
    refresh_token: str


class Relationship(TypedDict):
    predicate: str
    target: str
    cardinality: Literal["1:1", "n:1", "1:n", "n:n"]
    required: bool
    inverse: str | None
    label: str | dict[str, str] | None
    description: str | dict[str, str] | None


Renamed = TypedDict(
    "Renamed",
    {
        "from": str,
        "to": str,
    },
)


class Replayed(TypedDict):
    class_id: str
    instance_id: str
    sequence_number: int
    deleted: bool
    data: dict[str, Any]


class ResetRequest(TypedDict):
    strategy: NotRequired[Literal["fail", "ours", "theirs"]]
    resolutions: NotRequired[dict[str, Literal["ours", "theirs"]]]
    simulate: NotRequired[bool]
    message: NotRequired[str | None]
    branch: str
    to: str


class RevertRequest(TypedDict):
    strategy: NotRequired[Literal["fail", "ours", "theirs"]]
    resolutions: NotRequired[dict[str, Literal["ours", "theirs"]]]
    simulate: NotRequired[bool]
    message: NotRequired[str | None]
    commit: str
    branch: NotRequired[str]


class RoleGrant(TypedDict):
    role: Literal["owner", "editor", "viewer"]


class Roles(TypedDict):
    database: str
    created_by: str | None
    roles: dict[str, Literal["owner", "editor", "viewer"]]


class RowError(TypedDict):
    path: str
    code: str
    message: str
    value: Any
    column: str | list[str] | None


class Schedule(TypedDict):
    every_seconds: NotRequired[int | None]
    cron: NotRequired[str | None]


class SchemaChanges(TypedDict):
    added: list[str]
    removed: list[str]
    renamed: list[Renamed]
    changed: list[str]


class SearchBody(TypedDict):
    query: NotRequired[str]
    class_id: NotRequired[str | None]
    filter: NotRequired[dict[str, Any] | None]
    sort: NotRequired[str | None]
    order: NotRequired[Literal["asc", "desc"]]
    facets: NotRequired[list[str]]
    facet_size: NotRequired[int]
    limit: NotRequired[int]
    offset: NotRequired[int]
    cursor: NotRequired[str | None]
    highlight: NotRequired[bool]


class SearchHit(TypedDict):
    id: str
    instance_id: str
    class_id: str
    branch: str
    data: dict[str, Any]
    sequence_number: int
    position: int
    score: float | None
    highlights: dict[str, list[str]]


class SearchIndexHealth(TypedDict):
    ok: bool
    reason: str | None
    generation: NotRequired[str | None]
    indexes: NotRequired[int | None]


class SearchIndexInfo(TypedDict):
    source: Literal["search_index", "search_index_overlay", "document_store"]
    position: int | None
    read_model_position: int
    lag_events: int | None


class SearchPage(TypedDict):
    limit: int
    offset: int
    next_cursor: str | None


class SearchResult(TypedDict):
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetBucket]]
    page: SearchPage
    warnings: list[ReadWarning]
    index: SearchIndexInfo


class SeedStatus(TypedDict):
    command_id: str
    status: str
    result: dict[str, Any]


class SettingsRequest(TypedDict):
    protected_branches: NotRequired[list[str]]
    required_approvals: NotRequired[int]


class SimpleGraphQueryBody(TypedDict):
    class_name: str
    filters: NotRequired[dict[str, Any] | None]
    limit: NotRequired[int]
    offset: NotRequired[int]
    include_documents: NotRequired[bool]
    include_audit: NotRequired[bool]


class SourceCause(TypedDict):
    dataset: str | None
    version: int | None
    sha256: str | None
    table: str | None
    row: int | None
    column: str | list[str]
    kind: Literal["source"]


class StoreHealth(TypedDict):
    ok: bool
    reason: str | None


class SuggestedLink(TypedDict):
    dataset: str
    column: str
    target_dataset: str
    target_column: str
    cardinality: Literal["1:1", "n:1"]
    confidence: float
    containment: float
    predicate: str


class SuggestedMetadata(TypedDict):
    composite_key: list[str]


class SuggestedProperty(TypedDict):
    name: str
    type: str
    label: str | dict[str, str]
    values: NotRequired[list[str] | None]
    currencies: NotRequired[list[str] | None]
    required: NotRequired[bool | None]
    primary_key: NotRequired[bool | None]


class SuggestedRelationship(TypedDict):
    predicate: str
    target: str
    cardinality: Literal["1:1", "n:1"]


class SuggestedSchema(TypedDict):
    status: str
    message: str
    suggested_schema: dict[str, Any]
    analysis: dict[str, Any]


class SuggestedSourceLink(TypedDict):
    predicate: str
    column: str
    target: str


class SyncCounts(TypedDict):
    created: int
    updated: int
    unchanged: int
    deleted: int
    skipped: int
    refused: int


class SyncRecord(TypedDict):
    at: float
    ok: bool
    command_id: NotRequired[str | None]
    error: NotRequired[str | None]
    trigger: NotRequired[str | None]
    changed: NotRequired[bool | None]
    version: NotRequired[int | None]
    imported: NotRequired[bool | None]
    totals: NotRequired[SyncCounts | None]


class SyncStatePublic(TypedDict):
    last_poll: float | None
    last_change: float | None
    last_success: float | None
    last_failure: float | None
    last_error: str | None
    failing_since: float | None
    attempts: int
    next_run: float | None
    next_retry: float | None
    cursor: dict[str, str | int | float | bool | dict[str, str] | None]
    last_command: str | None
    history: list[SyncRecord]


class TableSummary(TypedDict):
    name: str
    columns: list[str]
    rows: int


class ThenImport(TypedDict):
    mapping: str
    mode: NotRequired[Literal["create", "append", "upsert", "snapshot"]]
    branch: NotRequired[str]
    allow_partial: NotRequired[bool]


class Timeline(TypedDict):
    items: list[InstanceChange]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None
    changes: list[InstanceChange]


class Tokens(TypedDict):
    access_token: str
    refresh_token: str
    token_type: NotRequired[str]
    expires_in: int


class Tombstoned(TypedDict):
    tombstoned: Literal[True]


class Transform(TypedDict):
    op: str


class Transition(TypedDict):
    status: Literal["PENDING", "PROCESSING", "RETRYING", "COMPLETED", "FAILED"]
    timestamp: str
    message: NotRequired[str | None]
    progress: NotRequired[int | None]


class TypeCandidate(TypedDict):
    type: str
    confidence: float


class TypeInfo(TypedDict):
    name: str
    description: str
    parameters: dict[str, str]
    example: Any
    normal_form: Any


class TypeList(TypedDict):
    types: list[TypeInfo]
    count: int


class ValueChange(TypedDict):
    property: str
    old: Any
    new: Any


class ValueCount(TypedDict):
    value: str
    count: int


class Violation(TypedDict):
    instance: str
    errors: list[FieldError]


class WebSocketStats(TypedDict):
    connections: int
    subscriptions: int


class WriteMetadata(TypedDict):
    reason: NotRequired[str | None]
    source: NotRequired[str | None]
    message: NotRequired[str | None]


class AcceptedBody(TypedDict):
    status: Literal["accepted"]
    message: str
    command_id: str
    data: AcceptedData


Causes: TypeAlias = EventCause | SourceCause | CommandCause | CommitCause


class BlameLine(TypedDict):
    property: str
    value: Any
    sequence_number: int
    event_id: str
    command_id: str | None
    commit: str | None
    actor: str
    time: str
    branch: str
    message: str | None
    cell: NotRequired[DatasetCell | None]
    causes: list[Causes]


class BranchList(TypedDict):
    branches: list[BranchPublic]
    total: int


class BulkCreate(TypedDict):
    instances: list[dict[str, Any]]
    metadata: NotRequired[WriteMetadata | None]
    message: NotRequired[str | None]


class ClassPath(TypedDict):
    classes: list[str]
    steps: list[PathStep]
    length: int


class ClassPaths(TypedDict):
    paths: list[ClassPath]
    count: int
    truncated: bool


class ClassPublic(TypedDict):
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int
    id: str
    label: str | dict[str, str] | None
    description: str | dict[str, str] | None
    parent_class: str | None
    properties: list[Property]
    relationships: list[Relationship]
    title_key: NotRequired[str | None]
    metadata: NotRequired[dict[str, Any]]
    database: str
    branch: str


class ColumnProfile(TypedDict):
    name: str
    count: int
    nulls: int
    null_ratio: float
    distinct: int
    distinct_ratio: float
    numeric: bool
    min: float | str | None
    max: float | str | None
    top_values: list[ValueCount]
    samples: list[str]


class CommandStatusPublic(TypedDict):
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
    history: list[Transition]
    result: dict[str, Any] | None
    error: CommandError | None


class CommitPage(TypedDict):
    items: list[CommitPublic]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None
    commits: list[CommitPublic]


class CompletedData(TypedDict):
    command_id: str
    status: str
    execution_time: float
    result: dict[str, Any] | None
    progress_history: list[ProgressPoint]


ConnectorPublic = TypedDict(
    "ConnectorPublic",
    {
        "name": str,
        "database": str,
        "version": int,
        "kind": Literal["google_sheets", "http_file", "postgresql", "s3"],
        "config": dict[str, Any],
        "dataset": str,
        "schedule": dict[str, int | str] | None,
        "import": ThenImport | None,
        "state": SyncStatePublic,
    },
)


ConnectorRequest = TypedDict(
    "ConnectorRequest",
    {
        "kind": Literal["google_sheets", "http_file", "postgresql", "s3"],
        "config": dict[str, Any],
        "dataset": str,
        "schedule": NotRequired[Schedule | None],
        "import": NotRequired[ThenImport | None],
    },
)


class DatabasePage(TypedDict):
    items: list[DatabasePublic]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None
    databases: list[DatabasePublic]


class DatasetVersion(TypedDict):
    version: int
    sha256: str
    blob_key: str
    filename: str
    format: Literal["csv", "xlsx", "json", "jsonl"]
    size: int
    source: str
    tables: list[TableSummary]
    detected: Detected


class EnvelopeBranchList(TypedDict):
    status: Literal["success"]
    message: str
    data: BranchList


class EnvelopeClassPaths(TypedDict):
    status: Literal["success"]
    message: str
    data: ClassPaths


class EnvelopeClassPublic(TypedDict):
    status: Literal["success"]
    message: str
    data: ClassPublic


class EnvelopeCommitPage(TypedDict):
    status: Literal["success"]
    message: str
    data: CommitPage


class EnvelopeConnectorPublic(TypedDict):
    status: Literal["success"]
    message: str
    data: ConnectorPublic


class EnvelopeDatabasePage(TypedDict):
    status: Literal["success"]
    message: str
    data: DatabasePage


class EnvelopeExpectedSeq(TypedDict):
    status: Literal["success"]
    message: str
    data: ExpectedSeq


class EnvelopeInstanceCheck(TypedDict):
    status: Literal["success"]
    message: str
    data: InstanceCheck


class EnvelopeInstancePublic(TypedDict):
    status: Literal["success"]
    message: str
    data: InstancePublic


class EnvelopeMe(TypedDict):
    status: Literal["success"]
    message: str
    data: Me


class EnvelopeMergeBase(TypedDict):
    status: Literal["success"]
    message: str
    data: MergeBase


class EnvelopeMergePlan(TypedDict):
    status: Literal["success"]
    message: str
    data: MergePlan


class EnvelopePreview(TypedDict):
    status: Literal["success"]
    message: str
    data: Preview


class EnvelopeProposalPublic(TypedDict):
    status: Literal["success"]
    message: str
    data: ProposalPublic


class EnvelopeReadyData(TypedDict):
    status: Literal["success"]
    message: str
    data: ReadyData


class EnvelopeReplayed(TypedDict):
    status: Literal["success"]
    message: str
    data: Replayed


class EnvelopeRoles(TypedDict):
    status: Literal["success"]
    message: str
    data: Roles


class EnvelopeSearchResult(TypedDict):
    status: Literal["success"]
    message: str
    data: SearchResult


class EnvelopeTimeline(TypedDict):
    status: Literal["success"]
    message: str
    data: Timeline


class EnvelopeTokens(TypedDict):
    status: Literal["success"]
    message: str
    data: Tokens


class EnvelopeTypeInfo(TypedDict):
    status: Literal["success"]
    message: str
    data: TypeInfo


class EnvelopeTypeList(TypedDict):
    status: Literal["success"]
    message: str
    data: TypeList


class GraphNode(TypedDict):
    id: str
    type: str
    data_status: Literal["FULL", "PARTIAL", "MISSING"]
    index_status: IndexedStatus | Tombstoned | None
    data: NodeDocument | None
    provenance: NotRequired[NodeProvenance | None]
    audit: NotRequired[NodeAudit | None]


class GraphQueryBody(TypedDict):
    start_class: str
    hops: NotRequired[list[HopBody]]
    filters: NotRequired[dict[str, Any] | None]
    limit: NotRequired[int]
    offset: NotRequired[int]
    max_nodes: NotRequired[int]
    max_edges: NotRequired[int]
    no_cycles: NotRequired[bool]
    include_paths: NotRequired[bool]
    max_paths: NotRequired[int]
    include_documents: NotRequired[bool]
    include_provenance: NotRequired[bool]
    include_audit: NotRequired[bool]


class GraphResult(TypedDict):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    paths: list[GraphPath] | None
    count: int
    page: GraphPage
    warnings: list[ReadWarning]
    index_summary: IndexSummary


class HealthData(TypedDict):
    status: Literal["healthy", "degraded", "unhealthy"]
    problems: list[str]
    log_position: int | None
    command_worker_position: int | None
    projection_position: int
    read_model_generation: str | None
    search_position: int
    search_index: SearchIndexHealth
    blob_store: StoreHealth


class InferredColumn(TypedDict):
    name: str
    type: str
    confidence: float
    reason: str
    candidates: list[TypeCandidate]
    flags: list[str]
    params: NotRequired[EnumParams | DateParams | MoneyParams | None]
    unique: bool
    required: bool


class InstanceChanged(TypedDict):
    class_id: str
    instance_id: str
    change: Literal["changed"]
    properties: list[ValueChange]
    old_sequence: int
    new_sequence: int


class InstanceCreate(TypedDict):
    data: dict[str, Any]
    instance_id: NotRequired[str | None]
    metadata: NotRequired[WriteMetadata | None]
    message: NotRequired[str | None]


class InstancePage(TypedDict):
    items: list[InstancePublic]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None
    instances: list[InstancePublic]


class InstanceRestore(TypedDict):
    data: NotRequired[dict[str, Any] | None]
    metadata: NotRequired[WriteMetadata | None]
    message: NotRequired[str | None]


class InstanceUpdate(TypedDict):
    data: dict[str, Any]
    metadata: NotRequired[WriteMetadata | None]
    message: NotRequired[str | None]


class KeyIssued(TypedDict):
    status: Literal["success"]
    message: str
    command_id: str
    data: KeyIssuedData


class Links(TypedDict):
    outgoing: list[OutgoingLink]
    incoming: list[IncomingLink]


class MappedLink(TypedDict):
    predicate: str
    columns: list[str]
    transforms: list[Transform]
    separator: NotRequired[str | None]
    target: str


class MappedProperty(TypedDict):
    property: str
    columns: list[str]
    transforms: list[Transform]
    separator: NotRequired[str | None]


class MappingSource(TypedDict):
    dataset: str
    class_id: str
    key: list[str]
    properties: list[MappedProperty]
    links: list[MappedLink]
    version: NotRequired[int | None]
    table: NotRequired[str | None]


class MappingSpec(TypedDict):
    classes: list[dict[str, Any]]
    sources: list[MappingSource]
    description: NotRequired[str | None]


class MappingVersion(TypedDict):
    version: int
    spec: MappingSpec


class OntologyClass(TypedDict):
    id: str
    label: str | dict[str, str] | None
    description: str | dict[str, str] | None
    parent_class: str | None
    properties: list[Property]
    relationships: list[Relationship]
    title_key: str | None
    metadata: dict[str, Any]


class PageViolation(TypedDict):
    items: list[Violation]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None


class Profile(TypedDict):
    dataset: str
    version: int
    table: str
    rows: int
    columns: list[ColumnProfile]


class PropertyChanged(TypedDict):
    name: str
    changes: list[ValueChange]


class PropertyChanges(TypedDict):
    added: list[Property]
    removed: list[Property]
    changed: list[PropertyChanged]


class ProposalPage(TypedDict):
    proposals: list[ProposalPublic]
    total: int


class RefusedRow(TypedDict):
    dataset: str
    class_id: str
    row: int | None
    errors: list[RowError]


class RelationshipChanged(TypedDict):
    predicate: str
    changes: list[ValueChange]


class RelationshipChanges(TypedDict):
    added: list[Relationship]
    removed: list[Relationship]
    changed: list[RelationshipChanged]


class SuggestedClass(TypedDict):
    id: str
    label: str | dict[str, str]
    properties: list[SuggestedProperty]
    metadata: NotRequired[SuggestedMetadata | None]
    relationships: NotRequired[list[SuggestedRelationship] | None]


class SuggestedColumn(TypedDict):
    property: str
    column: str
    transforms: list[Transform]


class SuggestedSource(TypedDict):
    dataset: str
    version: int
    table: str
    class_id: str
    key: list[str]
    properties: list[SuggestedColumn]
    links: list[SuggestedSourceLink]


class Blame(TypedDict):
    class_id: str
    instance_id: str
    branch: str
    blame: list[BlameLine]


class ClassChange(TypedDict):
    class_id: str
    changes: list[ValueChange]
    properties: PropertyChanges
    relationships: RelationshipChanges


class ClassPage(TypedDict):
    items: list[ClassPublic]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None
    classes: list[ClassPublic]
    ontologies: list[ClassPublic]


class CompletedBody(TypedDict):
    status: Literal["success"]
    message: str
    command_id: str
    data: CompletedData


class ConnectorList(TypedDict):
    connectors: list[ConnectorPublic]
    total: int


Items: TypeAlias = InstanceChanged | InstanceAdded | InstanceRemoved


class DataDiff(TypedDict):
    counts: DiffCounts
    total: int
    items: list[Items]
    offset: int
    limit: int
    next_offset: int | None


class DatasetPublic(TypedDict):
    name: str
    database: str
    versions: list[DatasetVersion]


class DatasetSummary(TypedDict):
    name: str
    versions: int
    latest: DatasetVersion


class EnvelopeBlame(TypedDict):
    status: Literal["success"]
    message: str
    data: Blame


class EnvelopeClassPage(TypedDict):
    status: Literal["success"]
    message: str
    data: ClassPage


class EnvelopeConnectorList(TypedDict):
    status: Literal["success"]
    message: str
    data: ConnectorList


class EnvelopeDatasetPublic(TypedDict):
    status: Literal["success"]
    message: str
    data: DatasetPublic


class EnvelopeHealthData(TypedDict):
    status: Literal["success"]
    message: str
    data: HealthData


class EnvelopeInstancePage(TypedDict):
    status: Literal["success"]
    message: str
    data: InstancePage


class EnvelopeLinks(TypedDict):
    status: Literal["success"]
    message: str
    data: Links


class EnvelopeProfile(TypedDict):
    status: Literal["success"]
    message: str
    data: Profile


class EnvelopeProposalPage(TypedDict):
    status: Literal["success"]
    message: str
    data: ProposalPage


class GraphBody(TypedDict):
    status: Literal["success"]
    message: str
    data: GraphResult
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    paths: list[GraphPath] | None
    warnings: list[ReadWarning]
    page: GraphPage
    count: int


class Impact(TypedDict):
    checked: int
    would_migrate: int
    schema_changes: SchemaChanges
    violations: PageViolation


class ImportReport(TypedDict):
    updated: NotRequired[int | None]
    unchanged: NotRequired[int | None]
    deleted: NotRequired[int | None]
    mode: Literal["create", "append", "upsert", "snapshot"]
    mapping: str
    mapping_version: int
    datasets: list[DatasetRead]
    classes_created: list[str]
    rows: int
    created: int
    skipped: int
    refused: int
    by_class: dict[str, ClassCounts]
    refused_rows: list[RefusedRow]
    dry_run: NotRequired[bool | None]


class Inference(TypedDict):
    dataset: str
    version: int
    table: str
    rows: int
    columns: list[InferredColumn]
    primary_key: list[str]
    primary_key_reason: str
    suggested_class: SuggestedClass


class MappingAt(TypedDict):
    name: str
    database: str
    version: int
    spec: MappingSpec


class MappingPublic(TypedDict):
    name: str
    database: str
    versions: list[MappingVersion]


class MappingSummary(TypedDict):
    name: str
    versions: int
    latest: MappingVersion


class SchemaDiff(TypedDict):
    counts: DiffCounts
    added: list[OntologyClass]
    removed: list[OntologyClass]
    changed: list[ClassChange]


class SuggestedMapping(TypedDict):
    classes: list[SuggestedClass]
    sources: list[SuggestedSource]


class Suggestion(TypedDict):
    classes: list[SuggestedClass]
    links: list[SuggestedLink]
    mapping: SuggestedMapping


class ClassCheck(TypedDict):
    valid: bool
    exists: bool
    definition: OntologyClass
    impact: NotRequired[Impact | None]


class ClassImpact(TypedDict):
    definition: OntologyClass
    impact: Impact


class DatasetList(TypedDict):
    datasets: list[DatasetSummary]
    total: int


Diff = TypedDict(
    "Diff",
    {
        "from": DiffEnd,
        "to": DiffEnd,
        "schema": SchemaDiff,
        "data": DataDiff,
    },
)


class EnvelopeClassCheck(TypedDict):
    status: Literal["success"]
    message: str
    data: ClassCheck


class EnvelopeClassImpact(TypedDict):
    status: Literal["success"]
    message: str
    data: ClassImpact


class EnvelopeDatasetList(TypedDict):
    status: Literal["success"]
    message: str
    data: DatasetList


class EnvelopeDiff(TypedDict):
    status: Literal["success"]
    message: str
    data: Diff


class EnvelopeImportReport(TypedDict):
    status: Literal["success"]
    message: str
    data: ImportReport


class EnvelopeInference(TypedDict):
    status: Literal["success"]
    message: str
    data: Inference


class EnvelopeSuggestion(TypedDict):
    status: Literal["success"]
    message: str
    data: Suggestion


class EnvelopeUnionMappingPublicMappingAt(TypedDict):
    status: Literal["success"]
    message: str
    data: MappingPublic | MappingAt


class MappingList(TypedDict):
    mappings: list[MappingSummary]
    total: int


class EnvelopeMappingList(TypedDict):
    status: Literal["success"]
    message: str
    data: MappingList
