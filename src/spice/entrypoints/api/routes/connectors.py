"""Connectors: /api/v1/databases/{db}/connectors. A connector is a source that stays
connected (a Google Sheets tab, a file by URL, a PostgreSQL table or query, objects in an
S3 bucket): each change becomes the next version of its dataset and, when it names one, an
import run. Definitions are saved in versions by commands; a sync is a command whose status
shows its progress and, at the end, what changed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    ConnectorList,
    ConnectorPublic,
    ConnectorRequest,
    Envelope,
)
from spice.entrypoints.api.rules import EDITOR, OWNER, VIEWER, needs
from spice.entrypoints.api.schemas import success
from spice.entrypoints.api.writes import submit

router = APIRouter(prefix="/api/v1", tags=["connectors"], responses=ERRORS)
CONNECTORS = "/databases/{db}/connectors"


@router.get(CONNECTORS, response_model=Envelope[ConnectorList], response_model_by_alias=True)
@needs(VIEWER)
async def list_connectors(db: str, connectors: deps.ConnectorsDep) -> dict[str, Any]:
    """Every connector of the database: its latest definition and where its syncs stand."""
    found = await run_in_threadpool(connectors.list, db)
    return success({"connectors": found, "total": len(found)})


@router.put(f"{CONNECTORS}/{{name}}", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(OWNER)
async def save_connector(
    db: str,
    name: str,
    body: ConnectorRequest,
    write: deps.WriteDep,
    connectors: deps.ConnectorsDep,
) -> JSONResponse:
    """Save the next version of connector `name`. Secrets in `config` given in clear are
    sealed before anything is stored (with SPICE_SECRETS_KEY; without it they must be
    references), so neither the log nor any answer holds them. The same definition as the
    latest version adds nothing. A `schedule` makes the scheduler poll the source; an
    unchanged source writes nothing."""
    raw = body.model_dump(by_alias=True, exclude_none=False)
    if body.schedule is not None:
        raw["schedule"] = body.schedule.model_dump(exclude_none=True)
    command = await run_in_threadpool(connectors.save_command, db, name, raw)
    return await submit(write, command, f"Version of connector {name!r} accepted")


@router.get(
    f"{CONNECTORS}/{{name}}", response_model=Envelope[ConnectorPublic], response_model_by_alias=True
)
@needs(VIEWER)
async def get_connector(db: str, name: str, connectors: deps.ConnectorsDep) -> dict[str, Any]:
    """A connector's latest definition (secrets masked) and its sync state: last poll,
    change, success and failure (with the reason in words), failures in a row, next run
    and retry, cursor, and the latest syncs."""
    return success(await run_in_threadpool(connectors.get, db, name))


@router.delete(
    f"{CONNECTORS}/{{name}}", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(OWNER)
async def delete_connector(
    db: str, name: str, write: deps.WriteDep, connectors: deps.ConnectorsDep
) -> JSONResponse:
    """Delete a connector: it is no longer synced, and its sync state is forgotten (a
    failing source no longer makes `/ready` degraded). Its dataset versions and what its
    imports made stay."""
    command = c.DeleteConnector(database=db, name=name)
    answer = await submit(write, command, f"Deletion of connector {name!r} accepted")
    await run_in_threadpool(connectors.states.forget, db, name)
    return answer


@router.post(
    f"{CONNECTORS}/{{name}}/sync", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def sync_connector(db: str, name: str, write: deps.WriteDep) -> JSONResponse:
    """Sync now: read the source; a change becomes the next version of the connector's
    dataset (content-addressed: the same bytes add nothing) and, when the connector names
    an import, an import run in its mode, each a child command. The command's result says
    what changed: `changed`, the `version`, and per class created, updated, deleted and
    unchanged. A failure (an unreachable host, a refused query) is the command's error and
    the connector's `last_error`."""
    command = c.SyncConnector(database=db, name=name)
    return await submit(write, command, f"Sync of connector {name!r} accepted")
