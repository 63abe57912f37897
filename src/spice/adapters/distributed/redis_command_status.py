"""Redis command status store: one key per command holding its status as JSON."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis

from spice.application.ports.command_status import CommandStatus, CommandStatusStore
from spice.domain.canonical import dumps, loads
from spice.domain.errors import Unavailable

log = logging.getLogger(__name__)
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


# KEYS[1] the status key; ARGV: the status, its TTL in seconds (0: none), the channel and
# the message announcing it.
INSERT_IF_ABSENT = """
local stored
if tonumber(ARGV[2]) > 0 then
    stored = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
else
    stored = redis.call('SET', KEYS[1], ARGV[1], 'NX')
end
if stored then
    redis.call('PUBLISH', ARGV[3], ARGV[4])
    return 1
end
return 0
"""


class RedisCommandStatusStore(CommandStatusStore):
    """`insert_if_absent` is SET NX, so two API processes accepting the same command id agree
    on one first status. Every stored status is also published on `<prefix>:statuses`, so
    the API processes hear what the workers do (WebSockets, waits). Connection failures
    raise `Unavailable`."""

    def __init__(self, url: str, retention_seconds: float = 86400.0) -> None:
        url, self.prefix = split_prefix(url)
        # Final statuses expire by themselves (Redis' TTL): `prune` has nothing to do.
        self.retention = max(1, int(retention_seconds))
        self._redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
        self._origin = uuid.uuid4().hex
        self._channel = f"{self.prefix}:statuses"
        self._listening = threading.Event()
        self._closed = threading.Event()
        self._insert = self._redis.register_script(INSERT_IF_ABSENT)

    def _key(self, command_id: str) -> str:
        return f"{self.prefix}:command:{command_id}"

    def insert_if_absent(self, status: CommandStatus) -> bool:
        """SET NX and, when it stored, PUBLISH: one round trip (a script)."""
        return self.insert_many_if_absent([status])[0]

    def insert_many_if_absent(self, statuses: list[CommandStatus]) -> list[bool]:
        """The script once per status, all in one pipeline: one round trip."""
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for status in statuses:
                    body = status.to_dict()
                    message = dumps({"origin": self._origin, "status": body})
                    self._insert(
                        keys=[self._key(status.command_id)],
                        args=[dumps(body), self._ttl(status) or 0, self._channel, message],
                        client=pipe,
                    )
                stored = pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc
        return [bool(s) for s in stored]

    def save(self, status: CommandStatus) -> None:
        self.save_many([status])

    def save_many(self, statuses: list[CommandStatus]) -> None:
        """Every SET and PUBLISH in one pipeline: one round trip."""
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for status in statuses:
                    body = status.to_dict()
                    pipe.set(self._key(status.command_id), dumps(body), ex=self._ttl(status))
                    pipe.publish(self._channel, dumps({"origin": self._origin, "status": body}))
                pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc

    def _ttl(self, status: CommandStatus) -> int | None:
        return self.retention if status.is_final else None

    def prune(self, before: str) -> int:
        return 0  # final statuses carry a TTL of the retention

    def get(self, command_id: str) -> CommandStatus | None:
        try:
            raw = self._redis.get(self._key(command_id))
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc
        return CommandStatus.from_dict(loads(raw)) if raw is not None else None

    def get_many(self, command_ids: list[str]) -> dict[str, CommandStatus]:
        if not command_ids:
            return {}
        try:
            raws = self._redis.mget([self._key(cid) for cid in command_ids])
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc
        return {
            cid: CommandStatus.from_dict(loads(raw))
            for cid, raw in zip(command_ids, raws, strict=True)
            if raw is not None
        }

    def watch(self, listener: Callable[[CommandStatus], None]) -> None:
        """Hear statuses stored by other processes (this store's own are not repeated)."""
        thread = threading.Thread(
            target=self._listen, args=(listener,), name="redis-statuses", daemon=True
        )
        thread.start()
        self._listening.wait(10)

    def _listen(self, listener: Callable[[CommandStatus], None]) -> None:
        while not self._closed.is_set():
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self._channel)
                self._listening.set()
                while not self._closed.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message is None:
                        continue
                    body = loads(message["data"])
                    if body["origin"] != self._origin:
                        listener(CommandStatus.from_dict(body["status"]))
            except redis.RedisError as exc:  # reconnect; waiters fall back to polling
                log.warning("Redis status subscription failed: %s", exc)
                self._closed.wait(1.0)
            except Exception:  # noqa: BLE001 - a bad message or listener must not end it
                log.exception("Redis status listener failed")

    def delete_all(self) -> None:
        """Remove every key under this store's prefix (tests use a prefix each)."""
        for key in self._redis.scan_iter(match=f"{self.prefix}:*", count=500):
            self._redis.delete(key)

    def close(self) -> None:
        self._closed.set()
        self._redis.close()
