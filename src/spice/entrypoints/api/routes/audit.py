"""The audit trail for administrators: /api/v1/audit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from spice.application.reads.audit import AuditFilter, AuditTrail
from spice.application.reads.refs import parse_time
from spice.domain.errors import ValidationFailed, field_error
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import ERRORS, Envelope
from spice.entrypoints.api.rules import ADMIN, needs
from spice.entrypoints.api.schemas import success

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=ERRORS)
Text = Annotated[str | None, Query(max_length=200)]


class AuditEntry(BaseModel):
    position: int = Field(description="the command's place in the log")
    at: str = Field(description="when it was accepted")
    actor: str
    command_id: str
    command_type: str
    database: str | None
    branch: str | None
    outcome: Literal["COMPLETED", "FAILED", "PENDING"]
    finished_at: str | None
    error_code: str | None
    address: str | None = Field(description="the caller's address (None: not recorded then)")
    via: str | None = Field(description="token, api_key, oidc or local (loopback, no credentials)")
    request_id: str | None
    message: str | None = Field(description="the commit message")


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    next_after: int = Field(description="pass as `after` to go on from where this page ended")
    scanned: int = Field(description="command events looked at for this page")
    complete: bool = Field(description="the scan reached the head of the log, or `until`")


@router.get("", response_model=Envelope[AuditPage])
@needs(ADMIN)
async def audit(
    request: Request,
    after: deps.Offset | None = None,
    since: Annotated[
        str | None, Query(max_length=100, description="an ISO time or a log position")
    ] = None,
    until: Annotated[str | None, Query(max_length=100, description="an ISO time")] = None,
    actor: Text = None,
    database: Text = None,
    command_type: Text = None,
    outcome: Literal["COMPLETED", "FAILED", "PENDING"] | None = None,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """Who asked for which write, when, from which address, signed in how, and how it
    ended: every command of the log in log order, from `after` (a position) or `since`
    (a time), filtered. A page looks at 10,000 command events at most; go on with
    `after=next_after` until `complete` (administrators only)."""
    trail: AuditTrail = request.app.state.container.audit
    until_time = None
    if until is not None:
        parsed = parse_time(until)
        if parsed is None:
            raise ValidationFailed(
                "until is an ISO time", [field_error("until", "time", "an ISO time", until)]
            )
        until_time = parsed.timestamp()
    where = AuditFilter(actor, database, command_type, outcome, until_time)

    def read() -> dict[str, Any]:
        return trail.entries(trail.start(after, since), limit, where)

    return success(await run_in_threadpool(read))
