"""Typed settings, read from SPICE_* environment variables (or passed in directly) and
checked once at start-up: a bad value stops the process with one line naming the setting."""

from __future__ import annotations

import ipaddress
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
# Settings that hold a secret: what it is and its least length (empty: not set).
STRONG = {"auth_secret": ("secret", 32), "admin_password": ("password", 12)}
KNOWN_SECRETS = frozenset(
    {"changeme", "change-me", "secret", "password", "admin", "spice", "default", "test"}
    | {"changeme" * 4, "secret" * 6, "x" * 32, "0" * 32}
)


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line that names it."""


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


class Settings(BaseSettings):
    """Every port is chosen by a URL; empty means the embedded default under `data_dir`."""

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

    @field_validator(*STRONG, mode="after")
    @classmethod
    def _strong(cls, value: str, info: ValidationInfo) -> str:
        what, least = STRONG[str(info.field_name)]
        if value and (len(value) < least or value.lower() in KNOWN_SECRETS):
            raise ValueError(f"a {what} of {least}+ characters, not a known default")
        return value

    def binds_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return self.host == "localhost"

    def serves_loopback(self) -> bool:
        """`spice serve` bound to a loopback address: only this machine's users reach it."""
        return self.process == "serve" and self.binds_loopback()

    def signs_in(self) -> bool:
        """Whether sign-in is configured: a signing secret, or an identity provider."""
        return bool(self.auth_secret or self.oidc_issuer)

    def anonymous_is_local_admin(self) -> bool:
        """Whether a request without credentials acts as the local administrator: only on
        `spice serve` bound to a loopback address (the seed demo runs there as written),
        and there by default only without sign-in (with it, anyone on the machine, or a
        proxy on it, would pass every rule without signing in). Never in the API of the
        distributed profile, which usually sits behind a proxy on the same machine (every
        proxied request would come in as the administrator)."""
        wanted = not self.signs_in() if self.loopback_admin is None else self.loopback_admin
        return wanted and self.serves_loopback()

    def require_safe_binding(self) -> None:
        """Refuse to serve beyond loopback, or the distributed profile's API at all, without
        sign-in configured (a signing secret, or an identity provider)."""
        if self.oidc_issuer and not (self.oidc_audience and self.oidc_jwks):
            raise SettingsError(
                f"{env_name('oidc_issuer')} needs {env_name('oidc_audience')} and "
                f"{env_name('oidc_jwks')}"
            )
        if self.signs_in():
            return
        if self.process == "api":
            raise SettingsError(
                f"the API of the distributed profile needs authentication: set "
                f"{env_name('auth_secret')} (and {env_name('admin_password')} for a first "
                "administrator)"
            )
        if not self.serves_loopback():
            raise SettingsError(
                f"binding to {self.host} needs authentication: set {env_name('auth_secret')} "
                f"(and {env_name('admin_password')} for a first administrator), or bind to "
                "127.0.0.1"
            )

    def trusted_hosts(self) -> frozenset[str]:
        """Host names (lower case, no port) the server answers to; `*` in it: any."""
        named = {h.strip().lower().strip("[]") for h in self.allowed_hosts.split(",")}
        named.discard("")
        if self.binds_loopback():
            return frozenset(named | {"localhost", "127.0.0.1", "::1", self.host.lower()})
        return frozenset(named or {"*"})

    def trusted_origins(self) -> tuple[str, ...]:
        """Web origins besides the server's own, as `scheme://host[:port]` without a slash."""
        return tuple(o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip())

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
        if not self.signs_in():
            raise SettingsError(
                f"this process of the distributed profile needs sign-in configured: "
                f"{env_name('auth_secret')} (or {env_name('oidc_issuer')}), the same in every "
                "process of the deployment"
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


def settings_table() -> str:
    """Every setting as a Markdown table: variable, default, profile, meaning."""
    rows = ["| variable | default | profile | meaning |", "| --- | --- | --- | --- |"]
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        default = info.default
        if isinstance(default, Path) and not default.is_absolute():
            default = f"./{default}"
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        profile = str(extra.get("profile", "both"))
        rows.append(f"| `{env_name(name)}` | {shown} | {profile} | {info.description} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(settings_table(), end="")
