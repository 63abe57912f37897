"""Typed settings, read from SPICE_* environment variables (or passed in directly) and
checked once at start-up: a bad value stops the process with one line naming the setting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SPICE_"

# The schemes each port takes (empty: the embedded default under `data_dir`).
SCHEMES: dict[str, tuple[str, ...]] = {
    "event_store_url": ("sqlite", "memory", "postgresql", "postgres"),
    "consumer_registry_url": ("sqlite", "memory", "postgresql", "postgres"),
    "documents_url": ("sqlite", "memory", "postgresql", "postgres"),
    "command_status_url": ("sqlite", "memory", "redis", "rediss"),
    "search_url": ("tantivy", "memory", "opensearch"),
    "transport_url": ("kafka",),
    "blob_url": ("file", "s3"),
    "rate_limit_url": ("redis", "rediss"),
}
# What a process of the distributed profile must be told explicitly: without them it would
# quietly run on a local SQLite under ./spice-data.
DISTRIBUTED_REQUIRED = (
    "event_store_url",
    "consumer_registry_url",
    "documents_url",
    "command_status_url",
    "transport_url",
)
SECRET_QUERY_KEYS = ("password", "secret", "token", "key")


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line that names it."""


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


class Settings(BaseSettings):
    """Every port is chosen by a URL; empty means the embedded default under `data_dir`."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Path("./spice-data")
    host: str = "127.0.0.1"
    port: int = Field(default=8002, ge=1, le=65535)
    event_store_url: str = ""
    consumer_registry_url: str = ""
    documents_url: str = ""
    command_status_url: str = ""
    search_url: str = ""
    transport_url: str = ""
    blob_url: str = ""
    # Requests per second and burst per client; 0 is no limit. The limiter keeps its counts in
    # this process, or in Redis (`rate_limit_url`) to share them among API processes.
    rate_limit_per_second: float = Field(default=0.0, ge=0)
    rate_limit_burst: int = Field(default=0, ge=0)
    rate_limit_url: str = ""
    rate_limit_key_header: str = ""
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    drain_timeout_seconds: float = Field(default=10.0, ge=0)
    run_workers: bool = True
    # "serve": API, command worker and projectors in one process. "api": HTTP and the
    # search index only; commands run in `spice worker commands`, documents are projected by
    # `spice worker projections` (the distributed profile).
    process: Literal["serve", "api"] = "serve"
    worker_id: str = ""
    worker_max_attempts: int = Field(default=5, ge=1)
    worker_lease_seconds: float = Field(default=30.0, gt=0)
    topic_partitions: int = Field(default=8, ge=1)

    @field_validator(*SCHEMES, mode="after")
    @classmethod
    def _known_scheme(cls, value: str, info: ValidationInfo) -> str:
        name = str(info.field_name)
        if not value:
            return value
        scheme = urlsplit(value).scheme
        if scheme not in SCHEMES[name]:
            allowed = ", ".join(f"{s}://" for s in SCHEMES[name])
            raise ValueError(f"unsupported scheme {scheme!r} (one of {allowed})")
        return value

    def url(self, configured: str, file_name: str) -> str:
        return configured or f"sqlite:///{(self.data_dir / file_name).resolve()}"

    def event_store_location(self) -> str:
        return self.url(self.event_store_url, "events.db")

    def consumer_registry_location(self) -> str:
        return self.url(self.consumer_registry_url, "registry.db")

    def documents_location(self) -> str:
        return self.url(self.documents_url, "documents.db")

    def command_status_location(self) -> str:
        return self.url(self.command_status_url, "commands.db")

    def blob_location(self) -> str:
        """Where blobs live (`file:///path`, default `<data_dir>/blobs`, or `s3://...`)."""
        return self.blob_url or f"file:///{(self.data_dir / 'blobs').resolve()}"

    def search_location(self) -> str:
        """Tantivy's root directory (`tantivy:///path`; default `<data_dir>/search`)."""
        return self.search_url or f"tantivy:///{(self.data_dir / 'search').resolve()}"

    def require_distributed(self) -> None:
        """Refuse to run a process of the distributed profile on embedded defaults."""
        missing = [env_name(f) for f in DISTRIBUTED_REQUIRED if not getattr(self, f)]
        if missing:
            raise SettingsError(
                f"this process of the distributed profile needs {', '.join(missing)} "
                "(see docs/deployment.md)"
            )

    def describe(self) -> list[str]:
        """What this process runs with, one line per port, secrets hidden."""
        lines = [
            f"event store: {mask(self.event_store_location())}",
            f"consumer registry: {mask(self.consumer_registry_location())}",
            f"documents: {mask(self.documents_location())}",
            f"command statuses: {mask(self.command_status_location())}",
            f"search index: {mask(self.search_location())}",
            f"blobs: {mask(self.blob_location())}",
        ]
        if self.transport_url:
            lines.append(f"transport: {mask(self.transport_url)}")
        if self.rate_limit_per_second:
            shared = f" shared through {mask(self.rate_limit_url)}" if self.rate_limit_url else ""
            lines.append(f"rate limit: {self.rate_limit_per_second:g}/s per client{shared}")
        return lines


def mask(url: str) -> str:
    """`url` with its password and secret-looking query values replaced by ***."""
    parts = urlsplit(url)
    if parts.password:
        user_info = parts.netloc.rsplit("@", 1)[0]
        url = url.replace(f"{user_info}@", f"{parts.username or ''}:***@", 1)
    return SECRET_QUERY.sub(r"\1***", url)


SECRET_QUERY = re.compile(
    r"([?&][^=&#]*(?:" + "|".join(SECRET_QUERY_KEYS) + r")[^=&#]*=)[^&#]*", re.IGNORECASE
)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; SettingsError naming the first bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{env_name(field)}: {message}") from None
