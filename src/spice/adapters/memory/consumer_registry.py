"""In-memory consumer registry, for unit tests."""

from __future__ import annotations

import threading

from spice.application.ports.consumer_registry import (
    CLAIMED,
    DUPLICATE,
    IN_PROGRESS,
    STALE,
    Claim,
    ConsumerRegistry,
)


class InMemoryConsumerRegistry(ConsumerRegistry):
    """Checkpoints, processed events and leases in dicts, for tests and `memory://`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checkpoints: dict[str, int] = {}
        self._processed: dict[tuple[str, str], float] = {}  # -> when it was processed
        self._leases: dict[tuple[str, str], tuple[str, float, int]] = {}
        self._versions: dict[tuple[str, str], int] = {}

    def checkpoint(self, consumer: str) -> int:
        with self._lock:
            return self._checkpoints.get(consumer, 0)

    def save_checkpoint(self, consumer: str, position: int) -> None:
        with self._lock:
            self._checkpoints[consumer] = max(position, self._checkpoints.get(consumer, 0))

    def mark_processed(self, consumer: str, event_id: str) -> bool:
        with self._lock:
            if (consumer, event_id) in self._processed:
                return False
            self._processed[(consumer, event_id)] = self.clock()
            return True

    def is_processed(self, consumer: str, event_id: str) -> bool:
        with self._lock:
            return (consumer, event_id) in self._processed

    def claim(
        self,
        handler: str,
        event_id: str,
        owner: str,
        lease_seconds: float,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> Claim:
        now = self.clock()
        key = (handler, event_id)
        with self._lock:
            holder, expires, attempts = self._leases.get(key, (owner, 0.0, 0))
            if holder != owner and expires > now:
                return Claim(IN_PROGRESS)
            attempts += 1
            if key in self._processed:
                self._leases.pop(key, None)
                return Claim(DUPLICATE, attempts)
            version = self._versions.get((handler, aggregate_id or ""), 0)
            if aggregate_id is not None and seq is not None and version >= seq:
                self._leases.pop(key, None)
                return Claim(STALE, attempts)
            self._leases[key] = (owner, now + lease_seconds, attempts)
            return Claim(CLAIMED, attempts)

    def heartbeat(
        self, handler: str, owner: str, event_ids: list[str], lease_seconds: float
    ) -> set[str]:
        now = self.clock()
        lost = set()
        with self._lock:
            for event_id in event_ids:
                holder, expires, attempts = self._leases.get((handler, event_id), ("", 0.0, 0))
                if holder != owner or expires <= now:
                    lost.add(event_id)
                else:
                    self._leases[(handler, event_id)] = (owner, now + lease_seconds, attempts)
        return lost

    def complete(
        self,
        handler: str,
        event_id: str,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> None:
        with self._lock:
            self._processed[(handler, event_id)] = self.clock()
            if aggregate_id is not None and seq is not None:
                key = (handler, aggregate_id)
                self._versions[key] = max(seq, self._versions.get(key, 0))
            self._leases.pop((handler, event_id), None)

    def release(self, handler: str, event_id: str, owner: str, forget: bool = False) -> None:
        with self._lock:
            holder, _, attempts = self._leases.get((handler, event_id), ("", 0.0, 0))
            if holder == owner and forget:
                del self._leases[(handler, event_id)]
            elif holder == owner:
                self._leases[(handler, event_id)] = (owner, 0.0, attempts)

    def prune(self, before: float) -> int:
        with self._lock:
            processed = [k for k, at in self._processed.items() if at < before]
            leases = [k for k, (_, expires, _) in self._leases.items() if expires < before]
            for key in processed:
                del self._processed[key]
            for key in leases:
                del self._leases[key]
        return len(processed) + len(leases)

    def aggregate_version(self, handler: str, aggregate_id: str) -> int:
        with self._lock:
            return self._versions.get((handler, aggregate_id), 0)
