"""Connectors through the API, against real sources on this machine: a local HTTP server
serving a file (with ETag, and a Sheets-style export without one), and the scheduler on a
clock moved by hand. A changed source becomes the next dataset version and an import in
the connector's mode; an unchanged one writes nothing; bad configurations are refused
(4xx) or recorded as failures with their reason, and never stop the scheduler."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import QuietHandler, container_of, final_status, head, serving, wait_ok
from tests.clock import ManualClock

DB = "/api/v1/databases/shop"
V1 = "item_id,name,qty\nI1,Apple,3\nI2,Pear,5\nI3,Fig,7\n"
V2 = "item_id,name,qty\nI1,Apple,4\nI3,Fig,7\nI4,Plum,1\n"  # I1 changed, I2 gone, I4 new
SPEC = {
    "classes": [
        {
            "id": "Item",
            "properties": [
                {"name": "item_id", "type": "string", "required": True},
                {"name": "name", "type": "string"},
                {"name": "qty", "type": "integer"},
            ],
        }
    ],
    "sources": [
        {
            "dataset": "items",
            "class_id": "Item",
            "key": ["item_id"],
            "properties": [
                {"property": "item_id", "column": "item_id", "transforms": ["trim"]},
                {"property": "name", "column": "name", "transforms": ["trim"]},
                {"property": "qty", "column": "qty", "transforms": ["trim"]},
            ],
            "links": [],
        }
    ],
}


class Files:
    """What the test's HTTP server serves, by path, and what it was asked."""

    content: dict[str, bytes] = {}
    etags = True
    asked: list[tuple[str, str | None]] = []


class FileHandler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        Files.asked.append((path, self.headers.get("If-None-Match")))
        body = Files.content.get(path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if Files.etags and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        if Files.etags:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def files() -> Iterator[str]:
    Files.content, Files.etags, Files.asked = {}, True, []
    with serving(FileHandler) as url:
        yield url


@pytest.fixture
def shop(settings: Settings) -> Iterator[TestClient]:
    """A database `shop` on an app whose scheduler waits for the test to move it, and that
    may fetch from loopback (the test's own servers)."""
    update = {"connector_tick_seconds": 3600, "fetch_private_networks": True}
    with TestClient(create_app(settings.model_copy(update=update))) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
        yield client


def _put(client: TestClient, name: str, body: dict[str, Any]) -> Any:
    return client.put(f"{DB}/connectors/{name}?wait=true&timeout=30", json=body)


def _sync(client: TestClient, name: str) -> dict[str, Any]:
    r = client.post(f"{DB}/connectors/{name}/sync?wait=true&timeout=60")
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["data"]["result"]
    return result


def _mapped(client: TestClient, url: str, **connector: Any) -> None:
    """Connector `items` on `url`, synced once so that its dataset exists, then the mapping
    `m` of it, named by the connector's import."""
    body = {"kind": "http_file", "config": {"url": url}, "dataset": "items", **connector}
    then = body.pop("import", None)
    assert _put(client, "items", body).status_code == 200
    _sync(client, "items")
    wait_ok(client, "PUT", f"{DB}/mappings/m", json=SPEC)
    if then is not None:
        r = _put(client, "items", {**body, "import": then})
        assert r.status_code == 200, r.text


def _values(client: TestClient, instance_id: str) -> Any:
    r = client.get(f"/api/v1/database/shop/instances/Item/{instance_id}")
    if r.status_code != 200:
        return r.status_code
    values = r.json()["data"]["data"]
    return {k: v for k, v in values.items() if k in ("item_id", "name", "qty")}


def _instance_events(client: TestClient, after: int) -> list[Any]:
    kinds = ("InstanceCreated", "InstanceUpdated", "InstanceDeleted", "InstanceRestored")
    return [e for e in container_of(client).events.read_all(after, 10_000) if e.event_type in kinds]


def test_a_file_by_url_syncs_its_changes_and_polls_unchanged_with_its_etag(
    shop: TestClient, files: str
) -> None:
    Files.content["/items.csv"] = V1.encode()
    _mapped(shop, f"{files}/items.csv", **{"import": {"mapping": "m", "mode": "snapshot"}})
    first = _sync(shop, "items")  # the import is pending on the version synced before it
    assert first["changed"] is False and first["imported"] is True
    assert first["by_class"]["Item"]["created"] == 3

    before = head(shop)
    again = _sync(shop, "items")
    assert (again["changed"], again["imported"], again["version"]) == (False, False, 1)
    assert Files.asked[-1][1] is not None  # asked with If-None-Match, answered 304
    assert _instance_events(shop, before) == []

    Files.content["/items.csv"] = V2.encode()
    changed = _sync(shop, "items")
    assert (changed["changed"], changed["version"]) == (True, 2)
    counts = changed["by_class"]["Item"]
    assert (counts["created"], counts["updated"], counts["deleted"], counts["unchanged"]) == (
        1,
        1,
        1,
        1,
    )
    assert _values(shop, "I1")["qty"] == 4
    assert _values(shop, "I2") == 404

    state = shop.get(f"{DB}/connectors/items").json()["data"]["state"]
    assert state["attempts"] == 0 and state["last_error"] is None
    assert state["history"][0]["changed"] is True and state["history"][0]["version"] == 2
    assert state["cursor"]["etag"]


def test_a_scheduled_sheet_reflects_an_update_a_removal_and_an_addition(
    shop: TestClient, files: str
) -> None:
    """A Google Sheets tab, read as its CSV export (no ETag: by the export's hash), on a
    schedule run by a clock moved by hand; blame points at the new cells."""
    Files.etags = False
    path = "/spreadsheets/d/SHEET1/export"
    Files.content[path] = V1.encode()
    link = f"{files}/spreadsheets/d/SHEET1/edit#gid=0"
    body = {"kind": "google_sheets", "config": {"url": link}, "dataset": "items"}
    assert _put(shop, "items", body).status_code == 200
    _sync(shop, "items")
    wait_ok(shop, "PUT", f"{DB}/mappings/m", json=SPEC)
    scheduled = {**body, "schedule": {"every_seconds": 60}}
    scheduled["import"] = {"mapping": "m", "mode": "snapshot"}
    assert _put(shop, "items", scheduled).status_code == 200

    container = container_of(shop)
    clock = ManualClock()
    container.scheduler.clock = container.syncs.clock = clock
    (first,) = container.scheduler.tick()  # due at once: imports the version synced before
    assert final_status(shop, first)["status"] == "COMPLETED"
    clock.now += 30
    assert container.scheduler.tick() == []  # not due yet

    Files.content[path] = V2.encode()
    clock.now += 31
    (synced,) = container.scheduler.tick()
    result = final_status(shop, synced)["result"]
    assert result["trigger"] == "schedule" and result["version"] == 2
    assert _values(shop, "I1") == {"item_id": "I1", "name": "Apple", "qty": 4}
    assert _values(shop, "I2") == 404
    assert _values(shop, "I4")["name"] == "Plum"
    blame = shop.get("/api/v1/database/shop/instances/Item/I1/blame?property=qty").json()
    (entry,) = blame["data"]["blame"]
    assert (entry["cell"]["dataset"], entry["cell"]["version"], entry["cell"]["row"]) == (
        "items",
        2,
        2,
    )

    before = head(shop)
    clock.now += 61
    assert container.scheduler.tick() == []  # unchanged: polled, nothing submitted
    assert head(shop) == before  # nor anything written
    state = shop.get(f"{DB}/connectors/items").json()["data"]["state"]
    assert state["last_poll"] == clock.now and state["next_run"] == clock.now + 60


def test_a_failing_source_is_recorded_with_its_reason_and_retried_later(
    shop: TestClient, files: str
) -> None:
    Files.content["/good.csv"] = V1.encode()
    good = {"kind": "http_file", "config": {"url": f"{files}/good.csv"}, "dataset": "good"}
    bad = {"kind": "http_file", "config": {"url": f"{files}/gone.csv"}, "dataset": "bad"}
    for name, body in (("good", good), ("bad", bad)):
        r = _put(shop, name, {**body, "schedule": {"every_seconds": 60}})
        assert r.status_code == 200, r.text
    container = container_of(shop)
    clock = ManualClock()
    container.scheduler.clock = container.syncs.clock = clock
    (synced,) = container.scheduler.tick()  # the good one; the bad one is recorded
    assert final_status(shop, synced)["status"] == "COMPLETED"
    state = shop.get(f"{DB}/connectors/bad").json()["data"]["state"]
    assert "answered 404" in state["last_error"]
    assert state["attempts"] == 1 and state["failing_since"] == clock.now
    assert clock.now + 15 <= state["next_retry"] <= clock.now + 30  # 30 s, with jitter
    assert state["history"][0]["ok"] is False

    clock.now += 31
    container.scheduler.tick()
    state = shop.get(f"{DB}/connectors/bad").json()["data"]["state"]
    assert state["attempts"] == 2 and state["next_retry"] > clock.now + 29  # backs off

    r = shop.post(f"{DB}/connectors/bad/sync?wait=true&timeout=30")
    assert r.status_code == 400 and "answered 404" in r.json()["message"], r.text
    Files.content["/gone.csv"] = V2.encode()
    assert _sync(shop, "bad")["changed"] is True
    state = shop.get(f"{DB}/connectors/bad").json()["data"]["state"]
    assert (state["attempts"], state["failing_since"], state["next_retry"]) == (0, None, None)


def test_ready_says_degraded_while_a_source_fails_for_long(shop: TestClient, files: str) -> None:
    body = {"kind": "http_file", "config": {"url": f"{files}/gone.csv"}, "dataset": "bad"}
    assert _put(shop, "bad", body).status_code == 200
    shop.post(f"{DB}/connectors/bad/sync?wait=true&timeout=30")
    container = container_of(shop)
    assert shop.get("/ready").json()["data"]["status"] == "ready"
    container.readiness.clock = lambda: container.syncs.clock() + 3601
    ready = shop.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["data"]["status"] == "degraded"
    assert "shop/bad failing" in ready.json()["data"]["message"]
    metrics = shop.get("/metrics").text
    assert 'spice_connector_failures{connector="bad",database="shop"} 1.0' in metrics
    wait_ok(shop, "DELETE", f"{DB}/connectors/bad")
    checks = shop.get("/ready").json()["data"]["checks"]
    assert next(c for c in checks if c["name"] == "connectors")["ok"] is True
    assert 'connector="bad"' not in shop.get("/metrics").text


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (
            {
                "kind": "postgresql",
                "config": {"dsn": "host=h", "query": "select 'abc"},
                "dataset": "d",
            },
            422,
            "cannot be read as SQL",
        ),
        ({"kind": "ftp", "config": {}, "dataset": "d"}, 422, "kind"),
        ({"kind": "http_file", "config": {"url": "x"}, "dataset": "d"}, 422, "config.url"),
        (
            {"kind": "http_file", "config": {"url": "http://a/b", "pw": 1}, "dataset": "d"},
            422,
            "pw",
        ),
        (
            {"kind": "google_sheets", "config": {"url": "https://example.com/x"}, "dataset": "d"},
            422,
            "share link",
        ),
        (
            {
                "kind": "postgresql",
                "config": {"dsn": "host=h", "query": "delete from t"},
                "dataset": "d",
            },
            422,
            "only read",
        ),
        (
            {
                "kind": "postgresql",
                "config": {"dsn": "postgresql://u:hunter2@h/db", "table": "t"},
                "dataset": "d",
            },
            422,
            "config.dsn",
        ),
        (
            {
                "kind": "postgresql",
                "config": {"dsn": "host=h", "table": "t", "password": "hunter2"},
                "dataset": "d",
            },
            422,
            "secret_ref",
        ),
        (
            {
                "kind": "http_file",
                "config": {"url": "http://a/b"},
                "dataset": "d",
                "schedule": {"cron": "61 * * * *"},
            },
            422,
            "cron",
        ),
        (
            {
                "kind": "http_file",
                "config": {"url": "http://a/b"},
                "dataset": "d",
                "import": {"mapping": "m", "mode": "merge"},
            },
            422,
            "mode",
        ),
    ],
)
def test_bad_definitions_are_refused_and_change_nothing(
    shop: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    before = head(shop)
    r = _put(shop, "c", body)
    assert r.status_code == status, r.text
    assert words in r.text
    assert "hunter2" not in r.text
    assert head(shop) == before
    assert shop.get(f"{DB}/connectors/c").status_code == 404


def test_an_import_of_a_mapping_that_does_not_read_the_dataset_is_refused(
    shop: TestClient, files: str
) -> None:
    Files.content["/items.csv"] = V1.encode()
    _mapped(shop, f"{files}/items.csv")
    body = {"kind": "http_file", "config": {"url": f"{files}/items.csv"}, "dataset": "other"}
    r = _put(shop, "other", {**body, "import": {"mapping": "m"}})
    assert r.status_code == 422 and "does not read dataset 'other'" in r.text, r.text


def test_a_private_address_is_refused_unless_allowed(settings: Settings, files: str) -> None:
    with TestClient(create_app(settings)) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
        body = {"kind": "http_file", "config": {"url": f"{files}/items.csv"}, "dataset": "d"}
        assert _put(client, "c", body).status_code == 200
        r = client.post(f"{DB}/connectors/c/sync?wait=true&timeout=30")
        assert r.status_code == 400 and "non-public address" in r.json()["message"], r.text
        state = client.get(f"{DB}/connectors/c").json()["data"]["state"]
        assert "non-public address" in state["last_error"]
        assert Files.asked == []
        # A database by its address, whatever host name goes with it, or by a local socket.
        for dsn in ("host=example.com hostaddr=127.0.0.1 dbname=x", "host=/tmp dbname=x"):
            config = {"dsn": dsn, "table": "t"}
            body = {"kind": "postgresql", "config": config, "dataset": "d"}
            assert _put(client, "pg", body).status_code == 200
            r = client.post(f"{DB}/connectors/pg/sync?wait=true&timeout=30")
            assert r.status_code == 400, r.text
            assert any(w in r.text for w in ("non-public address", "local socket")), r.text


def test_secrets_never_reach_the_log_or_an_answer(settings: Settings) -> None:
    key = "b" * 43 + "="
    update = {"secrets_key": key, "connector_tick_seconds": 3600}
    with TestClient(create_app(settings.model_copy(update=update))) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
        config = {"dsn": "host=db.example.com dbname=x", "table": "t", "password": "hunter2"}
        body = {"kind": "postgresql", "config": config, "dataset": "d"}
        assert _put(client, "pg", body).status_code == 200
        shown = client.get(f"{DB}/connectors/pg").json()["data"]
        assert shown["config"]["password"] == "***"
        ref = {**config, "password": {"secret_ref": "PG_PASSWORD"}}
        assert _put(client, "pg2", {**body, "config": ref}).status_code == 200
        listed = client.get(f"{DB}/connectors").json()["data"]
        assert listed["total"] == 2
        assert listed["connectors"][1]["config"]["password"] == {"secret_ref": "PG_PASSWORD"}
        stored = container_of(client).events.read_all(0, 10_000)
        assert all("hunter2" not in str(e.data) for e in stored)
        audit = client.get("/api/v1/audit?limit=100").text
        assert "hunter2" not in audit
        r = client.post(f"{DB}/connectors/pg2/sync?wait=true&timeout=30")
        assert r.status_code == 400 and "SPICE_SECRET_PG_PASSWORD" in r.text, r.text


def test_a_connector_is_versioned_and_deleted(shop: TestClient, files: str) -> None:
    body = {"kind": "http_file", "config": {"url": f"{files}/a.csv"}, "dataset": "a"}
    assert _put(shop, "c", body).status_code == 200
    same = _put(shop, "c", body).json()["data"]["result"]
    assert same["unchanged"] is True and same["version"] == 1
    moved = _put(shop, "c", {**body, "schedule": {"cron": "*/5 * * * *"}}).json()
    assert moved["data"]["result"]["version"] == 2
    shown = shop.get(f"{DB}/connectors/c").json()["data"]
    assert shown["schedule"] == {"cron": "*/5 * * * *"} and shown["version"] == 2
    assert wait_ok(shop, "DELETE", f"{DB}/connectors/c")["data"]["status"] == "COMPLETED"
    assert shop.get(f"{DB}/connectors/c").status_code == 404
    assert shop.get(f"{DB}/connectors").json()["data"]["total"] == 0
    assert shop.post(f"{DB}/connectors/c/sync").status_code == 404
    for path in ("/api/v1/databases/nowhere/connectors", "/api/v1/databases/nowhere/connectors/c"):
        r = shop.get(path)
        assert r.status_code == 404 and "nowhere" in r.json()["message"], r.text
    assert _put(shop, "c", body).json()["data"]["result"]["version"] == 3


class Redirecting(QuietHandler):
    """Sends every request on to `Redirecting.to`."""

    to = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(302)
        self.send_header("Location", Redirecting.to)
        self.end_headers()


class Recording(FileHandler):
    authorizations: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802
        Recording.authorizations.append(self.headers.get("Authorization"))
        super().do_GET()


def test_a_token_goes_only_to_the_host_it_was_given_for(settings: Settings) -> None:
    Files.content, Files.etags, Recording.authorizations = {"/f.csv": V1.encode()}, True, []
    update = {"secrets_key": "d" * 43 + "=", "fetch_private_networks": True}
    with (
        serving(Recording) as other,
        serving(Redirecting) as first,
        TestClient(create_app(settings.model_copy(update=update))) as client,
    ):
        Redirecting.to = f"{other}/f.csv"
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
        config = {"url": f"{first}/f.csv", "token": "s3cr3t-token"}
        assert (
            _put(client, "c", {"kind": "http_file", "config": config, "dataset": "d"}).status_code
            == 200
        )
        assert _sync(client, "c")["changed"] is True
    assert Recording.authorizations == [None]
