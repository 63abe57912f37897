"""Bodies of connectors: a definition as saved (its secrets masked) with where its syncs
stand."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Kind = Literal["google_sheets", "http_file", "postgresql", "s3"]
ImportMode = Literal["create", "append", "upsert", "snapshot"]


class Schedule(BaseModel):
    """When the scheduler syncs the connector: every N seconds, or by a cron expression
    (five fields, UTC)."""

    every_seconds: int | None = Field(default=None, ge=1, le=366 * 86400)
    cron: str | None = Field(default=None, max_length=200, examples=["*/15 * * * *"])


class ThenImport(BaseModel):
    """The import run on each new version of the connector's dataset."""

    mapping: str = Field(min_length=1, max_length=100)
    mode: ImportMode = "upsert"
    branch: str = "main"
    allow_partial: bool = False


class SyncCounts(BaseModel):
    created: int
    updated: int
    unchanged: int
    deleted: int
    skipped: int
    refused: int


class SyncRecord(BaseModel):
    """One sync, or one poll that failed: when (seconds since the epoch), whether it
    succeeded, and what it did."""

    at: float
    ok: bool
    command_id: str | None = None
    error: str | None = None
    trigger: str | None = None
    changed: bool | None = None
    version: int | None = None
    imported: bool | None = None
    totals: SyncCounts | None = None


class SyncStatePublic(BaseModel):
    """Where a connector's syncs stand (times in seconds since the epoch; null: never)."""

    last_poll: float | None
    last_change: float | None
    last_success: float | None
    last_failure: float | None
    last_error: str | None = Field(description="the reason of the last failure, in words")
    failing_since: float | None
    attempts: int = Field(description="failures in a row")
    next_run: float | None = Field(description="when the schedule runs next")
    next_retry: float | None = Field(description="after a failure: when it is tried again")
    cursor: dict[str, str | int | float | bool | None | dict[str, str]] = Field(
        description="where the source was left: content hash, ETag, Last-Modified, watermark, "
        "or the ETag of each object seen"
    )
    last_command: str | None
    history: list[SyncRecord] = Field(description="the latest syncs first (up to 20)")


class ConnectorPublic(BaseModel):
    name: str
    database: str
    version: int
    kind: Kind
    config: dict[str, Any] = Field(
        description="as saved; a sealed secret shows as `***`, a reference as its name"
    )
    dataset: str
    schedule: dict[str, int | str] | None = Field(
        description='`{"every_seconds": N}` or `{"cron": "..."}`; null: synced on request'
    )
    import_: ThenImport | None = Field(alias="import")
    state: SyncStatePublic


class ConnectorList(BaseModel):
    connectors: list[ConnectorPublic]
    total: int


class ConnectorRequest(BaseModel):
    """A connector's definition: `kind`, its `config`, the `dataset` each change becomes a
    version of, and optionally a `schedule` and the `import` each change runs."""

    kind: Kind
    config: dict[str, Any] = Field(
        description="google_sheets: `url` (a share link). http_file: `url`, `token`. "
        "postgresql: `dsn` (no password in it), `password`, `table` (and `schema`) or a "
        "read-only `query`, `watermark`. s3: `bucket`, `prefix`, `endpoint_url`, `region`, "
        "`access_key_id`, `secret_access_key`. A secret is a value the server seals "
        '(with SPICE_SECRETS_KEY) or `{"secret_ref": "NAME"}` for the setting '
        "SPICE_SECRET_NAME.",
        examples=[{"url": "https://docs.google.com/spreadsheets/d/ID/edit#gid=0"}],
    )
    dataset: str = Field(min_length=1, max_length=100)
    schedule: Schedule | None = None
    import_: ThenImport | None = Field(default=None, alias="import")

    model_config = {"extra": "forbid", "populate_by_name": True}
