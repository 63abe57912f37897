"""Readiness of the distributed API as an operator meets it: with the relay stopped, writes
are accepted but never run, and `/ready` says so (503, naming the relay and the waiting
commands) within its lag bound, while `/health` only says the API is up; with the relay
started again, the command runs and the API is ready."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.chaos.support import running_cluster, set_up_chaos_database, wait_all


@pytest.mark.timeout(400)
def test_ready_names_a_stopped_relay_and_the_commands_it_holds_up(tmp_path: Path) -> None:
    with running_cluster(tmp_path, workers=1) as cluster:
        api = cluster.api
        set_up_chaos_database(api)
        assert httpx.get(f"{api.url}/ready").status_code == 200
        cluster.relay.stop()
        accepted = httpx.post(
            f"{api.url}/api/v1/database/chaos/instances/Item/create",
            json={"data": {"item_id": "held"}},
            headers=api.headers,
        )
        assert accepted.status_code == 202, accepted.text
        deadline = time.monotonic() + 60
        while (ready := httpx.get(f"{api.url}/ready", timeout=30)).status_code == 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.5)
        assert ready.status_code == 503
        checks = {c["name"]: c for c in ready.json()["data"]["checks"]}
        assert checks["relay"]["ok"] is False and checks["relay"]["lag_events"] > 0
        assert "has not run" in checks["command workers"]["reason"]
        assert httpx.get(f"{api.url}/health").status_code == 200  # up, but not ready

        cluster.relay.start()
        assert wait_all(api, [accepted.json()["command_id"]]) == ["COMPLETED"]
        deadline = time.monotonic() + 60
        while (ready := httpx.get(f"{api.url}/ready", timeout=30)).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.5)
