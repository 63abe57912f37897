"""The consumer registry port: checkpoints, processed events, leases and aggregate versions."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

# What a consumer may do with a delivered event (seed 004 section 5).
CLAIMED = "CLAIMED"  # handle it now: the lease is ours
DUPLICATE = "DUPLICATE"  # already handled by this handler: skip
STALE = "STALE"  # older than what this handler applied to the aggregate: skip
IN_PROGRESS = "IN_PROGRESS"  # another owner holds a live lease: try again later


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming an event or a lease: CLAIMED, DUPLICATE, STALE or IN_PROGRESS."""

    outcome: str
    attempts: int = 0  # how many times the event was claimed, this claim included


class ConsumerRegistry(ABC):
    """Per consumer: a checkpoint in $all, and the set of event ids it already handled.

    Consumers fed by a transport (at-least-once, several workers) use the lease protocol:
    `claim` before the side effect, `heartbeat` while it runs, then `complete` (or `release`
    to let it be claimed again). A lease that is not renewed expires, so the event of a
    worker that died is claimed by another. `complete` also records the aggregate's version
    for the handler: a later delivery of an older event of that aggregate is STALE.
    """

    # Leases are timed by this clock (epoch seconds, the same in every process); tests give
    # a registry a clock they move by hand.
    clock: Callable[[], float] = time.time

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

    @abstractmethod
    def claim(
        self,
        handler: str,
        event_id: str,
        owner: str,
        lease_seconds: float,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> Claim:
        """Take the lease on (handler, event_id) unless the event is done, stale or leased."""

    def claim_many(
        self, handler: str, event_ids: list[str], owner: str, lease_seconds: float
    ) -> dict[str, Claim]:
        """`claim` each event once (no version guard); registries override this to claim
        them all in one transaction."""
        return {e: self.claim(handler, e, owner, lease_seconds) for e in dict.fromkeys(event_ids)}

    @abstractmethod
    def heartbeat(
        self, handler: str, owner: str, event_ids: list[str], lease_seconds: float
    ) -> set[str]:
        """Extend the owner's leases; returns the event ids whose lease the owner lost."""

    @abstractmethod
    def complete(
        self,
        handler: str,
        event_id: str,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> None:
        """Record the event as handled (and the aggregate's version) and drop its lease."""

    def complete_many(self, handler: str, event_ids: list[str]) -> None:
        """`complete` each event (no version guard); registries override this to complete
        them all in one transaction."""
        for event_id in event_ids:
            self.complete(handler, event_id)

    @abstractmethod
    def release(self, handler: str, event_id: str, owner: str, forget: bool = False) -> None:
        """Give the lease up after a failure, keeping the count of attempts; with `forget`
        (the event went to a dead-letter topic) the count starts again."""

    @abstractmethod
    def aggregate_version(self, handler: str, aggregate_id: str) -> int:
        """The highest sequence of the aggregate the handler completed (0 when none)."""

    @abstractmethod
    def prune(self, before: float) -> int:
        """Forget processed events handled before `before` (epoch seconds, this registry's
        clock) and leases that ran out before it; how many rows. A message delivered again
        after that is run again, and finds its outcome in the log (commands are decided
        once), so only the dedupe shortcut is lost."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
