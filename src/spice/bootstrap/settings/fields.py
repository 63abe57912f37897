"""Every setting: its type, default, profile (embedded, distributed or both) and meaning,
read from SPICE_* environment variables. The table in docs/settings.md is made from these,
in this order."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from spice.bootstrap.settings.rules import ENV_PREFIX


class SettingsFields(BaseSettings):
    """The settings' fields; `Settings` adds their checks and what follows from them."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Field(
        default=Path("./spice-data"),
        description="Where the embedded stores keep their files (the default of every URL).",
        json_schema_extra={"profile": "embedded"},
    )
    host: str = Field(default="127.0.0.1", description="Address `spice serve`/`api` binds to.")
    port: int = Field(default=8002, ge=1, le=65535, description="Port of the HTTP API.")
    event_store_url: str = Field(
        default="",
        description="The log: `sqlite:///path`, `memory://` or `postgresql://...?schema=`.",
        json_schema_extra={"profile": "both"},
    )
    consumer_registry_url: str = Field(
        default="",
        description="Checkpoints, processed events, leases: `sqlite:`, `memory:`, `postgresql:`.",
        json_schema_extra={"profile": "both"},
    )
    documents_url: str = Field(
        default="",
        description="Documents and graph edges: `sqlite:`, `memory:`, `postgresql:`.",
        json_schema_extra={"profile": "both"},
    )
    command_status_url: str = Field(
        default="",
        description="Command statuses: `sqlite:`, `memory:` or `redis://...?prefix=`.",
        json_schema_extra={"profile": "both"},
    )
    search_url: str = Field(
        default="",
        description="Search index: `tantivy:///path`, `memory://` or `opensearch://...?prefix=`.",
        json_schema_extra={"profile": "both"},
    )
    transport_url: str = Field(
        default="",
        description="Kafka (`kafka://host:port?prefix=`); empty: the in-process tail of the log.",
        json_schema_extra={"profile": "distributed"},
    )
    blob_url: str = Field(
        default="",
        description="Blobs: `file:///path` or `s3://[key:secret@]bucket?endpoint=&prefix=`.",
        json_schema_extra={"profile": "both"},
    )
    rate_limit_per_second: float = Field(
        default=100.0,
        ge=0,
        description="Requests per second per client: a signed-in user, else an address (the "
        "local administrator of a loopback server is not limited); 0 is no limit.",
    )
    rate_limit_burst: int = Field(
        default=200,
        ge=0,
        description="Requests a client may send at once (0: the rate, rounded up).",
    )
    rate_limit_url: str = Field(
        default="",
        description="Redis to share rate-limit counts among API processes; empty: per process.",
        json_schema_extra={"profile": "distributed"},
    )
    rate_limit_key_header: str = Field(
        default="",
        description="Header that names a client (e.g. `X-Api-Key` set by a gateway); else the "
        "signed-in user, or the address.",
    )
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="NORMAL",
        description=(
            "Durability of the embedded log (SQLite in WAL mode). `NORMAL`, the default: an"
            " acknowledged command survives a killed process (`kill -9`), but the last ones"
            " acknowledged before a power loss or an operating-system crash may be lost (the"
            " log stays consistent and its hash chain verifies). `FULL`: every acknowledged"
            " command also survives power loss, at the cost of a sync of the WAL per commit,"
            " as PostgreSQL's default does."
        ),
        json_schema_extra={"profile": "embedded"},
    )
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024, ge=1024, description="Largest request body (413 above)."
    )
    max_upload_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024,
        description="Largest dataset file, uploaded or fetched from a URL (413 above).",
    )
    body_read_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Longest wait for the next part of a request body: a body that stops "
        "arriving (a client that declares more than it sends) gets 408 and its connection "
        "closed.",
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description="Most connections and requests the HTTP server holds at once; a request "
        "beyond them gets 503. Keep it below the process's open-file limit (`ulimit -n`).",
    )
    max_read_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Longest a dataset file may take to read, on upload or read again for a "
        "preview or an import (422 above).",
    )
    fetch_private_networks: bool = Field(
        default=False,
        description="Let dataset URLs reach loopback, private, link-local and other "
        "non-public addresses (off: such a URL is refused, since the server fetches it on a "
        "client's behalf).",
    )
    secrets_key: str = Field(
        default="",
        description="Seals the secrets of connector configs (passwords, tokens) given in clear, "
        "so the log holds them only sealed: a Fernet key (`python -c 'from "
        "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`); empty: "
        'a secret is given only by reference, `{"secret_ref": "NAME"}` for the setting '
        "SPICE_SECRET_NAME.",
        json_schema_extra={"profile": "both"},
    )
    connector_secrets: dict[str, str] = Field(
        default_factory=dict,
        description="Secrets connectors name by reference (`secret_ref`), by name; read from "
        "every SPICE_SECRET_<NAME> variable as well.",
    )
    connector_tick_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="How often the scheduler looks for connectors due to be synced.",
    )
    connector_degraded_after_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="A connector whose syncs have failed for this long makes `/ready` say "
        "`degraded` (never not ready).",
    )
    drain_timeout_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long a refused command waits for commands in flight before the refusal "
        "stands (a class created just before its instances).",
    )
    run_workers: bool = Field(
        default=True,
        description="Run the command worker and projectors in `spice serve` (tests turn it off).",
        json_schema_extra={"profile": "embedded"},
    )
    process: Literal["serve", "api"] = Field(
        default="serve",
        description="`serve`: API, worker and projectors in one process; `api`: HTTP only (set "
        "by `spice api`).",
    )
    worker_id: str = Field(
        default="",
        description="Names this process in leases and consumer groups (default host-pid).",
        json_schema_extra={"profile": "distributed"},
    )
    worker_max_attempts: int = Field(
        default=5,
        ge=1,
        description="Deliveries of a message before it goes to the dead-letter topic.",
        json_schema_extra={"profile": "distributed"},
    )
    worker_lease_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a worker's claim on a message lasts without a heartbeat (renewed "
        "every third of it while the worker lives): how soon another worker may run the "
        "command a killed one held.",
        json_schema_extra={"profile": "distributed"},
    )
    transport_session_timeout_seconds: float = Field(
        default=6.0,
        ge=1,
        le=300,
        description="How long Kafka waits for a silent worker before giving its partitions to "
        "the others (at least the broker's group.min.session.timeout.ms, 6 s by default).",
        json_schema_extra={"profile": "distributed"},
    )
    topic_partitions: int = Field(
        default=8,
        ge=1,
        description="Partitions of the topics the relay or a worker creates.",
        json_schema_extra={"profile": "distributed"},
    )

    auth_secret: str = Field(
        default="",
        description="Signs access and refresh tokens (32+ characters, not a known default); "
        "empty: no sign-in, and the server may only bind to a loopback address.",
        json_schema_extra={"profile": "both"},
    )
    access_token_minutes: float = Field(
        default=15, gt=0, le=24 * 60, description="How long an access token is valid."
    )
    refresh_token_days: float = Field(
        default=7, gt=0, le=90, description="How long a refresh token is valid."
    )
    admin_username: str = Field(
        default="admin", description="The administrator made at start when it does not exist."
    )
    admin_password: str = Field(
        default="",
        description="Password of that administrator (12+ characters); empty: none is made.",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO",
        description="Least level of the log lines a process writes (INFO: one access line "
        "per request, start-up, leases, recoveries).",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`json`: one JSON object per line (time, level, logger, message, "
        "request_id, command_id, correlation_id, and the access line's fields).",
    )
    command_status_retention_hours: float = Field(
        default=24,
        gt=0,
        description="How long a finished command's status is kept for status reads, waits and "
        "WebSockets (the log keeps its outcome for good; a later read makes it again).",
    )
    trace_exporter: Literal["none", "console", "otlp"] = Field(
        default="none",
        description="Where traces go: nowhere, standard error, or an OpenTelemetry collector "
        "over HTTP (`OTEL_EXPORTER_OTLP_ENDPOINT`; needs the `otlp` extra).",
    )
    registry_retention_days: float = Field(
        default=7,
        gt=0,
        description="How long the consumer registry remembers a processed message (to skip "
        "a redelivery) and an expired lease; Kafka's default retention is as long.",
    )
    database_grace_days: float = Field(
        default=7,
        ge=0,
        le=365,
        description="How long a deleted database can be restored before it is purged.",
    )
    ready_max_lag_seconds: float = Field(
        default=30.0,
        gt=0,
        description="`/ready` answers 503 when a write waits longer than this to be run or "
        "projected (a follower behind, or a command not run).",
    )
    oidc_issuer: str = Field(
        default="",
        description="Issuer (`iss`) of an OpenID Connect provider whose bearer tokens are "
        "accepted; empty: none. Needs the audience and the JWKS.",
    )
    oidc_audience: str = Field(default="", description="The audience (`aud`) its tokens name.")
    oidc_jwks: str = Field(
        default="",
        description="Its signing keys: a JWKS URL (`https://.../certs`, fetched and cached) "
        "or a JWKS file path.",
    )
    oidc_username_claim: str = Field(
        default="preferred_username", description="The claim that names the user."
    )
    oidc_groups_claim: str = Field(default="groups", description="The claim listing groups.")
    oidc_admin_group: str = Field(
        default="", description="Members of this group are administrators; empty: none are."
    )
    allowed_hosts: str = Field(
        default="",
        description="Comma-separated host names the server answers to (the `Host` header; `*`: "
        "any). On a loopback address `localhost`, `127.0.0.1` and `::1` always are; elsewhere "
        "empty means any.",
    )
    allowed_origins: str = Field(
        default="",
        description="Comma-separated web origins (`https://console.example.com`) whose pages "
        "may call the API (CORS) and open its WebSockets; the server's own origin always may. "
        "Empty: no other.",
    )
    loopback_admin: bool | None = Field(
        default=None,
        description="Whether a request without credentials to `spice serve` bound to a "
        "loopback address acts as the administrator (never elsewhere, nor in `spice api`); "
        "empty: yes when no sign-in is configured, no when it is (then such a request is "
        "nobody: 401 on every route but the open ones).",
        json_schema_extra={"profile": "embedded"},
    )
    login_attempts_per_minute: float = Field(
        default=10,
        gt=0,
        description="Sign-in attempts per minute for one user name from one address (a burst "
        "of as many, then 429); an address may make three times as many over all names. A "
        "user name is never limited on its own, so strangers cannot lock its user out.",
    )
