"""Command tracking: idempotency keys, sync wrappers, timeouts, failures and statuses."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.adapters.distributed.redis_command_status import RedisCommandStatusStore
from spice.application.commands.ids import new_id
from spice.bootstrap.settings import Settings
from spice.domain.commands import CreateDatabase, IssuedCommand
from spice.entrypoints.api.app import create_app
from tests.api.support import CUSTOMER, container_of, wait_command, wait_ok


def test_idempotency_key_maps_a_retry_to_the_same_command(client: TestClient) -> None:
    headers = {"Idempotency-Key": "create-demo-1"}
    first = client.post("/api/v1/databases", json={"name": "demo"}, headers=headers)
    second = client.post("/api/v1/databases", json={"name": "demo"}, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["command_id"] == second.json()["command_id"]
    assert wait_command(client, first.json()["command_id"])["status"] == "COMPLETED"
    third = client.post("/api/v1/databases", json={"name": "demo"}, headers=headers)
    assert third.json()["command_id"] == first.json()["command_id"]
    other = client.post("/api/v1/databases", json={"name": "demo2"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["code"] == "IDEMPOTENCY_CONFLICT"
    commands = container_of(client).events.read_all(0, 100, "Command")
    accepted = [e for e in commands if e.event_type == "CommandAccepted"]
    assert len(accepted) == 1


def test_a_retry_racing_its_original_gets_the_originals_answer(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retry looked for its key before the original was stored, and the original ran
    before the retry's check (which now fails: the database exists): the retry still
    answers the original command, not 409."""
    headers = {"Idempotency-Key": "race-1"}
    first = client.post("/api/v1/databases?wait=true", json={"name": "demo"}, headers=headers)
    assert first.status_code == 200
    service = container_of(client).commands
    looked = service._existing
    seen: list[bool] = []

    def too_early(issued: Any) -> Any:
        if not seen:  # the first look happens before the original is stored
            seen.append(True)
            return None
        return looked(issued)

    monkeypatch.setattr(service, "_existing", too_early)
    retry = client.post("/api/v1/databases", json={"name": "demo"}, headers=headers)
    assert retry.status_code == 202, retry.text
    assert retry.json()["command_id"] == first.json()["command_id"]
    plain = client.post("/api/v1/databases", json={"name": "demo"})  # no key: a new request
    assert plain.status_code == 409


def test_sync_create_and_wait(client: TestClient) -> None:
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    r = client.post("/api/v1/ontology/demo/sync/create?timeout=10&poll_interval=0.1", json=CUSTOMER)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    assert body["data"]["result"]["class_id"] == "Customer"
    cid = body["data"]["command_id"]
    waited = client.get(f"/api/v1/ontology/demo/sync/command/{cid}/wait?timeout=5").json()
    assert [h["status"] for h in waited["data"]["progress_history"]][-1] == "COMPLETED"
    status = client.get(f"/api/v1/ontology/demo/async/command/{cid}/status").json()
    assert status["status"] == "COMPLETED"
    assert status["result"]["progress"] == 100


def test_async_create_returns_pending_command(client: TestClient) -> None:
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    r = client.post("/api/v1/ontology/demo/async/create", json=CUSTOMER)
    assert r.status_code == 202
    cid = r.json()["command_id"]
    assert r.json()["data"]["command_id"] == cid
    assert wait_command(client, cid)["status"] == "COMPLETED"


def test_sync_timeout_is_408_with_a_hint(settings: Settings) -> None:
    settings = settings.model_copy(update={"run_workers": False, "drain_timeout_seconds": 0})
    with TestClient(create_app(settings)) as client:
        r = client.post("/api/v1/databases?wait=true&timeout=1", json={"name": "demo"})
        assert r.status_code == 408
        body = r.json()
        assert body["code"] == "TIMEOUT"
        assert body["details"]["hint"].startswith("You can check the status")
        status = client.get(f"/api/v1/commands/{body['details']['command_id']}/status").json()
        assert status["status"] == "PENDING"


def test_timeout_bounds_are_checked(client: TestClient) -> None:
    r = client.post("/api/v1/ontology/demo/sync/create?timeout=301", json=CUSTOMER)
    assert r.status_code == 422
    r = client.post("/api/v1/ontology/demo/sync/create?poll_interval=0.01", json=CUSTOMER)
    assert r.status_code == 422


def test_failure_in_the_worker_is_recorded_in_the_log(client: TestClient) -> None:
    """Two racing creates of one id: one completes, the other fails with a recorded 409."""
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    wait_ok(client, "POST", "/api/v1/database/demo/ontology", json=CUSTOMER)
    container = container_of(client)
    container.worker.stop()
    body = {"data": {"customer_id": "c1", "name": "Kim"}}
    ids = [
        client.post("/api/v1/database/demo/instances/Customer/create", json=body).json()[
            "command_id"
        ]
        for _ in range(2)
    ]
    container.worker.run_until_caught_up()
    statuses = [container.tracker.get(i) for i in ids]
    assert [s.status for s in statuses] == ["COMPLETED", "FAILED"]
    assert statuses[1].error["code"] == "CONFLICT"
    outcome = container.events.head(f"cmd:{ids[1]}")
    assert outcome.event_type == "CommandFailed"


def test_status_history_and_result(client: TestClient) -> None:
    done = wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    status = client.get(f"/api/v1/commands/{done['command_id']}/status").json()
    assert [h["status"] for h in status["history"]] == ["PENDING", "PROCESSING", "COMPLETED"]
    assert status["progress"] == 100
    assert status["result"]["aggregate_id"] == "db:demo"
    assert status["result"]["position"] >= 2


def test_status_of_a_logged_but_untracked_command_is_pending(settings: Settings) -> None:
    """A crash between appending a command and tracking it must not hide the command."""
    settings = settings.model_copy(update={"run_workers": False})
    with TestClient(create_app(settings)) as client:
        command = IssuedCommand(new_id(), CreateDatabase(database="demo", name="demo"), "kim")
        container_of(client).events.append([command.to_envelope("2026-01-01T00:00:00Z")])
        body = client.get(f"/api/v1/commands/{command.command_id}/status").json()
        assert body["status"] == "PENDING"
        container_of(client).worker.run_until_caught_up()
        body = client.get(f"/api/v1/commands/{command.command_id}/status").json()
        assert body["status"] == "COMPLETED"


def test_status_reports_an_outcome_the_tracker_missed(settings: Settings) -> None:
    """A crash after the outcome was appended but before the status store heard of it."""
    settings = settings.model_copy(update={"run_workers": False})
    with TestClient(create_app(settings)) as client:
        container = container_of(client)
        r = client.post("/api/v1/databases", json={"name": "demo"})
        cid = r.json()["command_id"]
        real_transition = container.tracker.transition

        def crash_before_completed(command_id: str, new_status: str, *args: Any, **kw: Any) -> Any:
            if new_status == "COMPLETED":
                raise _Crash()
            return real_transition(command_id, new_status, *args, **kw)

        container.tracker.transition = crash_before_completed  # type: ignore[method-assign]
        with contextlib.suppress(_Crash):
            container.worker.run_until_caught_up()
        container.tracker.transition = real_transition  # type: ignore[method-assign]
        assert container.events.head(f"cmd:{cid}").event_type == "CommandCompleted"
        assert container.tracker.get(cid).status == "PROCESSING"
        body = client.get(f"/api/v1/commands/{cid}/status").json()
        assert body["status"] == "COMPLETED"
        assert body["result"]["aggregate_id"] == "db:demo"


class _Crash(Exception):
    """Stands for the process dying at that point."""


def test_a_final_status_never_changes(client: TestClient) -> None:
    done = wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    tracker = container_of(client).tracker
    tracker.transition(done["command_id"], "FAILED", "late duplicate report")
    status = tracker.get(done["command_id"])
    assert status.status == "COMPLETED"
    assert [h["status"] for h in status.history] == ["PENDING", "PROCESSING", "COMPLETED"]


def test_events_carry_actor_command_and_request_ids(client: TestClient) -> None:
    headers = {"X-User-ID": "kim", "X-Request-ID": "req-42"}
    done = client.post("/api/v1/databases?wait=true", json={"name": "demo"}, headers=headers)
    cid = done.json()["command_id"]
    event = container_of(client).events.read_stream("db:demo")[0]
    assert event.actor == "kim"
    assert event.metadata["command_id"] == cid
    assert event.metadata["causation_id"] == cid
    assert event.metadata["request_id"] == "req-42"
    assert event.metadata["command_type"] == "CREATE_DATABASE"


def test_a_forgotten_status_is_made_again_from_the_log(client: TestClient) -> None:
    done = client.post("/api/v1/databases?wait=true", json={"name": "kept"}).json()["data"]
    container = container_of(client)
    container.housekeeping.jobs["command statuses forgotten"]()  # within the retention
    assert container.tracker.store.get(done["command_id"]) is not None
    store = container.tracker.store
    if isinstance(store, RedisCommandStatusStore):  # its TTL runs out: as if it had
        store._redis.delete(store._key(done["command_id"]))  # noqa: SLF001
    else:
        assert store.prune("9999-01-01T00:00:00Z") >= 1
    assert store.get(done["command_id"]) is None
    again = client.get(f"/api/v1/commands/{done['command_id']}/status").json()
    assert (again["status"], again["result"]["database"]) == ("COMPLETED", "kept")
