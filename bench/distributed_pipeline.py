"""End-to-end command throughput of the distributed profile, and relay lag.

On the services `scripts/services start` runs (PostgreSQL, Redis, Kafka), each run gets a
fresh schema, key prefix and topic prefix, a database with 8 classes, and then COMMANDS
create-instance commands submitted from 4 threads (the API's CommandService, no HTTP),
spread over the classes. Throughput is commands / (first submit -> every outcome in the log).

- baseline: the in-process command worker (what `spice serve` runs) following the same
  PostgreSQL log;
- distributed: `spice relay` plus 1, 2 and 4 `spice worker commands` processes, fed through
  Kafka (4 partitions).

Relay lag: for each command, Kafka's timestamp of the relayed message minus the time the
command was accepted; p50 / p99 over the run.

Run: .venv/bin/python -m bench.distributed_pipeline [--commands N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.application.delivery.remote_progress import PendingCommands
from spice.application.log.serialization import envelope_from_bytes
from spice.application.ports.transport import COMMANDS
from spice.bootstrap.container import Container, build_container
from spice.bootstrap.settings import Settings
from tests.server import WorkerProcess
from tests.services import distributed_urls, kafka_prefix_url

CLASSES = 8


def _setup(container: Container, drain: PendingCommands) -> None:
    service = container.commands
    service.submit("CREATE_DATABASE", {"name": "bench"})
    assert drain.settled(60)
    for i in range(CLASSES):
        definition = {"id": f"C{i}", "properties": [{"name": "n", "type": "integer"}]}
        service.submit("CREATE_ONTOLOGY_CLASS", definition, database="bench")
    assert drain.settled(60)


def _submit(container: Container, commands: int) -> None:
    def one(i: int) -> None:
        payload = {"class_id": f"C{i % CLASSES}", "data": {"n": i}}
        container.commands.submit("CREATE_INSTANCE", payload, database="bench")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(commands)))


def _relay_lag(kafka: str, since: float) -> list[float]:
    transport = KafkaTransport(kafka)
    sub = transport.subscribe(f"lag-{time.time_ns()}", [transport.topic(COMMANDS)])
    lags = []
    try:
        while batch := sub.poll(1000, 5.0):
            for m in batch:
                accepted = envelope_from_bytes(m.value).occurred_at
                at = datetime.fromisoformat(accepted).timestamp()
                if at >= since:
                    lags.append(m.timestamp - at)
    finally:
        sub.close()
        transport.delete_topics(transport.pipeline_topics())
    return lags


def run(commands: int, workers: int) -> tuple[float, list[float]]:
    """Commands per second with `workers` worker processes (0: the in-process worker)."""
    with distributed_urls() as urls, tempfile.TemporaryDirectory() as tmp:
        kafka = kafka_prefix_url()
        fields = {**urls, "data_dir": Path(tmp)}
        if workers:
            fields |= {"transport_url": kafka, "process": "api", "topic_partitions": 4}
        container = build_container(Settings(run_workers=False).model_copy(update=fields))
        env = {f"SPICE_{k.upper()}": v for k, v in urls.items()} | {
            "SPICE_TRANSPORT_URL": kafka,
            "SPICE_TOPIC_PARTITIONS": "4",
            "SPICE_AUTH_SECRET": "bench-" + "s" * 32,
        }
        processes = [WorkerProcess(Path(tmp), ["relay"], env, "relay")]
        processes += [
            WorkerProcess(Path(tmp), ["worker", "commands"], env, f"w{i}") for i in range(workers)
        ]
        if workers:
            for process in processes:
                process.start()
        else:
            container.worker.start()
        drain = PendingCommands(container.events)
        try:
            _setup(container, drain)
            since = time.time()
            start = time.perf_counter()
            _submit(container, commands)
            assert drain.settled(600)
            rate = commands / (time.perf_counter() - start)
        finally:
            for process in processes:
                process.stop()
            container.stop()
        return rate, _relay_lag(kafka, since) if workers else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commands", type=int, default=1500)
    args = parser.parse_args()
    baseline, _ = run(args.commands, 0)
    print(f"{args.commands} create-instance commands, PostgreSQL + Redis (+ Kafka)")
    print(f"in-process worker (baseline): {baseline:8.0f} commands/s")
    for workers in (1, 2, 4):
        rate, lags = run(args.commands, workers)
        p50 = statistics.median(lags) * 1000 if lags else float("nan")
        p99 = statistics.quantiles(lags, n=100)[98] * 1000 if len(lags) > 1 else float("nan")
        print(
            f"relay + {workers} worker process(es): {rate:8.0f} commands/s "
            f"({rate / baseline:.2f}x baseline); relay lag p50 {p50:.1f} ms, p99 {p99:.1f} ms "
            f"over {len(lags)} commands"
        )


if __name__ == "__main__":
    main()
