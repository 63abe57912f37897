"""Datasets: /api/v1/databases/{db}/datasets. Upload a file (multipart) or fetch one from an
http(s) URL or a Google Sheets share link as the next version of a named dataset; list
datasets and versions, preview rows, profile columns, infer column types, suggest an
ontology; and the seed-era /api/v1/database/{db}/suggest-schema-from-data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    DatasetList,
    DatasetPublic,
    Envelope,
    Inference,
    Preview,
    Profile,
    Suggestion,
)
from spice.entrypoints.api.rules import EDITOR, USER, VIEWER, needs
from spice.entrypoints.api.schemas import success
from spice.entrypoints.api.writes import submit

router = APIRouter(prefix="/api/v1", tags=["datasets"], responses=ERRORS)
DATASETS = "/databases/{db}/datasets"
Version = Annotated[int | None, Query(ge=1, le=10**9, description="default: the latest")]
TableName = Annotated[str | None, Query(max_length=200, description="default: the first")]


class FromUrl(BaseModel):
    """An http(s) URL of a CSV, XLSX, JSON or JSON Lines file, or a Google Sheets share link
    (read as the CSV export of the tab its `gid` names)."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=8,
        max_length=2000,
        examples=["https://docs.google.com/spreadsheets/d/1AbC/edit#gid=0"],
    )


@router.post(
    f"{DATASETS}/{{name}}/versions", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def upload(
    db: str,
    name: str,
    write: deps.WriteDep,
    datasets: deps.DatasetsDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, JSON or JSON Lines")],
    source: Annotated[str | None, Form(max_length=2000)] = None,
) -> JSONResponse:
    """Upload a file as the next version of dataset `name` (made by its first version). The
    file is read first (a file that cannot be is 422 naming the file, the row and the
    reason, and nothing is kept), then stored once under its SHA-256; the same bytes as the
    latest version add no version. `Idempotency-Key` makes a retry answer the same."""
    data = await file.read()
    filename = file.filename or name
    command = await run_in_threadpool(
        datasets.store, db, name, filename, data, source or f"upload:{filename}"
    )
    return await submit(write, command, f"Version of dataset {name!r} accepted")


@router.post(
    f"{DATASETS}/{{name}}/versions/from-url",
    status_code=202,
    response_model=AcceptedBody,
    responses=WRITE,
)
@needs(EDITOR)
async def from_url(
    db: str, name: str, body: FromUrl, write: deps.WriteDep, datasets: deps.DatasetsDep
) -> JSONResponse:
    """Fetch a file from an http(s) URL, or a Google Sheets share link as its tab's CSV
    export, as the next version of dataset `name`; then as an upload."""
    filename, data, source = await run_in_threadpool(datasets.fetch, body.url)
    command = await run_in_threadpool(datasets.store, db, name, filename, data, source)
    return await submit(write, command, f"Version of dataset {name!r} accepted")


@router.get(DATASETS, response_model=Envelope[DatasetList])
@needs(VIEWER)
async def list_datasets(db: str, datasets: deps.DatasetsDep) -> dict[str, Any]:
    """Every dataset of the database, with its latest version."""
    found = await run_in_threadpool(datasets.list_datasets, db)
    return success({"datasets": found, "total": len(found)})


@router.get(f"{DATASETS}/{{name}}", response_model=Envelope[DatasetPublic])
@needs(VIEWER)
async def get_dataset(db: str, name: str, datasets: deps.DatasetsDep) -> dict[str, Any]:
    """A dataset with every version: file name, format, size, SHA-256, source, the tables
    read from it (columns, row count) and how (encoding, delimiter, sheets)."""
    return success(await run_in_threadpool(datasets.get, db, name))


@router.get(f"{DATASETS}/{{name}}/preview", response_model=Envelope[Preview])
@needs(VIEWER)
async def preview(
    db: str,
    name: str,
    datasets: deps.DatasetsDep,
    version: Version = None,
    table: TableName = None,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """Rows of a table of a version (cells as text, null when empty), paged."""
    return success(
        await run_in_threadpool(datasets.preview, db, name, version, table, offset, limit)
    )


@router.get(f"{DATASETS}/{{name}}/profile", response_model=Envelope[Profile])
@needs(VIEWER)
async def profile(
    db: str,
    name: str,
    datasets: deps.DatasetsDep,
    version: Version = None,
    table: TableName = None,
) -> dict[str, Any]:
    """Per column of a table: count, nulls and null ratio, distinct values and ratio, min
    and max (numeric when every value is a number), the most common values and samples
    spread over the whole table."""
    return success(await run_in_threadpool(datasets.profile, db, name, version, table))


@router.get(f"{DATASETS}/{{name}}/inference", response_model=Envelope[Inference])
@needs(VIEWER)
async def inference(
    db: str,
    name: str,
    datasets: deps.DatasetsDep,
    version: Version = None,
    table: TableName = None,
) -> dict[str, Any]:
    """The inferred type of each column (`type`, `confidence`, `reason`, runner-up
    `candidates`, risk `flags`), the primary key, and the class suggested for the table."""
    return success(await run_in_threadpool(datasets.inference, db, name, version, table))


class OntologyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    datasets: list[str] | None = Field(
        default=None, max_length=1000, description="default: every dataset of the database"
    )


@router.post(f"{DATASETS}/suggest-ontology", response_model=Envelope[Suggestion])
@needs(VIEWER)
async def suggest_ontology(
    db: str, datasets: deps.DatasetsDep, body: OntologyRequest | None = None
) -> dict[str, Any]:
    """A class per table of the latest version of each dataset, and the links between
    them found by value containment and name similarity (many-to-one towards a table's
    key), as relationships of the classes. Nothing is written."""
    wanted = body.datasets if body is not None else None
    return success(await run_in_threadpool(datasets.suggest_ontology, db, wanted))


class InlineData(BaseModel):
    """Rows given inline, as the seed-era system took them."""

    model_config = ConfigDict(extra="forbid")
    data: list[list[Any]] = Field(max_length=100_000)
    columns: list[str] = Field(min_length=1, max_length=1000)
    class_name: str | None = Field(default=None, max_length=100)
    include_complex_types: bool = True


class SuggestedSchema(BaseModel):
    """The seed-era answer: the class suggested and the inference behind it."""

    model_config = ConfigDict(extra="allow")
    status: str
    message: str
    suggested_schema: dict[str, Any]
    analysis: dict[str, Any]


@router.post("/database/{db}/suggest-schema-from-data", response_model=SuggestedSchema)
# Inference from rows sent inline reads and stores nothing of a database, and needs none.
@needs(USER)
async def suggest_schema_from_data(
    db: str, body: InlineData, datasets: deps.DatasetsDep
) -> dict[str, Any]:
    """Suggest a class from rows sent inline (the seed-era endpoint): `suggested_schema`
    is the class definition, `analysis` the inference per column. Nothing is written."""
    return await run_in_threadpool(
        datasets.suggest_inline,
        db,
        body.columns,
        body.data,
        body.class_name,
        body.include_complex_types,
    )
