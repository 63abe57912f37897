"""Helpers shared by the API tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi.testclient import TestClient

from spice.adapters.web.fetcher import PublicUrlFetcher
from spice.bootstrap.container import Container
from spice.bootstrap.settings import Settings

CUSTOMER = {
    "id": "Customer",
    "label": "Customer",
    "properties": [
        {"name": "customer_id", "type": "string", "required": True},
        {"name": "name", "type": "string", "required": True},
        {"name": "age", "type": "integer"},
    ],
    "relationships": [],
}
PRODUCT = {
    "id": "Product",
    "label": "Product",
    "properties": [
        {"name": "product_id", "type": "string", "required": True},
        {"name": "name", "type": "string", "required": True},
        {"name": "price", "type": "decimal"},
    ],
    "relationships": [
        {"predicate": "owned_by", "target": "Customer", "label": "Owned By", "cardinality": "n:1"}
    ],
}


def container_of(client: TestClient) -> Container:
    container: Container = client.app.state.container  # type: ignore[attr-defined]
    return container


class QuietHandler(BaseHTTPRequestHandler):
    """The handler of a test's own HTTP server: it logs nothing."""

    def log_message(self, *_: Any) -> None:
        return None


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local HTTP server on a free loopback port, answering with `handler`, for the
    server under test to fetch from; its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fetch_from_loopback(client: TestClient) -> None:
    """Let the server fetch files from private addresses, as SPICE_FETCH_PRIVATE_NETWORKS
    does (the tests' file servers listen on loopback)."""
    fetcher = container_of(client).datasets.fetcher
    assert isinstance(fetcher, PublicUrlFetcher)
    fetcher.allow_private = True


def head(client: TestClient) -> int:
    """The log position of the last event written so far."""
    return container_of(client).events.head_position()


def wait_ok(client: TestClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """Send a write with ?wait=true and return the completed command's body."""
    sep = "&" if "?" in url else "?"
    response = client.request(method, f"{url}{sep}wait=true&timeout=10", **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def final_status(
    client: TestClient, command_id: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """The status of a command once it has finished, read as the caller `headers` name."""
    deadline = time.monotonic() + 10
    while True:
        status: dict[str, Any] = client.get(
            f"/api/v1/commands/{command_id}/status", headers=headers
        ).json()
        if status.get("status") in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
            assert status.get("status") in ("COMPLETED", "FAILED"), status
            return status
        time.sleep(0.02)


def wait_command(client: TestClient, command_id: str) -> dict[str, Any]:
    """Wait for a command through the sync wait endpoint; its final status data."""
    response = client.get(f"/api/v1/ontology/any/sync/command/{command_id}/wait?timeout=10")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def damage_search_index(settings: Settings, db: str) -> None:
    """Break the search index of `db`/main behind the server's back: Tantivy's branch
    metadata file becomes unreadable; in OpenSearch the branch index is deleted."""
    if settings.search_url.startswith("opensearch://"):
        from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex

        index = OpenSearchSearchIndex(settings.search_url)
        try:
            index._delete_index(index._index(index.active_generation(), db, "main"))
        finally:
            index.close()
        return
    root = settings.data_dir / "search"
    generation = (root / "ACTIVE").read_text().strip()
    (root / generation / db / "main" / "meta.json").write_text("{ broken")


def garble_search_state(settings: Settings) -> None:
    """Make the search index's own list of branch indexes unreadable."""
    if settings.search_url.startswith("opensearch://"):
        from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex

        index = OpenSearchSearchIndex(settings.search_url)
        try:
            index._state.put_generation(index.active_generation(), {"indexes": {"not": "a list"}})
        finally:
            index.close()
        return
    root = settings.data_dir / "search"
    generation = (root / "ACTIVE").read_text().strip()
    (root / generation / "INDEXES").write_text(json.dumps({"not": "a list"}))


# The host name FastAPI's test client sends, which apps under test must answer to.
TEST_HOST = "testserver"
ADMIN_PASSWORD = "correct horse battery"
# Settings of a server that says it binds to every address, with sign-in and a first admin.
SECURED = {
    "host": "0.0.0.0",
    "auth_secret": "k" * 24 + "-test-only-secret",
    # Tests sign in often from one address; one test checks the default limit.
    "login_attempts_per_minute": 100_000,
    "admin_password": ADMIN_PASSWORD,
}


def signed_in(client: TestClient, username: str, password: str) -> dict[str, Any]:
    """The tokens of a user, whose creation may just have been accepted (it completes
    shortly)."""
    deadline = time.monotonic() + 15
    while True:
        r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
        if r.status_code == 200 or time.monotonic() > deadline:
            assert r.status_code == 200, r.text
            tokens: dict[str, Any] = r.json()["data"]
            return tokens
        time.sleep(0.05)


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
