"""The envelopes a command's run appends: its events, each with an id derived from the
command's (so a second run appends nothing new), then its outcome, completed or failed;
and the final status an outcome in the log gives the command."""

from __future__ import annotations

from typing import Any

from spice.application.commands.tracking import Finished
from spice.application.ports.command_status import COMPLETED, FAILED
from spice.domain.commands import IssuedCommand
from spice.domain.deciders.base import Decision
from spice.domain.envelope import KIND_EVENT, EventEnvelope
from spice.domain.errors import SpiceError
from spice.domain.events import CommandCompleted, CommandFailed, DomainEvent, decode
from spice.domain.ids import derived_id
from spice.domain.names import command_aggregate


def event_envelope(
    command: IssuedCommand,
    index: int | str,
    aggregate_id: str,
    seq: int,
    event: DomainEvent,
    now: str,
    extra: dict[str, Any] | None = None,
) -> EventEnvelope:
    """The envelope of one event the command causes; its id is derived from the
    command's, so a second run of the command appends nothing new."""
    meta = command.metadata
    return EventEnvelope(
        event_id=derived_id(command.command_id, index),
        event_type=event.event_type,
        aggregate_type=event.aggregate_type.value,
        aggregate_id=aggregate_id,
        sequence_number=seq,
        occurred_at=now,
        actor=command.actor,
        data=event.to_data(),
        metadata={
            "kind": KIND_EVENT,
            "database": command.command.database,
            "branch": command.command.branch,
            "command_id": command.command_id,
            "command_type": command.command_type,
            "correlation_id": meta.get("correlation_id") or command.command_id,
            "causation_id": command.command_id,
            "request_id": meta.get("request_id"),
            "reason": meta.get("reason"),
            "source": meta.get("source"),
            # The commit message, when the client gave one.
            **({"message": meta["message"]} if meta.get("message") else {}),
            **(extra or {}),
        },
        schema_version=event.schema_version,
    )


def outcome_envelope(command: IssuedCommand, event: DomainEvent, now: str) -> EventEnvelope:
    """The command's outcome, the second event of its own stream."""
    return event_envelope(command, "outcome", command_aggregate(command.command_id), 2, event, now)


def written_envelopes(command: IssuedCommand, decision: Decision, now: str) -> list[EventEnvelope]:
    """The envelopes a decision appends: its events, then the command's outcome."""
    envelopes = [
        event_envelope(command, i, ch.aggregate_id, ch.seq, ch.event, now, ch.metadata)
        for i, ch in enumerate(decision.changes)
    ]
    result = dict(decision.result)
    if decision.changes:
        first = decision.changes[0]
        result.setdefault("aggregate_id", first.aggregate_id)
        result.setdefault("sequence_number", first.seq)
    result["event_count"] = len(envelopes)
    return [*envelopes, outcome_envelope(command, CommandCompleted(result), now)]


def failure_envelope(command: IssuedCommand, error: SpiceError, now: str) -> EventEnvelope:
    """The outcome that records a refused command."""
    failed = CommandFailed(
        {
            "code": error.code,
            "message": error.message,
            "details": error.details,
            "kind": type(error).__name__,
        }
    )
    return outcome_envelope(command, failed, now)


def finished(command: IssuedCommand, aggregate_id: str, outcome: EventEnvelope) -> Finished:
    """The final status the outcome recorded in the log gives the command."""
    event = decode(outcome)
    if isinstance(event, CommandFailed):
        error = event.error
        return Finished(command, aggregate_id, FAILED, error["message"], error=error)
    assert isinstance(event, CommandCompleted)
    result = {**event.result, "position": outcome.position}
    return Finished(command, aggregate_id, COMPLETED, "Command completed successfully", result)
