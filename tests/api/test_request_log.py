"""Request ids and the access log: each request gets an id (its own X-Request-ID when
sane), answered in the header, carried by the commands it issues (their correlation id),
and one access line per request."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.api.support import container_of, wait_ok


def test_a_request_id_is_answered_and_carried_by_its_commands(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="spice.access")
    sent = client.post("/api/v1/databases", json={"name": "shop"}, headers={"X-Request-ID": "r-1"})
    assert sent.headers["x-request-id"] == "r-1"
    made = client.get("/api/v1/types")
    generated = made.headers["x-request-id"]
    assert len(generated) == 32 and generated != "r-1"
    odd = client.get("/api/v1/types", headers={"X-Request-ID": "two words"})
    assert odd.headers["x-request-id"] not in ("two words", generated)  # not taken as sent

    wait_ok(client, "POST", "/api/v1/databases", json={"name": "other"})
    events = container_of(client).events.read_all(0, 1000)
    created = next(
        e for e in events if e.event_type == "DatabaseCreated" and e.aggregate_id == "db:shop"
    )
    assert created.metadata["request_id"] == "r-1"
    other = next(e for e in events if e.aggregate_id == "db:other")
    assert len(other.metadata["request_id"]) == 32  # one made for it: every write has one

    lines = [r for r in caplog.records if r.name == "spice.access"]
    first = lines[0]
    assert (first.method, first.path, first.route, first.status) == (  # type: ignore[attr-defined]
        "POST",
        "/api/v1/databases",
        "/api/v1/databases",
        202,
    )
    assert first.user == "anonymous" and first.client == "testclient"  # type: ignore[attr-defined]
    assert first.duration_ms >= 0  # type: ignore[attr-defined]
    assert first.request_id == "r-1"  # type: ignore[attr-defined]
    unknown = client.get("/no/such/path")
    assert unknown.status_code == 404 and unknown.headers["x-request-id"]
    assert caplog.records[-1].status == 404  # type: ignore[attr-defined]
