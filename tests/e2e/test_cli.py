"""`spice rebuild` while the server answers, and `spice verify` on an intact and a tampered log."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.application.delivery.transport_consumer import ERROR, ORIGIN
from spice.application.ports.transport import COMMANDS, dlq_topic
from tests.server import ServerProcess
from tests.services import distributed_urls, kafka_prefix_url

CLASS = {"id": "Item", "properties": [{"name": "item_id", "type": "string", "required": True}]}


def spice(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the CLI; `env` replaces the SPICE_* variables of this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SPICE_")}
    return subprocess.run(
        [sys.executable, "-m", "spice.entrypoints.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **(env or {})},
        input=stdin,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "data")
    proc.start()
    for path, body in [
        ("/api/v1/databases", {"name": "cli"}),
        ("/api/v1/database/cli/ontology", CLASS),
        (
            "/api/v1/database/cli/instances/Item/bulk-create",
            {"instances": [{"item_id": f"i{i}"} for i in range(300)]},
        ),
    ]:
        # A loaded 2-core machine may take more than httpx's default 5 s for the bulk.
        assert httpx.post(f"{proc.url}{path}?wait=true", json=body, timeout=60).status_code == 200
    yield proc
    proc.stop()


def listing(server: ServerProcess) -> list[str]:
    r = httpx.get(f"{server.url}/api/v1/database/cli/instances/Item?limit=1000")
    return [d["id"] for d in r.json()["data"]["items"]]


def test_rebuild_while_serving(server: ServerProcess) -> None:
    before = listing(server)
    result = spice("rebuild", "--data-dir", str(server.data_dir))
    assert result.returncode == 0, result.stderr
    assert "g1 -> g2" in result.stderr
    assert listing(server) == before
    r = httpx.post(
        f"{server.url}/api/v1/database/cli/instances/Item/create?wait=true",
        json={"data": {"item_id": "after"}},
        timeout=60,
    )
    assert r.status_code == 200
    assert "after" in listing(server)
    health = httpx.get(f"{server.url}/health").json()["data"]
    assert health["read_model_generation"] == "g2"


def test_verify_reports_tampering(server: ServerProcess) -> None:
    server.stop()
    ok = spice("verify", "--data-dir", str(server.data_dir))
    assert ok.returncode == 0, ok.stderr
    assert "hash chain intact" in ok.stderr
    with sqlite3.connect(server.data_dir / "events.db") as conn:
        conn.execute("UPDATE events SET data = json_set(data, '$.forged', 1) WHERE position = 20")
    edited = spice("verify", "--data-dir", str(server.data_dir))
    assert edited.returncode == 1
    assert "edited at position 20" in edited.stderr
    with sqlite3.connect(server.data_dir / "events.db") as conn:
        conn.execute("DELETE FROM events WHERE position = 30")
    removed = spice("verify", "--data-dir", str(server.data_dir))
    assert "removed at position 31" in removed.stderr


def test_verify_with_an_anchor_finds_events_cut_from_the_end(server: ServerProcess) -> None:
    server.stop()
    anchor = server.data_dir / "anchor.json"
    first = spice("verify", "--data-dir", str(server.data_dir), "--anchor", str(anchor))
    assert first.returncode == 0, first.stderr
    head = json.loads(anchor.read_text())["position"]
    with sqlite3.connect(server.data_dir / "events.db") as conn:
        conn.execute("DELETE FROM events WHERE position >= ?", (head - 2,))
    plain = spice("verify", "--data-dir", str(server.data_dir))
    assert plain.returncode == 0  # the chain alone cannot see a cut tail
    anchored = spice("verify", "--data-dir", str(server.data_dir), "--anchor", str(anchor))
    assert anchored.returncode == 1
    assert f"truncated at position {head}" in anchored.stderr


def test_serve_says_what_it_runs_with(server: ServerProcess) -> None:
    log = (server.data_dir.parent / f"server-{server.port}.log").read_text()
    events = (server.data_dir / "events.db").resolve()
    assert f"event store: sqlite:///{events}" in log
    assert "search index: tantivy:///" in log


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (
            ["worker", "commands"],
            {"SPICE_TRANSPORT_URL": "kafka://127.0.0.1:1"},
            "spice worker: this process of the distributed profile needs SPICE_EVENT_STORE_URL, "
            "SPICE_CONSUMER_REGISTRY_URL, SPICE_DOCUMENTS_URL, SPICE_COMMAND_STATUS_URL",
        ),
        (["relay"], {}, "spice relay: this process of the distributed profile needs"),
        (["api"], {}, "spice api: this process of the distributed profile needs"),
        (
            ["serve"],
            {"SPICE_EVENT_STORE_URL": "mysql://db/x"},
            "spice serve: SPICE_EVENT_STORE_URL: unsupported scheme 'mysql'",
        ),
        (["serve"], {"SPICE_PORT": "eighty"}, "spice serve: SPICE_PORT: "),
        (
            ["verify"],
            {"SPICE_SQLITE_SYNCHRONOUS": "OFF"},
            "spice verify: SPICE_SQLITE_SYNCHRONOUS:",
        ),
    ],
    ids=["worker-without-stores", "relay-bare", "api-bare", "bad-scheme", "bad-port", "bad-enum"],
)
def test_bad_or_missing_settings_stop_with_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], line: str
) -> None:
    result = spice(*args, "--data-dir", str(tmp_path / "data"), env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(line), lines[0]
    assert not (tmp_path / "data").exists()  # nothing was created on the way


def test_branch_log_and_diff_against_a_running_server(server: ServerProcess) -> None:
    to = ("--server", server.url)
    made = spice("branch", "create", "cli", "feature/x", *to)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("created feature/x from main at ")
    r = httpx.put(
        f"{server.url}/api/v1/database/cli/instances/Item/i7/update?branch=feature/x&wait=true",
        json={"data": {"item_id": "i7"}, "message": "touch i7"},
        headers={"X-User-Id": "lee"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    created = httpx.post(
        f"{server.url}/api/v1/database/cli/instances/Item/create?branch=feature/x&wait=true",
        json={"data": {"item_id": "only-here"}},
        timeout=60,
    )
    assert created.status_code == 200
    listed = spice("branch", "list", "cli", *to)
    assert listed.returncode == 0, listed.stderr
    lines = {line.split("\t")[0]: line for line in listed.stdout.splitlines()}
    assert "ahead 2 behind 1" in lines["feature/x"]  # behind: its own creation, on main
    history = spice("log", "cli", "--branch", "feature/x", "--limit", "3", *to)
    assert history.returncode == 0, history.stderr
    newest, second = history.stdout.splitlines()[:2]
    assert "CREATE_INSTANCE" in newest
    assert "lee" in second and "touch i7" in second
    changed = spice("diff", "cli", "main", "feature/x", *to)
    assert changed.returncode == 0, changed.stderr
    assert "+ Item/only-here" in changed.stdout
    assert "{'added': 1, 'removed': 0, 'changed': 0}" in changed.stdout
    refused = spice("branch", "delete", "cli", "main", *to)
    assert refused.returncode == 1
    assert "409" in refused.stderr and "main" in refused.stderr
    assert spice("branch", "delete", "cli", "feature/x", *to).returncode == 0
    away = spice("log", "cli", "--server", "http://127.0.0.1:9")
    assert away.returncode == 1 and "cannot reach" in away.stderr


def test_merge_revert_and_reset_against_a_running_server(server: ServerProcess) -> None:
    to = ("--server", server.url)
    assert spice("branch", "create", "cli", "dev", *to).returncode == 0
    items = f"{server.url}/api/v1/database/cli/instances/Item"
    before = httpx.get(f"{server.url}/api/v1/databases/cli/commits?limit=1").json()
    point = before["data"]["commits"][0]["position"]
    for branch, value in (("dev", "from-dev"), ("main", "from-main")):
        r = httpx.put(
            f"{items}/i1/update?branch={branch}&wait=true",
            json={"data": {"item_id": value}},
            timeout=60,
        )
        assert r.status_code == 200, r.text
    refused = spice("merge", "cli", "dev", *to)
    assert refused.returncode == 1
    assert "409 CONFLICT" in refused.stderr
    assert "Item/i1.item_id (property): base 'i1', ours 'from-main', theirs 'from-dev'" in (
        refused.stderr
    )
    settle = ("--resolve", "Item/i1=theirs")
    planned = spice("merge", "cli", "dev", *settle, "--dry-run", *to)
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.splitlines()[:2] == [
        "would write 1 events on main",
        "  Item/i1.item_id (property): kept theirs",
    ]
    merged = spice("merge", "cli", "dev", *settle, "-m", "take dev's", *to)
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.startswith("wrote 1 events on main")
    assert httpx.get(f"{items}/i1").json()["data"]["data"]["item_id"] == "from-dev"
    newest = spice("log", "cli", "--limit", "1", *to).stdout.split()[0]
    reverted = spice("revert", "cli", newest, *to)
    assert reverted.returncode == 0, reverted.stderr
    assert httpx.get(f"{items}/i1").json()["data"]["data"]["item_id"] == "from-main"
    reset = spice("reset", "cli", "main", str(point), "-m", "back", *to)
    assert reset.returncode == 0, reset.stderr
    assert httpx.get(f"{items}/i1").json()["data"]["data"]["item_id"] == "i1"
    r = httpx.put(f"{items}/i2/update?wait=true", json={"data": {"item_id": "main-2"}}, timeout=60)
    assert r.status_code == 200, r.text
    rebased = spice("rebase", "cli", "dev", *to)
    assert rebased.returncode == 0, rebased.stderr
    assert rebased.stdout.startswith("wrote ") and "events on dev" in rebased.stdout
    on_dev = httpx.get(f"{items}/i2?branch=dev").json()["data"]["data"]
    assert on_dev["item_id"] == "main-2"
    bad = spice("merge", "cli", "dev", "--resolve", "Item/i1", *to)
    assert bad.returncode == 1 and "--resolve takes KEY=ours or KEY=theirs" in bad.stderr


def test_dlq_replay_lists_then_sends_back_each_letter_once(tmp_path: Path) -> None:
    kafka = KafkaTransport(kafka_prefix_url())
    commands = kafka.topic(COMMANDS)
    with distributed_urls() as urls:
        env = {f"SPICE_{k.upper()}": v for k, v in urls.items()}
        env |= {
            "SPICE_TRANSPORT_URL": f"kafka://{kafka.servers}?prefix={kafka.prefix}",
            "SPICE_AUTH_SECRET": "cli-test-" + "s" * 32,  # a deployment's process signs in
        }
        try:
            kafka.ensure_topics(kafka.pipeline_topics(), 2)
            keys = ["cmd-1", "cmd-2"]
            for key in keys:
                headers = {ORIGIN: commands, ERROR: f"{key} broke", "spice-trace": key}
                kafka.publish(dlq_topic(commands), key, key.encode(), headers)
            kafka.flush()
            data = str(tmp_path / "data")
            listed = spice("dlq", "replay", "--dry-run", "--data-dir", data, env=env)
            assert listed.returncode == 0, listed.stderr
            assert "cmd-1 broke" in listed.stderr and "cmd-2 broke" in listed.stderr
            assert "2 dead letters found on commands" in listed.stderr
            assert kafka.read_to_end(commands) == []  # a dry run sends nothing
            replayed = spice("dlq", "replay", "--data-dir", data, env=env)
            assert replayed.returncode == 0, replayed.stderr
            assert "2 dead letters replayed on commands" in replayed.stderr
            back = kafka.read_to_end(commands)
            assert sorted((m.key, m.value) for m in back) == [(k, k.encode()) for k in keys]
            assert all(m.headers == {"spice-trace": m.key} for m in back)  # fresh attempts
            again = spice("dlq", "replay", "--data-dir", data, env=env)
            assert "0 dead letters replayed on commands" in again.stderr
            assert len(kafka.read_to_end(commands)) == 2
        finally:
            kafka.delete_topics(kafka.pipeline_topics())
            kafka.close()


def test_infer_reads_local_files_without_a_server(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "datasets"
    found = spice(
        "infer", str(data / "synthetic_3pl"), str(data / "small" / "customers.csv"), "--json"
    )
    assert found.returncode == 0, found.stderr
    datasets = {d["name"]: d for d in json.loads(found.stdout)["datasets"]}
    assert len(datasets) == 16
    orders = datasets["orders.csv"]
    assert orders["primary_key"] == ["order_id"]
    assert {"column": "ship_from_warehouse", "target_dataset": "warehouses.csv"}.items() <= (
        orders["links"][1].items()
    )
    email = next(c for c in datasets["customers.csv"]["columns"] if c["name"] == "email_address")
    assert set(email) == {"name", "type", "confidence", "reason", "candidates", "flags"}
    assert (email["type"], email["confidence"]) == ("email", 1.0)
    readable = spice("infer", str(data / "small" / "products.csv"))
    assert readable.returncode == 0 and "productSKU" in readable.stdout
    (tmp_path / "bad.csv").write_text("a,b\n1,2,3\n")
    refused = spice("infer", str(tmp_path / "bad.csv"))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "spice infer: bad.csv, row 2: 3 values where the header has 2 columns"
    )


def test_serving_beyond_loopback_without_sign_in_refuses_to_start(tmp_path: Path) -> None:
    """Anyone who can reach such a server could do anything: it says why in one line and
    exits non-zero, before binding."""
    done = spice(
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "1",
        "--data-dir",
        str(tmp_path),
        env={"SPICE_AUTH_SECRET": ""},
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "binding to 0.0.0.0 needs authentication: set SPICE_AUTH_SECRET" in line


def test_user_create_makes_a_user_a_running_server_signs_in(tmp_path: Path) -> None:
    secured = {"SPICE_AUTH_SECRET": "cli-test-" + "s" * 32}
    server = ServerProcess(tmp_path / "data", env=secured)
    server.start()
    try:
        where = ("--data-dir", str(server.data_dir))
        made = spice(
            "user", "create", "kim", "--admin", *where, env=secured, stdin="kim pass 123\n"
        )
        assert made.returncode == 0, made.stderr
        assert "administrator 'kim' made" in made.stderr
        body = {"username": "kim", "password": "kim pass 123"}
        tokens = httpx.post(f"{server.url}/api/v1/auth/login", json=body).json()["data"]
        me = httpx.get(
            f"{server.url}/api/v1/auth/me",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        ).json()["data"]
        assert me == {"username": "kim", "admin": True, "method": "token"}
        again = spice("user", "create", "kim", *where, env=secured, stdin="other pass 1234\n")
        assert again.returncode == 1 and "user 'kim' already exists" in again.stderr
        short = spice("user", "create", "lee", *where, env=secured, stdin="short\n")
        assert short.returncode == 1 and "a password has 12 to 1000 characters" in short.stderr
    finally:
        server.stop()
