"""What the settings' values must be, how a setting is named in the environment, and how
a URL is shown with its secrets hidden."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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
