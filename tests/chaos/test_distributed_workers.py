"""The distributed profile as separate processes on real PostgreSQL, Redis and Kafka:
`spice api`, `spice relay`, `spice worker projections` and two `spice worker commands`.

While commands flow, one command worker is SIGKILLed mid-batch and Kafka is stopped and
started again. Every accepted command must complete exactly once, and the read models must
equal a rebuild from the log.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.application.ports.transport import dlq_topic
from tests.chaos.test_kill_server import (
    BULK_SIZE,
    BULKS,
    CLASS,
    SINGLES,
    check_log_and_read_models,
    request_specs,
    send_all,
    wait_all,
)
from tests.server import ServerProcess, WorkerProcess
from tests.services import distributed_urls, kafka_prefix_url

SERVICES = Path(__file__).resolve().parents[2] / "scripts" / "services"


@dataclass
class Cluster:
    api: ServerProcess
    relay: WorkerProcess
    projections: WorkerProcess
    workers: list[WorkerProcess]
    transport: KafkaTransport


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with distributed_urls() as urls:
        kafka = kafka_prefix_url()
        env = {f"SPICE_{name.upper()}": url for name, url in urls.items()}
        env |= {
            "SPICE_TRANSPORT_URL": kafka,
            "SPICE_WORKER_LEASE_SECONDS": "3",
            "SPICE_TOPIC_PARTITIONS": "4",
        }
        data = tmp_path / "data"
        data.mkdir()

        def worker(name: str, *args: str) -> WorkerProcess:
            return WorkerProcess(data, list(args), env | {"SPICE_WORKER_ID": name}, name)

        found = Cluster(
            ServerProcess(data, env=env, command="api"),
            worker("relay", "relay"),
            worker("projections", "worker", "projections"),
            [worker(f"worker-{i}", "worker", "commands") for i in (1, 2)],
            KafkaTransport(kafka),
        )
        processes = [found.relay, found.projections, *found.workers]
        for process in processes:
            process.start()
        found.api.start(timeout=60)
        try:
            yield found
        finally:
            found.api.stop()
            for process in processes:
                process.stop()
            found.transport.delete_topics(found.transport.pipeline_topics())


def restart_kafka() -> None:
    subprocess.run([str(SERVICES), "stop", "kafka"], check=True, capture_output=True)
    time.sleep(2)
    subprocess.run([str(SERVICES), "start", "kafka"], check=True, capture_output=True)


@pytest.mark.timeout(400)
def test_worker_sigkill_and_kafka_restart_lose_and_double_nothing(cluster: Cluster) -> None:
    api = cluster.api
    setup = [("/api/v1/databases", {"name": "chaos"}), ("/api/v1/database/chaos/ontology", CLASS)]
    for path, body in setup:
        assert httpx.post(f"{api.url}{path}?wait=true", json=body, timeout=60).status_code == 200
    specs = request_specs()
    outage = threading.Thread(target=restart_kafka)
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
    total = httpx.get(f"{api.url}/api/v1/database/chaos/instances/Item?limit=1").json()
    assert total["data"]["total"] == SINGLES + BULKS * BULK_SIZE
    assert cluster.workers[1].alive() and cluster.relay.alive()
    # Nothing was dead-lettered.
    sub = cluster.transport.subscribe("dlq-check", [dlq_topic(cluster.transport.topic("commands"))])
    try:
        assert sub.poll(10, 3.0) == []
    finally:
        sub.close()
    check_log_and_read_models(api, len(specs))
