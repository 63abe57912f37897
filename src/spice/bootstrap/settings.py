"""Typed settings, read from SPICE_* environment variables (or passed in directly)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every port is chosen by a URL; empty means the embedded default under `data_dir`."""

    model_config = SettingsConfigDict(env_prefix="SPICE_", extra="ignore")

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

    def url(self, configured: str, file_name: str) -> str:
        return configured or f"sqlite:///{(self.data_dir / file_name).resolve()}"

    def blob_location(self) -> str:
        """Where blobs live (`file:///path`, default `<data_dir>/blobs`, or `s3://...`)."""
        return self.blob_url or f"file:///{(self.data_dir / 'blobs').resolve()}"

    def search_location(self) -> str:
        """Tantivy's root directory (`tantivy:///path`; default `<data_dir>/search`)."""
        return self.search_url or f"tantivy:///{(self.data_dir / 'search').resolve()}"
