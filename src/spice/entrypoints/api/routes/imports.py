"""Mappings and imports: /api/v1/databases/{db}/mappings (saved in versions, dry runs that
report every refused row without writing) and /api/v1/databases/{db}/imports (a run is a
command whose status shows its progress and, at the end, its report)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    Envelope,
    ImportReport,
    MappingAt,
    MappingList,
    MappingPublic,
)
from spice.entrypoints.api.rules import EDITOR, VIEWER, needs
from spice.entrypoints.api.schemas import success
from spice.entrypoints.api.writes import submit

Mode = Literal["create", "append", "upsert", "snapshot"]
MODES = (
    "`create`: a row whose key is new creates an instance; one imported before from the same "
    "dataset is skipped, whatever its values now. `append`: each dataset version's rows are "
    "instances of their own (ids from the version's content and the row). `upsert`: also "
    "updates the instance of a known key, only the properties the mapping fills that changed "
    "(an unchanged row writes nothing; a deleted instance comes back). `snapshot`: `upsert`, "
    "then deletes the instances this dataset's table made whose rows are gone."
)


router = APIRouter(prefix="/api/v1", tags=["imports"], responses=ERRORS)
MAPPINGS = "/databases/{db}/mappings"
Version = Annotated[int | None, Query(ge=1, le=10**9, description="default: the latest")]
SPEC_EXAMPLE = {
    "classes": [{"id": "Warehouse", "properties": [{"name": "warehouse_id", "type": "string"}]}],
    "sources": [
        {
            "dataset": "warehouses",
            "class_id": "Warehouse",
            "key": ["warehouse_id"],
            "properties": [
                {"property": "warehouse_id", "column": "warehouse_id", "transforms": ["trim"]}
            ],
            "links": [],
        }
    ],
}


@router.get(MAPPINGS, response_model=Envelope[MappingList])
@needs(VIEWER)
async def list_mappings(db: str, imports: deps.ImportsDep) -> dict[str, Any]:
    """Every mapping of the database, with its latest version."""
    found = await run_in_threadpool(imports.mappings, db)
    return success({"mappings": found, "total": len(found)})


@router.put(f"{MAPPINGS}/{{name}}", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def save_mapping(
    db: str,
    name: str,
    write: deps.WriteDep,
    spec: Annotated[dict[str, Any], Body(examples=[SPEC_EXAMPLE])],
) -> JSONResponse:
    """Save a mapping spec as the next version of mapping `name`: `classes` to create when
    missing, and `sources`, each a table of a dataset mapped onto a class: `key` (the
    properties whose values make the instance id; empty for ids from row numbers),
    `properties` (`property`, `column` or `columns` joined by `separator`, `transforms`:
    trim, lower, upper, replace, null_if, default, split, parse_date, parse_datetime, cast)
    and `links` (`predicate`, `column`, `target` class whose key the column holds). Columns
    are checked against the dataset version; the same spec as the latest adds nothing."""
    command = c.SaveMapping(database=db, name=name, spec=spec)
    return await submit(write, command, f"Version of mapping {name!r} accepted")


@router.get(f"{MAPPINGS}/{{name}}", response_model=Envelope[MappingPublic | MappingAt])
@needs(VIEWER)
async def get_mapping(
    db: str, name: str, imports: deps.ImportsDep, version: Version = None
) -> dict[str, Any]:
    """A mapping with every version, or one version (`version`) with its spec."""
    return success(await run_in_threadpool(imports.mapping, db, name, version))


@router.post(f"{MAPPINGS}/{{name}}/dry-run", response_model=Envelope[ImportReport])
@needs(VIEWER)
async def dry_run(
    db: str,
    name: str,
    imports: deps.ImportsDep,
    branch: deps.BranchDep,
    version: Version = None,
    mode: Annotated[Mode, Query(description="the mode of the run to try")] = "create",
) -> dict[str, Any]:
    """What an import with this mapping would do now, on `branch`: the classes it would
    create, per class the rows it would create, skip (imported already) and refuse, and
    every refused row (the first thousand) with its errors per property and column.
    Nothing is written."""
    return success(await run_in_threadpool(imports.dry_run, db, branch, name, version, mode))


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mapping: str = Field(min_length=1, max_length=100)
    mode: Mode = Field(default="create", description=MODES)
    mapping_version: int | None = Field(default=None, ge=1, description="default: the latest")
    allow_partial: bool = Field(
        default=False,
        description="import the good rows and report the others; without it a refused row "
        "refuses the whole import and nothing is written",
    )


@router.post(
    "/databases/{db}/imports", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def run_import(
    db: str, body: ImportRequest, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    """Import the datasets a mapping names onto `branch`: its classes first (those that
    do not exist), then the rows, targets of links before the rows that link to them, in
    batches that are each a command and a commit of their own, in the body's `mode`. In
    the default `create` mode rows imported before from the same dataset are skipped, so
    running it again creates nothing; `upsert` and `snapshot` keep instances in step with a
    changed dataset version. The command's status shows the progress (0-100); its result is
    the report (created, skipped, refused, and for upserts updated, unchanged, deleted, per
    class, the refused rows with their errors). Every value's event records the dataset,
    version, table, row and column it came from (see the lineage of an instance)."""
    command = c.RunImport(
        database=db,
        branch=branch,
        mapping=body.mapping,
        mapping_version=body.mapping_version,
        allow_partial=body.allow_partial,
        mode=body.mode,
    )
    return await submit(write, command, f"Import with mapping {body.mapping!r} accepted")
