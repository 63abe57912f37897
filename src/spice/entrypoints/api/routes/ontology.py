"""Ontology classes: /api/v1/database/{db}/ontology (singular, as in the seed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.application import commands as c
from spice.domain.errors import ValidationFailed, field_error
from spice.entrypoints.api import deps
from spice.entrypoints.api.reads import reach
from spice.entrypoints.api.schemas import ClassDefinition, page, success
from spice.entrypoints.api.writes import submit

router = APIRouter(prefix="/api/v1/database/{db}/ontology", tags=["ontology"])


@router.post("", status_code=202)
async def create_class(
    db: str, body: ClassDefinition, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    return await submit(
        write,
        c.CREATE_ONTOLOGY_CLASS,
        body.model_dump(exclude_unset=True),
        database=db,
        branch=branch,
        message=f"Ontology creation command accepted for {body.id!r}",
    )


@router.get("")
async def list_classes(
    db: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
    min_position: deps.MinPosition = None,
) -> dict[str, Any]:
    await reach(waiter, min_position)
    items, total = await run_in_threadpool(reader.classes, db, branch, offset, limit)
    return success({**page(items, total, offset, limit), "classes": items})


@router.get("/{class_id}")
async def get_class(
    db: str,
    class_id: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    min_position: deps.MinPosition = None,
) -> dict[str, Any]:
    await reach(waiter, min_position)
    return success(await run_in_threadpool(reader.ontology_class, db, branch, class_id))


@router.put("/{class_id}", status_code=202)
async def update_class(
    db: str,
    class_id: str,
    body: ClassDefinition,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    """Replace the class definition (the body holds the whole new definition)."""
    if body.id != class_id:
        raise ValidationFailed(
            "the class id in the body differs from the path",
            [field_error("id", "id_mismatch", f"must be {class_id}", body.id)],
        )
    return await submit(
        write,
        c.UPDATE_ONTOLOGY_CLASS,
        body.model_dump(exclude_unset=True),
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        message=f"Ontology update command accepted for {class_id!r}",
    )


@router.delete("/{class_id}", status_code=202)
async def delete_class(
    db: str,
    class_id: str,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    return await submit(
        write,
        c.DELETE_ONTOLOGY_CLASS,
        {"class_id": class_id},
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        message=f"Ontology deletion command accepted for {class_id!r}",
    )
