"""OpenSearch stops while the distributed profile runs (api, relay, projections worker, one
command worker): writes go on, searches and graph queries answer from the document store and
say so, health says degraded; once OpenSearch is back the projections worker catches the index
up, reads come from it again, and documents and index equal a rebuild from the log.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.chaos.support import (
    SERVICES,
    check_read_models_equal_rebuild,
    running_cluster,
    set_up_chaos_database,
    settled_container,
    wait_all,
)
from tests.server import ServerProcess

DB = "/api/v1/database/chaos"
BATCH = 60


def create(api: ServerProcess, start: int) -> None:
    rows = [{"item_id": f"i{n:04d}", "n": n} for n in range(start, start + BATCH)]
    response = httpx.post(
        f"{api.url}{DB}/instances/Item/bulk-create",
        json={"instances": rows},
        headers=api.headers,
        timeout=60,
    )
    assert response.status_code == 202, response.text
    assert wait_all(api, [response.json()["command_id"]]) == ["COMPLETED"]


def head(api: ServerProcess) -> int:
    return int(httpx.get(f"{api.url}/health").json()["data"]["log_position"])


def search(api: ServerProcess, min_position: int | None = None) -> dict[str, Any]:
    params = {"min_position": min_position, "timeout": 10} if min_position else {}
    response = httpx.post(
        f"{api.url}{DB}/search", params=params, json={"limit": 5}, headers=api.headers, timeout=30
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def graph(api: ServerProcess) -> dict[str, Any]:
    body = {"start_class": "Item", "limit": 5}
    response = httpx.post(
        f"{api.url}/api/v1/graph-query/chaos", json=body, headers=api.headers, timeout=30
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def services(*args: str) -> None:
    subprocess.run([str(SERVICES), *args], check=True, capture_output=True)


@pytest.mark.timeout(400)
def test_reads_degrade_honestly_while_opensearch_is_away_and_recover(tmp_path: Path) -> None:
    with running_cluster(tmp_path, workers=1) as cluster:
        api = cluster.api
        set_up_chaos_database(api)
        create(api, 0)
        before = search(api, head(api))
        assert before["index"]["source"] == "search_index" and before["total"] == BATCH

        services("stop", "opensearch")
        try:
            create(api, BATCH)  # writes do not need the search index
            started = time.monotonic()
            degraded = search(api, head(api))
            assert time.monotonic() - started < 5, "an unreachable index is not waited for"
            assert degraded["index"]["source"] == "document_store"
            assert degraded["total"] == 2 * BATCH
            codes = {w["code"] for w in degraded["warnings"]}
            assert "search_index_unavailable" in codes
            nodes = graph(api)
            assert nodes["index_summary"]["source"] == "document_store"
            assert [n["data_status"] for n in nodes["nodes"]] == ["FULL"] * 5
            assert "search_index_unavailable" in {w["code"] for w in nodes["warnings"]}
            health = httpx.get(f"{api.url}/health").json()
            assert health["message"].startswith("degraded")
            assert health["data"]["search_index"]["ok"] is False
            ready = httpx.get(f"{api.url}/ready", timeout=30)  # reads fall back: still ready
            assert ready.status_code == 200, ready.text
            assert ready.json()["data"]["status"] == "degraded"
        finally:
            services("start", "opensearch")

        # The index answering again and the API's watch of its checkpoint seeing it again
        # are two moments: the watch retries a failed step a second later, so readiness
        # says "its last step failed" until then. Both must come back within the deadline.
        deadline = time.monotonic() + 90
        while True:
            recovered = search(api)
            ready = httpx.get(f"{api.url}/ready").json()["data"]
            if (
                recovered["index"]["source"] == "search_index"
                and not recovered["index"]["lag_events"]
                and ready["status"] == "ready"
            ):
                break
            assert time.monotonic() < deadline, (recovered, ready)
            time.sleep(0.5)
        assert recovered["total"] == 2 * BATCH and recovered["warnings"] == []
        nodes = graph(api)
        assert nodes["index_summary"]["source"] == "search_index"
        assert nodes["index_summary"]["statuses"]["FULL"] == 5
        assert httpx.get(f"{api.url}/health").json()["message"] == "healthy"
        assert {c["name"] for c in ready["checks"]} >= {"relay", "command workers"}

        container = settled_container(api)
        try:
            check_read_models_equal_rebuild(container, 2 * BATCH)
        finally:
            container.stop()
