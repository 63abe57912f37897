"""`/ready`: 200 when writes are carried from the log to the reads, 503 with the reason in
words when a store cannot be read, a required follower is not running or falls behind, or
commands wait for command workers that do not run; a lagging search index degrades."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.delivery.remote_progress import PendingCommands
from spice.application.reads.readiness import Follower, Readiness
from spice.bootstrap.settings import Settings
from spice.domain.commands import CreateDatabase
from spice.entrypoints.api.app import create_app
from tests.api.support import TEST_HOST, container_of, wait_ok


class UnreadableLog(InMemoryEventStore):
    def head_position(self) -> int:
        raise OSError("disk I/O error")


def _app(tmp_path: Path, run_workers: bool = True) -> TestClient:
    settings = Settings(
        data_dir=tmp_path / "data", run_workers=run_workers, allowed_hosts=TEST_HOST
    )
    return TestClient(create_app(settings))


@pytest.fixture
def running(tmp_path: Path) -> Iterator[TestClient]:
    with _app(tmp_path) as client:
        yield client


def _checks(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in body["data"]["checks"]}


def test_ready_with_every_check_timed(running: TestClient) -> None:
    wait_ok(running, "POST", "/api/v1/databases", json={"name": "demo"})
    for path in ("/ready", "/api/v1/ready"):
        response = running.get(path)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["data"]["ready"], body["data"]["status"]) == (
            "success",
            True,
            "ready",
        )
        checks = _checks(body)
        assert set(checks) == {
            "event store",
            "document store",
            "command statuses",
            "search index",
            "blob store",
            "connectors",
            "command worker",
            "document projection",
            "search projection",
        }
        assert all(c["ok"] and c["took_ms"] >= 0 for c in checks.values())
        assert checks["document projection"]["lag_events"] == 0


def test_not_ready_when_the_workers_do_not_run(tmp_path: Path) -> None:
    with _app(tmp_path, run_workers=False) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["data"]["status"] == "not ready"
    assert "command worker: not running in this process" in body["message"]
    assert _checks(body)["command worker"]["required"] is True


def test_a_stopped_projection_is_not_ready_and_a_stopped_search_degrades(
    running: TestClient,
) -> None:
    container = container_of(running)
    wait_ok(running, "POST", "/api/v1/databases", json={"name": "demo"})
    container.search_projector.stop()
    wait_ok(running, "POST", "/api/v1/databases", json={"name": "more"})
    degraded = running.get("/ready")
    assert degraded.status_code == 200
    assert degraded.json()["data"]["status"] == "degraded"
    assert "search projection: not running" in degraded.json()["message"]
    assert _checks(degraded.json())["search projection"]["lag_events"] > 0
    container.projector.stop()
    stopped = running.get("/ready")
    assert stopped.status_code == 503
    assert "document projection: not running in this process" in stopped.json()["message"]


def test_an_unreadable_store_is_named_in_words(running: TestClient) -> None:
    container_of(running).readiness.events = UnreadableLog()
    response = running.get("/ready")
    assert response.status_code == 503
    check = _checks(response.json())["event store"]
    assert check["reason"] == "cannot be read (OSError: disk I/O error)"
    assert "Traceback" not in response.text


def test_commands_waiting_for_workers_elsewhere_are_not_ready(tmp_path: Path) -> None:
    """As the API of the distributed profile sees it: the relay's checkpoint and the
    commands in the log without an outcome."""
    with _app(tmp_path, run_workers=False) as client:
        container = container_of(client)
        pending = PendingCommands(container.events)
        container.commands.submit(CreateDatabase(database="waits", name="waits"), actor="kim")
        base = container.readiness
        published = {"relay": 0}
        readiness = Readiness(
            base.events,
            base.documents,
            base.statuses,
            base.search,
            base.blobs,
            [
                Follower("relay", lambda: published["relay"], True),
                Follower("document projection", lambda: 0, True),
            ],
            30,
            pending=pending,
        )
        assert readiness.report()["ready"] is True  # just accepted
        readiness.clock = lambda: time.time() + 45
        report = readiness.report()
        checks = {c["name"]: c for c in report["checks"]}
        assert report["ready"] is False
        assert checks["relay"]["lag_events"] == container.events.head_position()
        projection = checks["document projection"]
        assert projection["lag_seconds"] >= 44
        assert projection["reason"].startswith(f"{projection['lag_events']} events behind")
        assert "(more than 30s)" in projection["reason"]
        assert (
            "are the relay and `spice worker commands` running?"
            in checks["command workers"]["reason"]
        )
        published["relay"] = container.events.head_position()
        assert {c["name"]: c for c in readiness.report()["checks"]}["relay"]["ok"] is True
