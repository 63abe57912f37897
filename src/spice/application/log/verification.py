"""Verifying the hash chain of the whole log: edited, inserted or removed events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spice.application.log.serialization import GENESIS_HASH, event_hash
from spice.application.ports.event_store import EventStore


@dataclass(frozen=True)
class Problem:
    """One place where the log does not verify: its position, what is wrong, and how."""

    position: int
    kind: str  # edited | removed | inserted | truncated
    message: str


@dataclass(frozen=True)
class Anchor:
    """A position and the hash the log had there, kept outside the log.

    The chain alone cannot show that events were cut from its end; an anchor recorded by an
    earlier verification can.
    """

    position: int
    hash: str


def check_anchor(store: EventStore, anchor: Anchor) -> Problem | None:
    """Whether the log still holds the anchored event unchanged."""
    if anchor.position == 0:
        return None
    found = store.read_all(anchor.position - 1, 1)
    if not found or found[0].position != anchor.position:
        head = store.head_position()
        return Problem(
            anchor.position,
            "truncated",
            f"the log ends at position {head}, before the anchored position {anchor.position}",
        )
    if found[0].hash != anchor.hash:
        return Problem(anchor.position, "edited", "the anchored event's hash has changed")
    return None


def verify_log(
    store: EventStore, batch: int = 5000, progress: Callable[[int], None] | None = None
) -> tuple[int, list[Problem], Anchor]:
    """Walk $all once; return the number of events read, every break in the chain, and an
    anchor at the last event read."""
    problems: list[Problem] = []
    expected_position, prev_hash, count, last = 1, GENESIS_HASH, 0, 0
    while True:
        events = store.read_all(last, batch)
        if not events:
            break
        for e in events:
            count += 1
            if e.position != expected_position:
                problems.append(
                    Problem(
                        e.position,
                        "removed",
                        f"positions {expected_position}..{e.position - 1} missing",
                    )
                )
            if e.prev_hash != prev_hash:
                problems.append(
                    Problem(
                        e.position,
                        "inserted" if e.position == expected_position else "removed",
                        "prev_hash does not match the previous event's hash",
                    )
                )
            if event_hash(e.prev_hash, e, e.position) != e.hash:
                problems.append(
                    Problem(e.position, "edited", f"event {e.event_id} does not match its hash")
                )
            expected_position, prev_hash = e.position + 1, e.hash
        last = events[-1].position
        if progress:
            progress(count)
    return count, problems, Anchor(last, prev_hash if last else "")
