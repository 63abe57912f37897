"""An app on a fresh data directory, driven through FastAPI's test client.

Every API test runs twice: on the embedded profile (SQLite) and on the distributed adapters
(PostgreSQL for the event store, consumer registry and documents, each test in a schema of
its own, and Redis for command statuses). The search index is Tantivy in both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import (
    ADMIN_PASSWORD,
    CUSTOMER,
    PRODUCT,
    SECURED,
    TEST_HOST,
    signed_in,
    wait_ok,
)
from tests.services import distributed_urls


@pytest.fixture(params=["embedded", "distributed"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    base = Settings(data_dir=tmp_path / "data", max_body_bytes=64 * 1024, allowed_hosts=TEST_HOST)
    if request.param == "embedded":
        yield base
        return
    with distributed_urls() as urls:
        yield base.model_copy(update=urls)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def secured(settings: Settings) -> Iterator[TestClient]:
    """An app that says it binds to every address: sign-in needed, the first admin made."""
    with TestClient(create_app(settings.model_copy(update=SECURED))) as test_client:
        signed_in(test_client, "admin", ADMIN_PASSWORD)
        yield test_client


@pytest.fixture
def demo(client: TestClient) -> TestClient:
    """A database `demo` with Customer and Product classes."""
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    wait_ok(client, "POST", "/api/v1/database/demo/ontology", json=CUSTOMER)
    wait_ok(client, "POST", "/api/v1/database/demo/ontology", json=PRODUCT)
    return client
