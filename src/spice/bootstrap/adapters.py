"""The one place that turns a port's URL into a concrete adapter.

The distributed adapters need the `distributed` extra, so they are imported on demand.
Settings have checked every scheme already (`spice.bootstrap.settings.SCHEMES`).
"""

from __future__ import annotations

import math
import tempfile
from typing import TYPE_CHECKING

from spice.adapters.embedded.file_blobs import FileBlobStore
from spice.adapters.embedded.sqlite_command_status import SQLiteCommandStatusStore
from spice.adapters.embedded.sqlite_consumer_registry import SQLiteConsumerRegistry
from spice.adapters.embedded.sqlite_documents import SQLiteDocumentStore
from spice.adapters.embedded.sqlite_event_store import SQLiteEventStore
from spice.adapters.embedded.sqlite_sync_states import SQLiteSyncStates
from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.adapters.fernet_box import FernetBox
from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.adapters.memory.documents import InMemoryDocumentStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.adapters.memory.rate_limit import InMemoryRateLimiter
from spice.adapters.memory.sync_states import InMemorySyncStates
from spice.adapters.web.fetcher import PublicUrlFetcher
from spice.adapters.web.jwks import signing_keys
from spice.application.auth import NAMES_PER_ADDRESS
from spice.application.connectors.web_sources import HttpSource
from spice.application.oidc import OidcVerifier
from spice.application.overlay.store import DocumentStore
from spice.application.ports.blobs import BlobStore
from spice.application.ports.command_status import CommandStatusStore
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.event_store import EventStore
from spice.application.ports.fetching import UrlFetcher
from spice.application.ports.rate_limit import RateLimit, RateLimiter
from spice.application.ports.search import SearchIndex
from spice.application.ports.sources import SecretBox, SourceReader, SyncStates
from spice.application.ports.transport import Transport
from spice.bootstrap.settings import Settings

if TYPE_CHECKING:
    from spice.adapters.distributed.postgres import PostgresDatabase

POSTGRES = ("postgresql://", "postgres://")
REDIS = ("redis://", "rediss://")


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///").removeprefix("sqlite://")


class Pools:
    """One PostgreSQL pool per URL, shared by the stores on that URL, closed last."""

    def __init__(self) -> None:
        self._pools: dict[str, PostgresDatabase] = {}

    def get(self, url: str) -> PostgresDatabase:
        from spice.adapters.distributed.postgres import PostgresDatabase

        if url not in self._pools:
            self._pools[url] = PostgresDatabase(url, max_size=16)
        return self._pools[url]

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def event_store(s: Settings, pools: Pools) -> EventStore:
    url = s.event_store_location()
    if url.startswith("memory:"):
        return InMemoryEventStore()
    if url.startswith(POSTGRES):
        from spice.adapters.distributed.postgres_event_store import PostgresEventStore

        return PostgresEventStore(pools.get(url))
    return SQLiteEventStore(_sqlite_path(url), s.sqlite_synchronous)


def consumer_registry(s: Settings, pools: Pools) -> ConsumerRegistry:
    url = s.consumer_registry_location()
    if url.startswith("memory:"):
        return InMemoryConsumerRegistry()
    if url.startswith(POSTGRES):
        from spice.adapters.distributed.postgres_consumer_registry import (
            PostgresConsumerRegistry,
        )

        return PostgresConsumerRegistry(pools.get(url))
    return SQLiteConsumerRegistry(_sqlite_path(url), s.sqlite_synchronous)


def document_store(s: Settings, pools: Pools) -> DocumentStore:
    url = s.documents_location()
    if url.startswith("memory:"):
        return InMemoryDocumentStore()
    if url.startswith(POSTGRES):
        from spice.adapters.distributed.postgres_documents import PostgresDocumentStore

        return PostgresDocumentStore(pools.get(url))
    return SQLiteDocumentStore(_sqlite_path(url), s.sqlite_synchronous)


def command_status_store(s: Settings) -> CommandStatusStore:
    url = s.command_status_location()
    if url.startswith("memory:"):
        return InMemoryCommandStatusStore()
    if url.startswith(REDIS):
        from spice.adapters.distributed.redis_command_status import RedisCommandStatusStore

        return RedisCommandStatusStore(url, s.command_status_retention_hours * 3600)
    return SQLiteCommandStatusStore(_sqlite_path(url), s.sqlite_synchronous)


def transport(s: Settings) -> Transport | None:
    if not s.transport_url:
        return None
    from spice.adapters.distributed.kafka_transport import KafkaTransport

    return KafkaTransport(
        s.transport_url, session_timeout_ms=int(s.transport_session_timeout_seconds * 1000)
    )


def search_index(s: Settings) -> SearchIndex:
    url = s.search_location()
    if url.startswith("memory:"):
        return TantivySearchIndex(tempfile.mkdtemp(prefix="spice-search-"))
    if url.startswith("opensearch:"):
        from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex

        return OpenSearchSearchIndex(url)
    return TantivySearchIndex(url.removeprefix("tantivy://"))


def blob_store(s: Settings) -> BlobStore:
    url = s.blob_location()
    if url.startswith("s3:"):
        from spice.adapters.distributed.s3_blobs import S3BlobStore

        return S3BlobStore(url)
    return FileBlobStore(url.removeprefix("file://"))


def rate_limiter(s: Settings) -> RateLimiter | None:
    if not s.rate_limit_per_second:
        return None
    burst = s.rate_limit_burst or max(1, math.ceil(s.rate_limit_per_second))
    return _limiter(s, RateLimit(s.rate_limit_per_second, burst))


def oidc(s: Settings) -> OidcVerifier | None:
    """The verifier of the identity provider's tokens, when one is configured."""
    if not s.oidc_issuer:
        return None
    return OidcVerifier(
        s.oidc_issuer,
        s.oidc_audience,
        signing_keys(s.oidc_jwks),
        s.oidc_username_claim,
        s.oidc_groups_claim,
        s.oidc_admin_group,
    )


def url_fetcher(s: Settings) -> UrlFetcher:
    """Files fetched by URL: public addresses only unless the settings allow private ones."""
    return PublicUrlFetcher(allow_private=s.fetch_private_networks)


def login_limiter(s: Settings) -> RateLimiter:
    """Sign-in attempts: a minute's worth at once, then as the minute goes. It holds an
    address's allowance, NAMES_PER_ADDRESS times a name's (`Authenticator._count_attempt`)."""
    per_minute = s.login_attempts_per_minute * NAMES_PER_ADDRESS
    return _limiter(s, RateLimit(per_minute / 60, max(1, math.ceil(per_minute))))


def _limiter(s: Settings, limit: RateLimit) -> RateLimiter:
    if not s.rate_limit_url:
        return InMemoryRateLimiter(limit)
    from spice.adapters.distributed.redis_rate_limit import RedisRateLimiter

    return RedisRateLimiter(s.rate_limit_url, limit)


def sync_states(s: Settings, pools: Pools) -> SyncStates:
    """Connectors' sync states, beside the consumer registry."""
    url = s.consumer_registry_location()
    if url.startswith("memory:"):
        return InMemorySyncStates()
    if url.startswith(POSTGRES):
        from spice.adapters.distributed.postgres_sync_states import PostgresSyncStates

        return PostgresSyncStates(pools.get(url))
    return SQLiteSyncStates(_sqlite_path(url), s.sqlite_synchronous)


def source_readers(s: Settings, fetcher: UrlFetcher) -> dict[str, SourceReader]:
    """A reader per connector kind; PostgreSQL and S3 sources need the `distributed` extra
    (psycopg, boto3), and are refused without it."""
    readers: dict[str, SourceReader] = {
        "http_file": HttpSource(fetcher),
        "google_sheets": HttpSource(fetcher, sheets=True),
    }
    allow = s.fetch_private_networks
    try:
        from spice.adapters.distributed.postgres_source import PostgresSource

        readers["postgresql"] = PostgresSource(allow)
    except ImportError:  # pragma: no cover - the extra is installed wherever tests run
        pass
    try:
        from spice.adapters.distributed.s3_source import S3Source

        readers["s3"] = S3Source(allow)
    except ImportError:  # pragma: no cover
        pass
    return readers


def secret_box(s: Settings) -> SecretBox | None:
    return FernetBox(s.secrets_key) if s.secrets_key else None
