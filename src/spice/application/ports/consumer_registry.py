"""The consumer registry port: checkpoints and processed events of log consumers."""

from __future__ import annotations

from abc import ABC, abstractmethod


class ConsumerRegistry(ABC):
    """Per consumer: a checkpoint in $all, and the set of event ids it already handled."""

    @abstractmethod
    def checkpoint(self, consumer: str) -> int:
        """The last position the consumer finished (0 when new)."""

    @abstractmethod
    def save_checkpoint(self, consumer: str, position: int) -> None:
        """Move the checkpoint forward; a lower position than stored is ignored."""

    @abstractmethod
    def mark_processed(self, consumer: str, event_id: str) -> bool:
        """Record that `consumer` handled `event_id`; False if it already had."""

    @abstractmethod
    def is_processed(self, consumer: str, event_id: str) -> bool: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
