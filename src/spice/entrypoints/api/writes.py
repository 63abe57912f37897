"""Submitting commands from routes: 202 with a command id, or wait for the outcome."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.application.ports.command_status import COMPLETED, CommandStatus
from spice.domain.commands import Command
from spice.domain.errors import Timeout
from spice.entrypoints.api.deps import WriteOptions
from spice.entrypoints.api.errors import error_response, status_of_failure
from spice.entrypoints.api.schemas import success
from spice.entrypoints.api.waiting import Waiter


def status_url(command_id: str) -> str:
    return f"/api/v1/commands/{command_id}/status"


def accepted_body(status: CommandStatus, message: str) -> dict[str, Any]:
    data = {
        "command_id": status.command_id,
        "status": status.status,
        "command_type": status.command_type,
        "status_url": status_url(status.command_id),
    }
    return {"status": "accepted", "message": message, "command_id": status.command_id, "data": data}


async def simulate_or_submit(
    write: WriteOptions,
    command: Command,
    simulate: bool,
    message: str,
    metadata: dict[str, Any] | None = None,
) -> JSONResponse:
    """With `simulate`, what the command would write now (200; nothing is stored, and a
    refusal is the error it would fail with); else `submit`."""
    if not simulate:
        return await submit(write, command, message, metadata)
    decision = await run_in_threadpool(write.commands.dry_run, command)
    events = [
        {
            "aggregate_id": ch.aggregate_id,
            "sequence_number": ch.seq,
            "event_type": ch.event.event_type,
            "data": ch.event.to_data(),
        }
        for ch in decision.changes
    ]
    return JSONResponse(success({"result": decision.result, "events": events}))


async def submit(
    write: WriteOptions,
    command: Command,
    message: str,
    metadata: dict[str, Any] | None = None,
) -> JSONResponse:
    """Accept the command (202), or with `wait` answer once it has finished. `metadata`
    is what the body said of the write (reason, source), kept with the command."""
    accepted = await run_in_threadpool(
        lambda: write.commands.submit(
            command,
            actor=write.actor,
            idempotency_key=write.idempotency_key,
            metadata=write.metadata(metadata),
        )
    )
    if not write.wait:
        return JSONResponse(accepted_body(accepted.status, message), status_code=202)
    return await finish(
        write.waiter,
        accepted.command.command_id,
        write.timeout,
        write.poll_interval,
        known=accepted.status,
    )


async def wait_final(
    waiter: Waiter,
    command_id: str,
    timeout: float,
    poll_interval: float,
    known: CommandStatus | None = None,
) -> tuple[CommandStatus | None, float]:
    """Wait for the command to end, then for the read model to include its write."""
    started = time.monotonic()
    status = await waiter.command_final(command_id, timeout, poll_interval, known)
    if status is not None and status.status == COMPLETED and status.result:
        remaining = max(0.0, timeout - (time.monotonic() - started))
        await waiter.position(int(status.result.get("position", 0)), remaining)
    return status, time.monotonic() - started


def progress_history(status: CommandStatus) -> list[dict[str, Any]]:
    def seconds(ts: str) -> float:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()

    start = seconds(status.history[0]["timestamp"]) if status.history else 0.0
    return [
        {
            "timestamp": h["timestamp"],
            "elapsed_time": round(seconds(h["timestamp"]) - start, 3),
            "status": h["status"],
            "progress": h.get("progress", 0),
        }
        for h in status.history
    ]


async def finish(
    waiter: Waiter,
    command_id: str,
    timeout: float,
    poll_interval: float,
    success_message: str = "Command completed successfully",
    known: CommandStatus | None = None,
) -> JSONResponse:
    """The command's outcome once it has one (`known`: its status as just read)."""
    status, elapsed = await wait_final(waiter, command_id, timeout, poll_interval, known)
    if status is None or not status.is_final:
        raise Timeout(
            f"Operation timed out after {timeout:g} seconds",
            {
                "command_id": command_id,
                "hint": f"You can check the status using GET {status_url(command_id)}",
            },
        )
    if status.status != COMPLETED:
        error = status.error or {}
        details = {**error.get("details", {}), "command_id": command_id}
        return error_response(
            status_of_failure(error),
            error.get("code", "COMMAND_FAILED"),
            error.get("message", "command failed"),
            details,
        )
    data = {
        "command_id": command_id,
        "status": status.status,
        "execution_time": elapsed,
        "result": status.result,
        "progress_history": progress_history(status),
    }
    return JSONResponse(
        {"status": "success", "message": success_message, "command_id": command_id, "data": data}
    )
