"""Runs one accepted command to its end: domain events plus an outcome, or a recorded failure."""

from __future__ import annotations

import logging
import time
from typing import Any

from spice.application.commands.tracking import CommandTracker
from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import (
    COMPLETED,
    FAILED,
    PROCESSING,
    RETRYING,
    CommandStatus,
)
from spice.application.ports.event_store import EventStore
from spice.domain import events as ev
from spice.domain.commands import Command
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict, SpiceError
from spice.domain.events import EventEnvelope
from spice.domain.ids import derived_id
from spice.domain.names import command_aggregate

log = logging.getLogger(__name__)
COMMAND_COMPLETED = "CommandCompleted"


class _LostRace(Exception):
    """Another writer appended between our read and our append: decide again."""


class CommandExecutor:
    """Idempotent: a command whose outcome is already in the log is only reported again."""

    def __init__(
        self,
        store: EventStore,
        tracker: CommandTracker,
        max_attempts: int = 5,
        backoff: float = 0.05,
    ) -> None:
        self.store = store
        self.tracker = tracker
        self.model = WriteModel(store)
        self.max_attempts = max_attempts
        self.backoff = backoff

    def execute(self, envelope: EventEnvelope) -> CommandStatus:
        command = Command.from_envelope(envelope)
        self.tracker.accepted(command, envelope.aggregate_id)
        outcome = self._recorded_outcome(command)
        if outcome is not None:
            return self._report(command, outcome)
        self.tracker.transition(command.command_id, PROCESSING, "Processing started", 10)
        for attempt in range(1, self.max_attempts + 1):
            try:
                outcome = self._attempt(command, recheck=attempt > 1)
            except _LostRace:
                message = "concurrent write; deciding again"
            except Exception as exc:  # noqa: BLE001 - retried, then recorded as a failure
                log.exception("command %s failed unexpectedly", command.command_id)
                if attempt == self.max_attempts:
                    failure = SpiceError(f"internal error: {exc}", code="INTERNAL_ERROR")
                    return self._report(command, self._record_failure(command, failure))
                message = f"attempt {attempt} failed: {exc}"
            else:
                # Reporting is outside the retry: if it fails, the worker runs the command
                # again later and finds this outcome in the log.
                return self._report(command, outcome)
            self.tracker.transition(command.command_id, RETRYING, message)
            time.sleep(self.backoff * 2 ** (attempt - 1))
        failure = SpiceError("gave up after repeated concurrent writes", code="RETRIES_EXHAUSTED")
        return self._report(command, self._record_failure(command, failure))

    def _attempt(self, command: Command, recheck: bool) -> EventEnvelope:
        """Decide and append; the recorded outcome if an earlier attempt got that far."""
        recorded = self._recorded_outcome(command) if recheck else None
        if recorded is not None:
            return recorded
        try:
            decision = decide(self.model, command)
        except SpiceError as exc:
            return self._record_failure(command, exc)
        return self._commit(command, decision)

    def reconcile(self, envelope: EventEnvelope) -> CommandStatus:
        """The status of an accepted command as the log has it: tracked if it was not yet
        (a crash between accepting and tracking), final if its outcome is already recorded."""
        command = Command.from_envelope(envelope)
        status = self.tracker.accepted(command, envelope.aggregate_id)
        if status.is_final:
            return status
        outcome = self._recorded_outcome(command)
        return status if outcome is None else self._report(command, outcome)

    def _recorded_outcome(self, command: Command) -> EventEnvelope | None:
        head = self.store.head(command_aggregate(command.command_id))
        return head if head is not None and head.sequence_number >= 2 else None

    def _envelope(
        self,
        command: Command,
        event_id: str,
        aggregate_type: str,
        aggregate_id: str,
        event_type: str,
        seq: int,
        data: dict[str, Any],
        now: str,
    ) -> EventEnvelope:
        meta = command.metadata
        return EventEnvelope(
            event_id=event_id,
            event_type=event_type,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            sequence_number=seq,
            occurred_at=now,
            actor=command.actor,
            data=data,
            metadata={
                "kind": ev.KIND_EVENT,
                "database": command.database,
                "branch": command.branch,
                "command_id": command.command_id,
                "command_type": command.command_type,
                "correlation_id": meta.get("correlation_id") or command.command_id,
                "causation_id": command.command_id,
                "request_id": meta.get("request_id"),
                "reason": meta.get("reason"),
                "source": meta.get("source"),
            },
        )

    def _commit(self, command: Command, decision: Decision) -> EventEnvelope:
        now = utc_now()
        cid = command.command_id
        envelopes = [
            self._envelope(
                command,
                derived_id(cid, i),
                ch.aggregate_type,
                ch.aggregate_id,
                ch.event_type,
                ch.seq,
                ch.data,
                now,
            )
            for i, ch in enumerate(decision.changes)
        ]
        result = dict(decision.result)
        if decision.changes:
            first = decision.changes[0]
            result.setdefault("aggregate_id", first.aggregate_id)
            result.setdefault("sequence_number", first.seq)
        result["event_count"] = len(envelopes)
        outcome = self._envelope(
            command,
            derived_id(cid, "outcome"),
            ev.COMMAND_AGGREGATE,
            command_aggregate(cid),
            COMMAND_COMPLETED,
            2,
            {"result": result},
            now,
        )
        if len(envelopes) >= 100:
            self.tracker.transition(cid, PROCESSING, f"appending {len(envelopes)} events", 50)
        try:
            stored = self.store.append([*envelopes, outcome])
        except ConcurrencyConflict as exc:
            if exc.aggregate_id == outcome.aggregate_id:
                return self._recorded_outcome(command) or outcome
            raise _LostRace() from exc
        return stored[-1]

    def _record_failure(self, command: Command, error: SpiceError) -> EventEnvelope:
        outcome = self._envelope(
            command,
            derived_id(command.command_id, "outcome"),
            ev.COMMAND_AGGREGATE,
            command_aggregate(command.command_id),
            ev.COMMAND_FAILED,
            2,
            {
                "error": {
                    "code": error.code,
                    "message": error.message,
                    "details": error.details,
                    "kind": type(error).__name__,
                }
            },
            utc_now(),
        )
        try:
            return self.store.append([outcome])[-1]
        except (ConcurrencyConflict, IdempotencyConflict):  # an outcome is there already
            recorded = self._recorded_outcome(command)
            assert recorded is not None
            return recorded

    def _report(self, command: Command, outcome: EventEnvelope) -> CommandStatus:
        current = self.tracker.get(command.command_id)
        if current is not None and current.is_final:
            return current
        if outcome.event_type == ev.COMMAND_FAILED:
            error = outcome.data["error"]
            return self.tracker.transition(
                command.command_id, FAILED, error["message"], 100, error=error
            )
        result = {**outcome.data["result"], "position": outcome.position}
        return self.tracker.transition(
            command.command_id, COMPLETED, "Command completed successfully", 100, result=result
        )
