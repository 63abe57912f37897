"""Redis command status store: one key per command holding its status as JSON."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis

from spice.application.ports.command_status import CommandStatus, CommandStatusStore
from spice.application.serialization import dumps, loads
from spice.domain.errors import Unavailable

PREFIX = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def split_prefix(url: str, default: str = "spice") -> tuple[str, str]:
    """(Redis URL, key prefix): the prefix comes from a `prefix=` query parameter."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((v for k, v in query if k == "prefix"), default)
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"bad key prefix {prefix!r}")
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisCommandStatusStore(CommandStatusStore):
    """`insert_if_absent` is SET NX, so two API processes accepting the same command id agree
    on one first status. Connection failures raise `Unavailable`."""

    def __init__(self, url: str) -> None:
        url, self.prefix = split_prefix(url)
        self._redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)

    def _key(self, command_id: str) -> str:
        return f"{self.prefix}:command:{command_id}"

    def insert_if_absent(self, status: CommandStatus) -> bool:
        try:
            stored = self._redis.set(self._key(status.command_id), dumps(status.to_dict()), nx=True)
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc
        return bool(stored)

    def save(self, status: CommandStatus) -> None:
        try:
            self._redis.set(self._key(status.command_id), dumps(status.to_dict()))
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc

    def get(self, command_id: str) -> CommandStatus | None:
        try:
            raw = self._redis.get(self._key(command_id))
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc
        return CommandStatus.from_dict(loads(raw)) if raw is not None else None

    def delete_all(self) -> None:
        """Remove every key under this store's prefix (tests use a prefix each)."""
        for key in self._redis.scan_iter(match=f"{self.prefix}:*", count=500):
            self._redis.delete(key)

    def close(self) -> None:
        self._redis.close()
