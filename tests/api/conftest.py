"""An app on a fresh data directory, driven through FastAPI's test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import CUSTOMER, PRODUCT, wait_ok


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", max_body_bytes=64 * 1024)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def demo(client: TestClient) -> TestClient:
    """A database `demo` with Customer and Product classes."""
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
    wait_ok(client, "POST", "/api/v1/database/demo/ontology", json=CUSTOMER)
    wait_ok(client, "POST", "/api/v1/database/demo/ontology", json=PRODUCT)
    return client
