"""The audit trail: who asked for what, when, from where, and how it ended.

Every write is a command in the log (`CommandAccepted`, with its actor, time and the
caller's address and way of signing in), followed on its stream by its outcome. The trail
reads those in log order from a position (or the first one at or after a time), filters
them, and stops after a bounded scan with a cursor to go on from, so a request never reads
the whole log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spice.application.log.serialization import epoch_of
from spice.application.ports.event_store import EventStore
from spice.application.reads.refs import Refs
from spice.domain.envelope import AggregateType, EventEnvelope
from spice.domain.events import CommandAccepted, CommandCompleted, CommandFailed

SCAN_LIMIT = 10_000  # command events looked at per request
CHUNK = 500
OUTCOMES = {
    CommandCompleted.event_type: "COMPLETED",
    CommandFailed.event_type: "FAILED",
    CommandAccepted.event_type: "PENDING",
}


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    database: str | None = None
    command_type: str | None = None
    outcome: str | None = None  # COMPLETED, FAILED or PENDING
    until: float | None = None  # seconds since the epoch: entries after it are not read

    def admits(self, entry: dict[str, Any]) -> bool:
        return all(
            wanted is None or entry[name] == wanted
            for name, wanted in (
                ("actor", self.actor),
                ("database", self.database),
                ("command_type", self.command_type),
                ("outcome", self.outcome),
            )
        )


class AuditTrail:
    def __init__(self, events: EventStore, refs: Refs) -> None:
        self.events, self.refs = events, refs

    def start(self, after: int | None, since: str | None) -> int:
        """The position to read after: `after`, or that of the last event at or before
        `since` (an ISO time or a log position)."""
        if after is not None:
            return after
        return 0 if since is None else self.refs.position(since, None)

    def entries(self, after: int, limit: int, where: AuditFilter) -> dict[str, Any]:
        """Up to `limit` entries past position `after`, the position to go on from, and
        whether the scan reached the head of the log (or `until`)."""
        found: list[dict[str, Any]] = []
        position, scanned, done = after, 0, False
        until = where.until
        while len(found) < limit and scanned < SCAN_LIMIT:
            chunk = self.events.read_all(position, CHUNK, AggregateType.COMMAND.value)
            if not chunk:
                done = True
                break
            accepted = [e for e in chunk if e.event_type == CommandAccepted.event_type]
            heads = self.events.heads([e.aggregate_id for e in accepted])
            for event in chunk:
                position, scanned = event.position or position, scanned + 1
                if until is not None and epoch_of(event.occurred_at) > until:
                    done = True
                    break
                if event.event_type != CommandAccepted.event_type:
                    continue
                entry = _entry(event, heads.get(event.aggregate_id, event))
                if where.admits(entry):
                    found.append(entry)
                    if len(found) == limit:
                        break
            if done:
                break
        return {"entries": found, "next_after": position, "scanned": scanned, "complete": done}


def _entry(accepted: EventEnvelope, head: EventEnvelope) -> dict[str, Any]:
    meta = accepted.metadata
    sent = meta.get("client")
    client: dict[str, Any] = sent if isinstance(sent, dict) else {}
    error = head.data.get("error") if head.event_type == CommandFailed.event_type else None
    return {
        "position": accepted.position,
        "at": accepted.occurred_at,
        "actor": accepted.actor,
        "command_id": meta.get("command_id"),
        "command_type": meta.get("command_type"),
        "database": meta.get("database"),
        "branch": meta.get("branch"),
        "outcome": OUTCOMES.get(head.event_type, "PENDING"),
        "finished_at": None if head is accepted else head.occurred_at,
        "error_code": error.get("code") if isinstance(error, dict) else None,
        "address": client.get("address"),
        "via": client.get("via"),
        "request_id": meta.get("request_id"),
        "message": meta.get("message"),
    }
