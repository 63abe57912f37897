"""The distributed profile as separate processes on real PostgreSQL, Redis, Kafka and
OpenSearch: `spice api`, `spice relay`, `spice worker projections` and two
`spice worker commands`.

While commands flow, one command worker is SIGKILLed mid-batch and Kafka is stopped and
started again. Every accepted command must complete exactly once, and the read models must
equal a rebuild from the log.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spice.application.ports.transport import dlq_topic
from tests.chaos.support import (
    BULK_SIZE,
    BULKS,
    SINGLES,
    Cluster,
    check_log_and_read_models,
    request_specs,
    restart_service,
    running_cluster,
    send_all,
    set_up_chaos_database,
    wait_all,
)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with running_cluster(tmp_path) as found:
        yield found


@pytest.mark.timeout(600)
def test_worker_sigkill_and_kafka_restart_lose_and_double_nothing(cluster: Cluster) -> None:
    api = cluster.api
    set_up_chaos_database(api)
    specs = request_specs()
    outage = threading.Thread(target=restart_service, args=("kafka",))
    third = len(specs) // 3

    def chaos(accepted: int) -> None:
        if accepted == third:
            cluster.workers[0].kill()  # mid-batch: it holds claims and uncommitted offsets
        if accepted == 2 * third:
            outage.start()

    accepted = send_all(api, specs, kill_after=None, on_accept=chaos)
    assert set(accepted) == {s[0] for s in specs}
    outage.join()
    assert wait_all(api, list(accepted.values())) == ["COMPLETED"] * len(specs)
    total = httpx.get(
        f"{api.url}/api/v1/database/chaos/instances/Item?limit=1", headers=api.headers
    ).json()
    assert total["data"]["total"] == SINGLES + BULKS * BULK_SIZE
    assert cluster.workers[1].alive() and cluster.relay.alive()
    # Nothing was dead-lettered.
    sub = cluster.transport.subscribe("dlq-check", [dlq_topic(cluster.transport.topic("commands"))])
    try:
        assert sub.poll(10, 3.0) == []
    finally:
        sub.close()
    check_log_and_read_models(api, len(specs))
