"""The services of the distributed profile, as `scripts/services start` left them.

Their URLs come from the environment (`SPICE_TEST_POSTGRES_URL`, ...) or from the
`.services/env` file the script writes. They are required: a run without them stops at once
naming the missing ones (tests/conftest.py), unless `SPICE_REQUIRE_SERVICES=0`
(`make test-embedded`), where the tests that need them are skipped and counted.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

ENV_FILE = Path(__file__).resolve().parents[1] / ".services" / "env"
# The one reason a test may be skipped: `make test-embedded` runs without the services.
SKIP_NO_SERVICE = "service not running (make test-embedded)"


@cache
def _from_file() -> dict[str, str]:
    if not ENV_FILE.exists():
        return {}
    pairs = (line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def service_url(name: str) -> str | None:
    """The URL of service `name` (postgres, redis, ...), or None when it is not running."""
    key = f"SPICE_TEST_{name.upper()}_URL"
    return os.environ.get(key) or _from_file().get(key)


SERVICES = ("postgres", "redis", "kafka", "opensearch", "s3")


def services_required() -> bool:
    """Whether this run needs the services (the default; `SPICE_REQUIRE_SERVICES=0` says not)."""
    return os.environ.get("SPICE_REQUIRE_SERVICES", "1") != "0"


def reachable(url: str) -> bool:
    """Whether something listens at the URL's host and port (an S3 URL's `endpoint`)."""
    parts = urlsplit(url)
    endpoint = dict(parse_qsl(parts.query)).get("endpoint")
    if parts.scheme == "s3" and endpoint:
        parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 2):
            return True
    except OSError:
        return False


def missing_services() -> list[str]:
    """The services that have no URL or do not answer at it."""
    return [name for name in SERVICES if not (url := service_url(name)) or not reachable(url)]


def require(name: str) -> str:
    """The URL of service `name`; without it the test fails, or is skipped when the run
    said it does without the services (`make test-embedded`)."""
    url = service_url(name)
    if url and (services_required() or reachable(url)):
        return url
    message = f"{name} is not running: start it with `scripts/services start {name}`"
    if services_required():
        pytest.fail(message)
    pytest.skip(f"{SKIP_NO_SERVICE}: {name}")


def fresh(url: str, param: str, tag: str = "t") -> str:
    """`url` with query parameter `param` (schema, prefix) set to a name no one else uses."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{param}={tag}_{uuid.uuid4().hex[:16]}"


def postgres_schema_url() -> str:
    """A URL for a fresh schema of the test PostgreSQL, so tests never share tables."""
    return fresh(require("postgres"), "schema")


def redis_prefix_url() -> str:
    """A URL for the test Redis with a key prefix of its own."""
    return fresh(require("redis"), "prefix")


def kafka_prefix_url() -> str:
    """A URL for the test Kafka with a topic prefix of its own."""
    return fresh(require("kafka"), "prefix")


def opensearch_prefix_url() -> str:
    """A URL for the test OpenSearch with an index prefix of its own."""
    return fresh(require("opensearch"), "prefix")


@contextmanager
def distributed_urls() -> Iterator[dict[str, str]]:
    """Settings fields that put every store of the distributed profile built so far on the
    test services (a fresh schema and key and index prefixes), dropped afterwards."""
    postgres, redis = postgres_schema_url(), redis_prefix_url()
    opensearch, s3 = opensearch_prefix_url(), fresh(require("s3"), "prefix")
    yield {
        "event_store_url": postgres,
        "consumer_registry_url": postgres,
        "documents_url": postgres,
        "command_status_url": redis,
        "search_url": opensearch,
        "rate_limit_url": redis,
        "blob_url": s3,
    }
    drop_postgres_schema(postgres)
    drop_redis_prefix(redis)
    drop_opensearch_prefix(opensearch)
    drop_s3_prefix(s3)


@contextmanager
def postgres_pool() -> Iterator[Any]:
    """A PostgreSQL pool on a fresh schema of the test database, dropped afterwards; the
    stores made on it are closed by the caller before it ends."""
    from spice.adapters.distributed.postgres import PostgresDatabase

    pool = PostgresDatabase(postgres_schema_url())
    try:
        yield pool
    finally:
        pool.drop_schema()
        pool.close()


@contextmanager
def consumer_registry(backend: str) -> Iterator[Any]:
    """A consumer registry in memory, or on PostgreSQL in a fresh schema ("postgres")."""
    from spice.adapters.distributed.postgres_consumer_registry import PostgresConsumerRegistry
    from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry

    if backend == "memory":
        yield InMemoryConsumerRegistry()
        return
    with postgres_pool() as pool:
        made = PostgresConsumerRegistry(pool)
        yield made
        made.close()


def drop_postgres_schema(url: str) -> None:
    from spice.adapters.distributed.postgres import PostgresDatabase

    db = PostgresDatabase(url, max_size=1)
    try:
        db.drop_schema()
    finally:
        db.close()


def drop_redis_prefix(url: str) -> None:
    from spice.adapters.distributed.redis_command_status import RedisCommandStatusStore

    store = RedisCommandStatusStore(url)
    try:
        store.delete_all()
    finally:
        store.close()


def drop_opensearch_prefix(url: str) -> None:
    from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex

    index = OpenSearchSearchIndex(url)
    try:
        index.delete_all()
    finally:
        index.close()


def drop_s3_prefix(url: str) -> None:
    from spice.adapters.distributed.s3_blobs import S3BlobStore

    store = S3BlobStore(url)
    try:
        while keys := store.list_keys(limit=1000):
            for key in keys:
                store.delete(key)
    finally:
        store.close()
