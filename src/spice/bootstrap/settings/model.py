"""The settings a process runs with: the fields checked once at start-up, and what follows
from them (where each port is, whether the server may bind where it is told to)."""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import urlsplit

from pydantic import ValidationError, ValidationInfo, field_validator

from spice.application.connectors.secrets import refs_of
from spice.bootstrap.settings.fields import SettingsFields
from spice.bootstrap.settings.rules import (
    DISTRIBUTED_REQUIRED,
    KNOWN_SECRETS,
    SCHEMES,
    STRONG,
    SettingsError,
    env_name,
    mask,
)

FERNET_KEY = re.compile(r"^[A-Za-z0-9_-]{43}=$")


class Settings(SettingsFields):
    """Every port is chosen by a URL; empty means the embedded default under `data_dir`."""

    @field_validator(*STRONG, mode="after")
    @classmethod
    def _strong(cls, value: str, info: ValidationInfo) -> str:
        what, least = STRONG[str(info.field_name)]
        if value and (len(value) < least or value.lower() in KNOWN_SECRETS):
            raise ValueError(f"a {what} of {least}+ characters, not a known default")
        return value

    @field_validator("secrets_key", mode="after")
    @classmethod
    def _fernet_key(cls, value: str) -> str:
        if value and not FERNET_KEY.fullmatch(value):
            raise ValueError("a Fernet key: 32 bytes in URL-safe base64 (44 characters)")
        return value

    @field_validator("connector_secrets", mode="after")
    @classmethod
    def _with_environment(cls, value: dict[str, str]) -> dict[str, str]:
        """The secrets given, and those of the SPICE_SECRET_<NAME> variables."""
        return {**refs_of(os.environ), **value}

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


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; SettingsError naming the first bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{env_name(field)}: {message}") from None
