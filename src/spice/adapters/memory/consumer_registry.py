"""In-memory consumer registry, for unit tests."""

from __future__ import annotations

import threading

from spice.application.ports.consumer_registry import ConsumerRegistry


class InMemoryConsumerRegistry(ConsumerRegistry):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checkpoints: dict[str, int] = {}
        self._processed: set[tuple[str, str]] = set()

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
            self._processed.add((consumer, event_id))
            return True

    def is_processed(self, consumer: str, event_id: str) -> bool:
        with self._lock:
            return (consumer, event_id) in self._processed
