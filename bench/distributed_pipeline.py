"""The distributed profile as separate processes: `spice api`, `spice relay`, `spice worker
projections` and 1, 2 or 4 `spice worker commands`, on the services `scripts/services start`
runs (PostgreSQL, Redis, Kafka, OpenSearch, S3). Each configuration gets fresh schemas,
prefixes and topics (8 partitions).

For each number of command workers:
- single creates through HTTP with `?wait=true` from 1, 4 and 16 concurrent clients
  (commands/s, p50, p99), beside `GET /health` at the same concurrency;
- the command workers' drain rate: with the relay stopped, commands are accepted (202) and
  wait in the log; the relay starts again and the workers, which kept their partitions, run
  them; the rate is commands / (last outcome - first outcome), both times as the log
  records them, so the relay's start-up is not counted;
- the CPU each process used during the drain, per 1,000 commands (from /proc), which says
  what one more worker can add on this machine;
- relay lag: Kafka's timestamp of each relayed command minus when it was accepted.

Baselines, same run: `spice serve` (API, worker and projectors in one process) on the same
services for the singles, and its in-process command worker's drain rate on the same log.
With 4 workers the run ends with a bulk create until readable.

Run: .venv/bin/python -m bench.distributed_pipeline [--singles N] [--drain N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from bench.http_end_to_end import (
    Connection,
    Run,
    bulk_until_readable,
    concurrently,
    health,
    measure_server,
    print_bulk,
    print_singles,
    queue_creates,
    row,
    setup,
    single_create,
)
from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.application.log.serialization import envelope_from_bytes
from spice.application.ports.transport import COMMANDS
from spice.bootstrap.container import build_container
from spice.bootstrap.settings import Settings
from spice.domain.envelope import EventEnvelope
from tests.server import ServerProcess, WorkerProcess
from tests.services import distributed_urls, kafka_prefix_url

PASSWORD = "bench-password-1"
CLIENTS = (1, 4, 16)
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Cluster:
    api: ServerProcess
    others: list[WorkerProcess]
    workers: list[WorkerProcess]
    kafka: str
    headers: dict[str, str] = field(default_factory=dict)

    def processes(self) -> dict[str, int]:
        found = {"api": self.api.proc.pid if self.api.proc else 0}
        found |= {p.name: p.proc.pid for p in [*self.others, *self.workers] if p.proc}
        return found


@contextmanager
def cluster(tmp: Path, workers: int) -> Iterator[Cluster]:
    with distributed_urls() as urls:
        kafka = kafka_prefix_url()
        env = {f"SPICE_{name.upper()}": url for name, url in urls.items()} | {
            "SPICE_TRANSPORT_URL": kafka,
            "SPICE_TOPIC_PARTITIONS": "8",
            "SPICE_AUTH_SECRET": "bench-" + "s" * 32,
            "SPICE_ADMIN_PASSWORD": PASSWORD,
            "SPICE_ACCESS_TOKEN_MINUTES": "120",
            "SPICE_RATE_LIMIT_PER_SECOND": "0",
            "SPICE_LOG_LEVEL": "WARNING",
        }
        data = tmp / f"data-{workers}"
        data.mkdir()

        def process(name: str, *args: str) -> WorkerProcess:
            return WorkerProcess(data, list(args), env | {"SPICE_WORKER_ID": name}, name)

        found = Cluster(
            ServerProcess(data, env=env, command="api"),
            [process("relay", "relay"), process("projections", "worker", "projections")],
            [process(f"worker-{i}", "worker", "commands") for i in range(1, workers + 1)],
            kafka,
        )
        for p in [*found.others, *found.workers]:
            p.start()
        found.api.start(timeout=60)
        try:
            found.headers = sign_in(found.api.url)
            yield found
        finally:
            found.api.stop()
            for p in [*found.others, *found.workers]:
                p.stop()
            transport = KafkaTransport(kafka)
            transport.delete_topics(transport.pipeline_topics())
            transport.close()


def sign_in(url: str) -> dict[str, str]:
    """The first administrator's token (the workers create it; Kafka may take a while)."""
    deadline = time.monotonic() + 150
    while True:
        r = httpx.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        if r.status_code == 200:
            return {"Authorization": f"Bearer {r.json()['data']['access_token']}"}
        assert time.monotonic() < deadline, r.text
        time.sleep(0.3)


def outcome_times(events: list[EventEnvelope]) -> list[float]:
    return [
        datetime.fromisoformat(e.occurred_at.replace("Z", "+00:00")).timestamp()
        for e in events
        if e.event_type in ("CommandCompleted", "CommandFailed")
    ]


def drain_through_workers(c: Cluster, commands: int) -> tuple[float, dict[str, float]]:
    """Commands/s of the command workers alone, and CPU seconds per 1,000 commands by
    process, while they drain `commands` creates accepted with the relay stopped (the
    workers keep their partitions: stopping them would count Kafka's rebalances)."""
    relay = next(p for p in c.others if p.name == "relay")
    relay.stop()
    conn = Connection(c.api.url, c.headers)
    try:
        for i in range(commands):
            status, answer = conn.call(
                "POST", "/api/v1/database/bench/instances/Item/create", {"data": row(i, "d")}
            )
            assert status == 202, answer
    finally:
        conn.close()
    settings = Settings(run_workers=False).model_copy(update=_urls(c))
    container = build_container(settings)
    try:
        before = container.events.head_position()
        relay.start()
        pids = c.processes()
        start = {name: cpu_seconds(pid) for name, pid in pids.items()}
        deadline = time.monotonic() + 600
        while True:
            done = outcome_times(container.events.read_all(before, 10 * commands))
            if len(done) >= commands:
                break
            assert time.monotonic() < deadline, f"{len(done)} of {commands} ran"
            time.sleep(0.2)
        used = {name: cpu_seconds(pid) - start[name] for name, pid in pids.items()}
    finally:
        container.stop()
    rate = commands / (max(done) - min(done))
    return rate, {name: seconds * 1000 / commands for name, seconds in used.items()}


def _urls(c: Cluster) -> dict[str, str]:
    env = c.api.env
    keys = [
        "event_store_url",
        "consumer_registry_url",
        "documents_url",
        "command_status_url",
        "search_url",
        "blob_url",
    ]
    return {k: env[f"SPICE_{k.upper()}"] for k in keys}


def relay_lag(kafka: str, since: float) -> list[float]:
    transport = KafkaTransport(kafka)
    sub = transport.subscribe(f"lag-{time.time_ns()}", [transport.topic(COMMANDS)])
    lags = []
    try:
        while batch := sub.poll(1000, 5.0):
            for m in batch:
                accepted = envelope_from_bytes(m.value).occurred_at
                at = datetime.fromisoformat(accepted.replace("Z", "+00:00")).timestamp()
                if at >= since:
                    lags.append(m.timestamp - at)
    finally:
        sub.close()
        transport.close()
    return lags


def in_process_drain(commands: int) -> float:
    """The drain rate of `spice serve`'s in-process command worker on the same services."""
    with distributed_urls() as urls, tempfile.TemporaryDirectory() as tmp:
        fields = {**urls, "data_dir": Path(tmp)}
        container = build_container(Settings(run_workers=False).model_copy(update=fields))
        try:
            before = queue_creates(container, commands)
            container.worker.run_until_caught_up()
            done = outcome_times(container.events.read_all(before, 10 * commands))
        finally:
            container.stop()
    return commands / (max(done) - min(done))


def in_process_singles(singles: int) -> tuple[dict[int, Run], dict[int, Run]]:
    with distributed_urls() as urls, tempfile.TemporaryDirectory() as tmp:
        env = {f"SPICE_{k.upper()}": str(v) for k, v in urls.items()}
        data = Path(tmp) / "data"
        data.mkdir()
        server = ServerProcess(data, env=env | {"SPICE_LOG_LEVEL": "WARNING"})
        server.start()
        try:
            rounds, creates, _ = measure_server(server.url, {}, singles, 0)
        finally:
            server.stop()
    return rounds, creates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--singles", type=int, default=640, help="creates per concurrency")
    parser.add_argument("--drain", type=int, default=3000)
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    args = parser.parse_args()
    print("baseline: spice serve (in-process worker) on PostgreSQL + Redis + OpenSearch")
    rounds, creates = in_process_singles(args.singles)
    print_singles(rounds, creates)
    baseline = in_process_drain(args.drain)
    print(f"in-process command worker alone: {baseline:,.0f} commands/s")
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp, cluster(Path(tmp), workers) as c:
            setup(c.api.url, c.headers)
            since = time.time()
            rounds = {
                n: concurrently(c.api.url, c.headers, n, args.singles, health) for n in CLIENTS
            }
            creates = {
                n: concurrently(c.api.url, c.headers, n, args.singles, single_create(f"s{n}"))
                for n in CLIENTS
            }
            print(f"\nspice api + relay + projections + {workers} command worker(s):")
            print_singles(rounds, creates)
            lags = relay_lag(c.kafka, since)
            rate, cpu = drain_through_workers(c, args.drain)
            print(
                f"command workers alone: {rate:,.0f} commands/s "
                f"({rate / baseline:.2f}x the in-process worker)"
            )
            shares = ", ".join(f"{name} {seconds:.2f}" for name, seconds in sorted(cpu.items()))
            print(f"  CPU seconds per 1,000 commands drained: {shares}")
            p50 = statistics.median(lags) * 1000
            p99 = statistics.quantiles(lags, n=100)[98] * 1000
            print(f"  relay lag p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(lags)} commands")
            if workers == max(args.workers) and args.bulk:
                print_bulk(args.bulk, bulk_until_readable(c.api.url, c.headers, args.bulk))


if __name__ == "__main__":
    main()
