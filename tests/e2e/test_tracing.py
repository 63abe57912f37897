"""Traces across API -> command -> worker -> projection, from a real `spice serve` with
`SPICE_TRACE_EXPORTER=console`: the request's span (FastAPI's) holds the command's span,
through the trace context the log keeps with the command, and the projection steps link to
that trace. A `traceparent` a client sends is continued."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.server import ServerProcess

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


def _spans(log: str) -> list[dict[str, Any]]:
    """The spans the console exporter wrote among the log lines (JSON objects)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (at := log.find('{\n    "name"', at)) != -1:
        span, at = decoder.raw_decode(log, at)
        found.append(span)
    return found


def test_a_write_is_one_trace_from_request_to_projection(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", env={"SPICE_TRACE_EXPORTER": "console"})
    server.start()
    try:
        made = httpx.post(
            f"{server.url}/api/v1/databases?wait=true",
            json={"name": "shop"},
            headers={"traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01"},
            timeout=30,
        )
        assert made.status_code == 200, made.text
        ready = httpx.get(f"{server.url}/ready", timeout=30).json()["data"]
        assert ready["status"] == "ready", ready  # the projections have caught up
    finally:
        server.stop()  # the exporter writes what it holds on the way out
    spans = _spans((tmp_path / f"server-{server.port}.log").read_text())
    by_id = {s["context"]["span_id"]: s for s in spans}
    (request,) = [s for s in spans if s["name"] == "POST /api/v1/databases"]
    (command,) = [s for s in spans if s["name"] == "command CREATE_DATABASE"]
    assert request["context"]["trace_id"] == command["context"]["trace_id"] == f"0x{TRACE_ID}"
    assert request["parent_id"] == "0xb7ad6b7169203331"  # the client's span
    parent = command["parent_id"]
    while parent is not None and parent != request["context"]["span_id"]:
        parent = by_id[parent]["parent_id"]  # FastAPI's endpoint span, inside the request's
    assert parent is not None, "the command's span is not under the request's"
    assert command["attributes"]["spice.command_id"] == made.json()["data"]["command_id"]
    linked = {
        link["context"]["trace_id"]
        for s in spans
        if s["name"] in ("project documents", "index for search")
        for link in s["links"]
    }
    assert f"0x{TRACE_ID}" in linked
    assert all(s["resource"]["attributes"]["service.name"] == "spice-serve" for s in spans)
