"""What the chaos tests share: the workload (single and bulk creations sent from 8 threads
with Idempotency-Keys), the checks of the log and read models afterwards, and the
distributed profile as separate processes."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.application.log.verification import verify_log
from spice.application.projections.documents import rebuild
from spice.application.projections.search import SearchProjector, rebuild_search
from spice.application.search.query import SearchQuery
from spice.bootstrap.container import build_container
from spice.bootstrap.settings import Settings
from tests.api.support import ADMIN_PASSWORD
from tests.server import ServerProcess, WorkerProcess
from tests.services import distributed_urls, kafka_prefix_url

SERVICES = Path(__file__).resolve().parents[2] / "scripts" / "services"
SINGLES = 240
BULKS = 6
BULK_SIZE = 400
CLASS = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "required": True},
        {"name": "n", "type": "integer"},
    ],
}


def request_specs() -> list[tuple[str, str, dict[str, Any]]]:
    base = "/api/v1/database/chaos/instances/Item"
    specs = [
        (f"one-{i}", f"{base}/create", {"data": {"item_id": f"i{i}", "n": i}})
        for i in range(SINGLES)
    ]
    for b in range(BULKS):
        rows = [{"item_id": f"b{b}-{j}", "n": j} for j in range(BULK_SIZE)]
        specs.insert(
            b * (SINGLES // BULKS), (f"bulk-{b}", f"{base}/bulk-create", {"instances": rows})
        )
    return specs


def send(server: ServerProcess, key: str, path: str, body: dict[str, Any]) -> str | None:
    """POST with an Idempotency-Key; the command id if accepted, None if the server was gone."""
    try:
        headers = {"Idempotency-Key": key, **server.headers}
        r = httpx.post(server.url + path, json=body, headers=headers, timeout=30)
    except httpx.HTTPError:
        return None
    assert r.status_code == 202, r.text
    return str(r.json()["command_id"])


def send_all(
    server: ServerProcess,
    specs: list,
    kill_after: int | None,
    on_accept: Callable[[int], None] | None = None,
) -> dict[str, str]:
    """Send every request from 8 threads; `on_accept(n)` runs after the n-th acceptance."""
    accepted: dict[str, str] = {}
    lock = threading.Lock()

    def one(spec: tuple[str, str, dict[str, Any]]) -> None:
        command_id = send(server, *spec)
        with lock:
            if command_id:
                accepted[spec[0]] = command_id
                if on_accept is not None:
                    on_accept(len(accepted))
            if kill_after is not None and len(accepted) == kill_after:
                server.kill()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, specs))
    return accepted


def wait_all(server: ServerProcess, command_ids: list[str]) -> list[str]:
    """The final status of each command. The first may wait a few minutes: after a broker
    restart a consumer can take well over a minute to find its group coordinator again
    (seen in CI: a session timeout, then a coordinator request timing out at 60 s)."""
    statuses = []
    for cid in command_ids:
        r = httpx.get(
            f"{server.url}/api/v1/ontology/chaos/sync/command/{cid}/wait?timeout=240",
            headers=server.headers,
            timeout=270,
        )
        assert r.status_code == 200, r.text
        status = httpx.get(f"{server.url}/api/v1/commands/{cid}/status", headers=server.headers)
        statuses.append(status.json()["status"])
    return statuses


def check_log_and_read_models(server: ServerProcess, commands: int) -> None:
    container = settled_container(server)
    try:
        events = container.events.read_all(0, 10**7)
        # The first administrator of a server that signs in is a command of its own.
        admins = {
            e.aggregate_id
            for e in events
            if e.event_type == "CommandAccepted" and e.metadata.get("command_type") == "CREATE_USER"
        }
        assert len(admins) == (1 if server.headers else 0)
        kinds = [e.event_type for e in events if e.aggregate_id not in admins]
        assert kinds.count("CommandAccepted") == commands + 2  # and the database and class
        assert kinds.count("CommandCompleted") == commands + 2
        created = [e.aggregate_id for e in events if e.event_type == "InstanceCreated"]
        assert len(created) == len(set(created)) == SINGLES + BULKS * BULK_SIZE
        count, problems, _ = verify_log(container.events)
        assert (count, problems) == (len(events), [])
        check_read_models_equal_rebuild(container, SINGLES + BULKS * BULK_SIZE)
    finally:
        container.stop()


def check_read_models_equal_rebuild(container: Any, instances: int) -> None:
    """Documents and the search index (caught up first) equal what a rebuild from the log
    gives, and the index holds `instances` instances of `chaos`."""
    before = dump(container)
    rebuild(container.events, container.documents)
    assert dump(container) == before
    SearchProjector(container.events, container.search).run_until_caught_up()
    indexed = search_dump(container)
    assert len(indexed) == instances
    rebuild_search(container.events, container.search)
    assert search_dump(container) == indexed


def settled_container(server: ServerProcess) -> Any:
    """A container on the stores `server` used, with no workers of its own."""
    sent = {k.removeprefix("SPICE_").lower(): v for k, v in server.env.items()}
    # Validated as the processes read them (the environment holds text: "0" is a number).
    return build_container(Settings(**{**sent, "data_dir": server.data_dir, "run_workers": False}))


def dump(container: Any) -> list[tuple[Any, ...]]:
    return [
        (d.key, d.seq, d.deleted, d.position, d.body["data"]) for d in container.documents.dump()
    ]


def search_dump(container: Any, db: str = "chaos") -> list[tuple[Any, ...]]:
    """Every instance the search index holds for `db`/main, in key order."""
    out: list[tuple[Any, ...]] = []
    while True:
        query = SearchQuery(db, "main", offset=len(out), limit=1000, highlight=False)
        page = container.search.search(query)
        out += [(h.key, h.seq, h.position, h.data) for h in page.hits]
        if not page.hits:
            return out


@dataclass
class Cluster:
    api: ServerProcess
    relay: WorkerProcess
    projections: WorkerProcess
    workers: list[WorkerProcess]
    transport: KafkaTransport


@contextmanager
def running_cluster(tmp_path: Path, workers: int = 2) -> Iterator[Cluster]:
    """`spice api`, `spice relay`, `spice worker projections` and `workers` command workers
    on the test services, each store under prefixes of its own."""
    with distributed_urls() as urls:
        kafka = kafka_prefix_url()
        env = {f"SPICE_{name.upper()}": url for name, url in urls.items()}
        env |= {
            "SPICE_TRANSPORT_URL": kafka,
            "SPICE_WORKER_LEASE_SECONDS": "3",
            "SPICE_TOPIC_PARTITIONS": "4",
            "SPICE_AUTH_SECRET": "chaos-" + "k" * 32,
            "SPICE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "SPICE_ACCESS_TOKEN_MINUTES": "120",
            "SPICE_READY_MAX_LAG_SECONDS": "5",
            "SPICE_RATE_LIMIT_PER_SECOND": "0",  # eight threads of one user, as fast as they go
        }
        data = tmp_path / "data"
        data.mkdir()

        def worker(name: str, *args: str) -> WorkerProcess:
            return WorkerProcess(data, list(args), env | {"SPICE_WORKER_ID": name}, name)

        found = Cluster(
            ServerProcess(data, env=env, command="api"),
            worker("relay", "relay"),
            worker("projections", "worker", "projections"),
            [worker(f"worker-{i}", "worker", "commands") for i in range(1, workers + 1)],
            KafkaTransport(kafka),
        )
        processes = [found.relay, found.projections, *found.workers]
        for process in processes:
            process.start()
        found.api.start(timeout=60)
        try:
            found.api.headers = _signed_in(found.api)
            dead = [p for p in processes if not p.alive()]
            assert not dead, "\n".join(f"{p.name} exited:\n{p.log_tail()}" for p in dead)
            yield found
        finally:
            found.api.stop()
            for process in processes:
                process.stop()
            found.transport.delete_topics(found.transport.pipeline_topics())


def _signed_in(api: ServerProcess) -> dict[str, str]:
    """A bearer token of the first administrator (made by the API's first start, a command
    the workers run: a cold Kafka may take a minute to hand them their partitions)."""
    deadline = time.monotonic() + 150
    body = {"username": "admin", "password": ADMIN_PASSWORD}
    while True:
        r = httpx.post(f"{api.url}/api/v1/auth/login", json=body, timeout=10)
        if r.status_code == 200 or time.monotonic() > deadline:
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['data']['access_token']}"}
        time.sleep(0.2)


def restart_service(name: str, down_seconds: float = 2.0) -> None:
    """Stop a service of `scripts/services` and start it again."""
    subprocess.run([str(SERVICES), "stop", name], check=True, capture_output=True)
    time.sleep(down_seconds)
    subprocess.run([str(SERVICES), "start", name], check=True, capture_output=True)


def set_up_chaos_database(api: ServerProcess) -> None:
    """Create the database and its class. The first command of a cluster just started waits
    for the workers' first partition assignment (a new consumer group on a cold Kafka), so
    these waits are generous."""
    setup = [("/api/v1/databases", {"name": "chaos"}), ("/api/v1/database/chaos/ontology", CLASS)]
    for path, body in setup:
        r = httpx.post(
            f"{api.url}{path}?wait=true&timeout=120", json=body, headers=api.headers, timeout=150
        )
        assert r.status_code == 200, (path, r.status_code, r.text)
