"""Prometheus metrics through the API: requests counted under their route template with
their status, commands by type and outcome with their latency, the log head and the lag
of each follower; administrators only where sign-in is on."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import (
    ADMIN_PASSWORD,
    SECURED,
    bearer,
    container_of,
    head,
    signed_in,
    wait_ok,
)

INSTANCES = "/api/v1/database/demo/instances/Customer"


def _samples(client: TestClient, **headers: str) -> dict[tuple[str, frozenset], float]:
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def test_requests_commands_and_lag_are_measured(demo: TestClient) -> None:
    body = {"data": {"customer_id": "c1", "name": "Kim"}}
    wait_ok(demo, "POST", f"{INSTANCES}/create", json=body)
    for cid in ("c1", "c1", "nobody"):
        demo.get(f"{INSTANCES}/{cid}")
    found = _samples(demo)
    route = "/api/v1/database/{db}/instances/{class_id}/{instance_id}"
    get = {("method", "GET"), ("route", route)}
    assert found[("spice_http_requests_total", frozenset({*get, ("status", "200")}))] == 2
    assert found[("spice_http_requests_total", frozenset({*get, ("status", "404")}))] == 1
    assert found[("spice_http_request_duration_seconds_count", frozenset(get))] == 3
    created = frozenset({("command_type", "CREATE_INSTANCE"), ("outcome", "COMPLETED")})
    assert found[("spice_commands_total", created)] == 1
    assert found[("spice_command_duration_seconds_count", created)] == 1
    assert found[("spice_log_head_position", frozenset())] == head(demo)
    projection = frozenset({("follower", "document projection")})
    assert 0 <= found[("spice_follower_lag_events", projection)] <= head(demo)
    assert found[("spice_follower_lag_seconds", projection)] >= 0


def test_metrics_are_for_administrators_where_sign_in_is_on(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update=SECURED))) as client:
        admin = bearer(signed_in(client, "admin", ADMIN_PASSWORD))
        assert client.get("/metrics").status_code == 401
        user = {"username": "kim", "password": "kim's password"}
        wait_ok(client, "POST", "/api/v1/auth/users", json=user, headers=admin)
        kim = bearer(signed_in(client, "kim", "kim's password"))
        assert client.get("/metrics", headers=kim).status_code == 403
        samples = _samples(client, **admin)
        refused = {("method", "GET"), ("route", "/metrics"), ("status", "401")}
        assert samples[("spice_http_requests_total", frozenset(refused))] == 1


def test_commands_waiting_for_the_worker_are_counted(client: TestClient) -> None:
    worker = container_of(client).worker
    worker.stop()
    for name in ("one", "two"):
        assert client.post("/api/v1/databases", json={"name": name}).status_code == 202
    assert _samples(client)[("spice_commands_waiting", frozenset())] == 2
    worker.run_until_caught_up()
    assert _samples(client)[("spice_commands_waiting", frozenset())] == 0
