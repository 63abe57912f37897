"""An import run on the distributed profile as separate processes (`spice api`, `spice
relay`, `spice worker projections`, one `spice worker commands`), with the command worker
SIGKILLed while it writes the batches and started again: the run resumes and ends with
every row imported once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.chaos.support import Cluster, running_cluster
from tests.server import ServerProcess

ROWS = 6000
SITES = "site_id,name\n" + "".join(f"S{i},site {i}\n" for i in range(40))
READINGS = "reading_id,site,value\n" + "".join(f"R{i},S{i % 40},{i * 0.5}\n" for i in range(ROWS))


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with running_cluster(tmp_path, workers=1) as found:
        yield found


def _post(api: ServerProcess, path: str, **kwargs: object) -> httpx.Response:
    r = httpx.post(f"{api.url}{path}", headers=api.headers, timeout=150, **kwargs)  # type: ignore[arg-type]
    assert r.status_code in (200, 202), (path, r.status_code, r.text)
    return r


@pytest.mark.timeout(400)
def test_a_command_worker_killed_mid_import_resumes_it_without_doubling(cluster: Cluster) -> None:
    api = cluster.api
    auth = api.headers
    # A cold Kafka may take long to assign the first partitions: the first wait is long.
    _post(api, "/api/v1/databases?wait=true&timeout=120", json={"name": "onboard"})
    db = f"{api.url}/api/v1/databases/onboard"
    for name, text in (("sites", SITES), ("readings", READINGS)):
        files = {"file": (f"{name}.csv", text.encode())}
        _post(
            api,
            f"/api/v1/databases/onboard/datasets/{name}/versions?wait=true&timeout=60",
            files=files,
        )
    mapping = httpx.post(f"{db}/datasets/suggest-ontology", headers=auth, timeout=60).json()[
        "data"
    ]["mapping"]
    r = httpx.put(f"{db}/mappings/m?wait=true&timeout=60", json=mapping, headers=auth, timeout=90)
    assert r.status_code == 200, r.text
    command_id = _post(api, "/api/v1/databases/onboard/imports", json={"mapping": "m"}).json()[
        "command_id"
    ]
    status_url = f"{api.url}/api/v1/commands/{command_id}/status"
    deadline = time.monotonic() + 120
    while httpx.get(status_url, headers=auth, timeout=10).json()["progress"] <= 10:
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    worker = cluster.workers[0]
    worker.kill()  # between batches or inside one
    progress_at_kill = httpx.get(status_url, headers=auth, timeout=10).json()["progress"]
    worker.start()
    deadline = time.monotonic() + 240
    while (status := httpx.get(status_url, headers=auth, timeout=10).json())["status"] not in (
        "COMPLETED",
        "FAILED",
    ):
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    assert status["status"] == "COMPLETED", status
    assert progress_at_kill < 100
    result = status["result"]
    assert (result["created"], result["refused"]) == (ROWS + 40, 0), result
    # The run was taken up again by the restarted worker.
    assert "RETRYING" in [h["status"] for h in status["history"]], status["history"]
    query = f"limit=1&min_position={result['position']}&timeout=120"
    listed = httpx.get(
        f"{api.url}/api/v1/database/onboard/instances/Reading?{query}", headers=auth, timeout=150
    )
    assert listed.json()["data"]["total"] == ROWS
    again = _post(
        api, "/api/v1/databases/onboard/imports?wait=true&timeout=120", json={"mapping": "m"}
    )
    repeated = again.json()["data"]["result"]
    assert (repeated["created"], repeated["skipped"]) == (0, ROWS + 40)
