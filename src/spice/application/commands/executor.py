"""Runs one accepted command to its end: domain events plus an outcome, or a recorded failure."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from opentelemetry.trace import SpanKind

from spice.application.commands.decisions import Decisions
from spice.application.commands.tracking import CommandTracker, Finished
from spice.application.context import bound
from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import (
    COMPLETED,
    FAILED,
    PROCESSING,
    RETRYING,
    CommandStatus,
)
from spice.application.ports.event_store import EventStore
from spice.application.tracing import context_of, tracer
from spice.domain.commands import (
    Command,
    CreateInstance,
    DeleteInstance,
    IssuedCommand,
    RestoreInstance,
    UpdateInstance,
)
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, Staged, WriteModel
from spice.domain.deciders.instances import instance_stream
from spice.domain.envelope import KIND_EVENT, EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict, SpiceError
from spice.domain.events import CommandCompleted, CommandFailed, DomainEvent, decode
from spice.domain.ids import derived_id
from spice.domain.names import command_aggregate

log = logging.getLogger(__name__)


def child_id(parent_id: str, index: int) -> str:
    """The id of child command `index` of a command that issues commands (an import run)."""
    return derived_id(parent_id, f"child/{index}")


class _LostRace(Exception):
    """Another writer appended between our read and our append: decide again."""


# Reports a long command's progress (0-100) with a message.
Progress = Callable[[int, str], None]
# Runs a command that issues commands of its own (an import run) after its decider has
# checked it, and answers its outcome; `planned` is what the decider answered.
Runner = Callable[[IssuedCommand, Decision, Progress], Decision]


class CommandExecutor:
    """Idempotent: a command whose outcome is already in the log is only reported again.

    A command with a runner (an import run) issues child commands, each its own commit with
    an id derived from the parent's: a run resumed after a crash finds the children it
    already ran and only reports them again."""

    def __init__(
        self,
        store: EventStore,
        tracker: CommandTracker,
        max_attempts: int = 5,
        backoff: float = 0.05,
        decisions: Decisions | None = None,
        model: WriteModel | None = None,
    ) -> None:
        self.store = store
        self.tracker = tracker
        self.decisions = decisions or Decisions()
        self.model = model or WriteModel(store)
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.runners: dict[type[Command], Runner] = {}

    def run_child(self, parent: IssuedCommand, index: int, command: Command) -> CommandStatus:
        """Store child `index` of `parent` (once) and run it to its outcome here."""
        meta = {**parent.metadata, "parent_command_id": parent.command_id}
        child = IssuedCommand(child_id(parent.command_id, index), command, parent.actor, meta)
        envelope = self.store.get_event(child.command_id)
        if envelope is None:
            try:
                envelope = self.store.append([child.to_envelope(utc_now())])[0]
            except (ConcurrencyConflict, IdempotencyConflict):  # another run stored it
                envelope = self.store.get_event(child.command_id)
                assert envelope is not None
        return self.execute(envelope)

    def execute(self, envelope: EventEnvelope) -> CommandStatus:
        """Run the command to its outcome. Attempts are counted in its status; a run that
        finds attempts already started (a worker died in one) says so with RETRYING."""
        with self.span(envelope):
            return self._execute(envelope)

    def _execute(self, envelope: EventEnvelope) -> CommandStatus:
        self.store.head_position()  # hear of every append so far: kept streams catch up
        command = IssuedCommand.from_envelope(envelope)
        status = self.tracker.accepted(command, envelope.aggregate_id)
        outcome = self._recorded_outcome(command)
        if outcome is not None:
            return self._report(command, outcome)
        cid, earlier = command.command_id, status.attempts
        if earlier:
            message = f"resuming after {earlier} interrupted attempt{'s' * (earlier > 1)}"
            log.warning("command %s: %s", cid, message)
            self.tracker.transition(cid, RETRYING, message, attempts=earlier)
        for attempt in range(1, self.max_attempts + 1):
            started = "Processing started" if earlier + attempt == 1 else "Processing again"
            self.tracker.transition(cid, PROCESSING, started, 10, attempts=earlier + attempt)
            try:
                outcome = self._attempt(command, recheck=attempt > 1)
            except _LostRace:
                message = "concurrent write; deciding again"
            except Exception as exc:  # noqa: BLE001 - retried, then recorded as a failure
                log.exception("command %s failed unexpectedly", command.command_id)
                if attempt == self.max_attempts:
                    failure = SpiceError(f"internal error: {exc}", code="INTERNAL_ERROR")
                    return self._report(command, self._record_failure(command, failure))
                message = f"attempt {earlier + attempt} failed: {exc}"
            else:
                # Reporting is outside the retry: if it fails, the worker runs the command
                # again later and finds this outcome in the log.
                return self._report(command, outcome)
            self.tracker.transition(cid, RETRYING, message)
            time.sleep(self.backoff * 2 ** (attempt - 1))
        failure = SpiceError("gave up after repeated concurrent writes", code="RETRIES_EXHAUSTED")
        return self._report(command, self._record_failure(command, failure))

    def _attempt(self, command: IssuedCommand, recheck: bool) -> EventEnvelope:
        """Decide and append; the recorded outcome if an earlier attempt got that far."""
        recorded = self._recorded_outcome(command) if recheck else None
        if recorded is not None:
            return recorded
        try:
            kept = None if recheck else self.decisions.take(command.command_id)
            decision = kept[1] if kept and kept[0] == self.store.head_position() else None
            if decision is None:
                decision = decide(self.model, command.command, command.command_id)
            runner = self.runners.get(type(command.command))
            if runner is not None:
                decision = runner(command, decision, self._progress(command.command_id))
        except SpiceError as exc:
            return self._record_failure(command, exc)
        return self._commit(command, decision)

    def _progress(self, command_id: str) -> Progress:
        def report(progress: int, message: str) -> None:
            self.tracker.transition(command_id, PROCESSING, message, max(10, min(99, progress)))

        return report

    def reconcile(self, envelope: EventEnvelope) -> CommandStatus:
        """The status of an accepted command as the log has it: tracked if it was not yet
        (a crash between accepting and tracking), final if its outcome is already recorded."""
        command = IssuedCommand.from_envelope(envelope)
        status = self.tracker.accepted(command, envelope.aggregate_id)
        if status.is_final:
            return status
        outcome = self._recorded_outcome(command)
        return status if outcome is None else self._report(command, outcome)

    def _recorded_outcome(self, command: IssuedCommand) -> EventEnvelope | None:
        head = self.store.head(command_aggregate(command.command_id))
        return head if head is not None and head.sequence_number >= 2 else None

    def _envelope(
        self,
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

    def _outcome(self, command: IssuedCommand, event: DomainEvent, now: str) -> EventEnvelope:
        return self._envelope(
            command, "outcome", command_aggregate(command.command_id), 2, event, now
        )

    def _written(self, command: IssuedCommand, decision: Decision, now: str) -> list[EventEnvelope]:
        """The envelopes a decision appends: its events, then the command's outcome."""
        envelopes = [
            self._envelope(command, i, ch.aggregate_id, ch.seq, ch.event, now, ch.metadata)
            for i, ch in enumerate(decision.changes)
        ]
        result = dict(decision.result)
        if decision.changes:
            first = decision.changes[0]
            result.setdefault("aggregate_id", first.aggregate_id)
            result.setdefault("sequence_number", first.seq)
        result["event_count"] = len(envelopes)
        return [*envelopes, self._outcome(command, CommandCompleted(result), now)]

    def _commit(self, command: IssuedCommand, decision: Decision) -> EventEnvelope:
        written = self._written(command, decision, utc_now())
        outcome = written[-1]
        if len(written) > 100:
            message = f"appending {len(written) - 1} events"
            self.tracker.transition(command.command_id, PROCESSING, message, 50)
        try:
            stored = self.store.append(written)
        except ConcurrencyConflict as exc:
            recorded = self._recorded_outcome(command)
            if exc.aggregate_id == outcome.aggregate_id and recorded is not None:
                return recorded  # another run of this command got there first
            raise _LostRace() from exc
        return stored[-1]

    def _failure(self, command: IssuedCommand, error: SpiceError, now: str) -> EventEnvelope:
        """The outcome that records a refused command."""
        failed = CommandFailed(
            {
                "code": error.code,
                "message": error.message,
                "details": error.details,
                "kind": type(error).__name__,
            }
        )
        return self._outcome(command, failed, now)

    def _record_failure(self, command: IssuedCommand, error: SpiceError) -> EventEnvelope:
        outcome = self._failure(command, error, utc_now())
        try:
            return self.store.append([outcome])[-1]
        except (ConcurrencyConflict, IdempotencyConflict):  # an outcome is there already
            recorded = self._recorded_outcome(command)
            assert recorded is not None
            return recorded

    def _report(self, command: IssuedCommand, outcome: EventEnvelope) -> CommandStatus:
        current = self.tracker.get(command.command_id)
        if current is not None and current.is_final:
            return current
        f = finished(command, command_aggregate(command.command_id), outcome)
        return self.tracker.transition(
            command.command_id, f.status, f.message, 100, result=f.result, error=f.error
        )

    def execute_batch(self, envelopes: Sequence[EventEnvelope], head_read: bool = False) -> None:
        """Run accepted commands in log order, deciding runs of simple ones together.

        A command that writes instances is decided against the log plus the commands
        decided before it in the batch; all their events and outcomes are appended in one
        transaction and their statuses stored in one write. A refused command fails alone
        (its failure is appended with the others). Any other command, and any command
        whose decision raised something unexpected, runs alone through `execute`, after the
        ones before it were committed. When the append finds that another writer moved a
        stream the batch read, each command of the batch is decided again alone.

        `head_read`: the caller read the log's head just before it read `envelopes`, so
        the kept streams have heard of every append before them; otherwise it is read here."""
        if not head_read:
            self.store.head_position()  # hear of every append so far: kept streams catch up
        commands = [IssuedCommand.from_envelope(e) for e in envelopes]
        ids = [command_aggregate(c.command_id) for c in commands]
        outcomes = self.store.heads(ids)
        batch = _Batch(self)
        run: list[tuple[EventEnvelope, IssuedCommand]] = []  # to decide together
        for envelope, command, aggregate_id in zip(envelopes, commands, ids, strict=True):
            recorded = outcomes.get(aggregate_id)
            if recorded is not None and recorded.sequence_number >= 2:
                batch.report(command, recorded)  # a run before a crash got this far
            elif type(command.command) in BATCHED and type(command.command) not in self.runners:
                run.append((envelope, command))
            else:
                batch.decide_all(run)
                batch.flush()
                self.execute(envelope)
        batch.decide_all(run)
        batch.flush()

    def span(self, envelope: EventEnvelope) -> AbstractContextManager[object]:
        """The log context and trace span of one command's run (its trace continues the
        request's, carried in the command's metadata)."""
        meta = envelope.metadata
        command_id = str(meta.get("command_id") or "") or None
        correlation = str(meta.get("request_id") or "") or command_id
        stack = ExitStack()
        stack.enter_context(bound(command_id=command_id, correlation_id=correlation))
        stack.enter_context(
            tracer.start_as_current_span(
                f"command {meta.get('command_type')}",
                context=context_of(meta),
                kind=SpanKind.CONSUMER,
                attributes={"spice.command_id": command_id or ""},
            )
        )
        return stack


def finished(command: IssuedCommand, aggregate_id: str, outcome: EventEnvelope) -> Finished:
    """The final status the outcome recorded in the log gives the command."""
    event = decode(outcome)
    if isinstance(event, CommandFailed):
        error = event.error
        return Finished(command, aggregate_id, FAILED, error["message"], error=error)
    assert isinstance(event, CommandCompleted)
    result = {**event.result, "position": outcome.position}
    return Finished(command, aggregate_id, COMPLETED, "Command completed successfully", result)


# Commands decided together in a batch: their deciders read the write model only (no run of
# the log), write only instance streams, and stay small.
BATCHED: tuple[type[Command], ...] = (
    CreateInstance,
    UpdateInstance,
    DeleteInstance,
    RestoreInstance,
)
# A batch is appended once its events reach this many.
MAX_BATCH_EVENTS = 2000
# A command decided in a batch: its accepted envelope, itself, and what it appends.
Decided = tuple[EventEnvelope, IssuedCommand, list[EventEnvelope]]


class _Batch:
    """Commands decided in turn against a staged write model, appended together."""

    def __init__(self, executor: CommandExecutor) -> None:
        self.executor = executor
        self.started = utc_now()
        self.staged = Staged(executor.model)
        self.decided: list[Decided] = []
        self.events = 0
        self.finished: list[Finished] = []

    def report(self, command: IssuedCommand, outcome: EventEnvelope) -> None:
        self.finished.append(finished(command, outcome.aggregate_id, outcome))

    def decide_all(self, run: list[tuple[EventEnvelope, IssuedCommand]]) -> None:
        """Decide each in turn (and forget them), after reading the instance streams they
        will load in one go."""
        if len(run) > 1:
            try:
                streams = [instance_stream(self.staged, c.command, c.command_id) for _, c in run]
                self.staged.prefetch([s for s in streams if s is not None])
            except Exception:  # noqa: BLE001 - only a saving: each decision reads what it needs
                log.warning("reading the streams of a batch ahead failed", exc_info=True)
        for envelope, command in run:
            self.decide(envelope, command)
        run.clear()

    def decide(self, envelope: EventEnvelope, command: IssuedCommand) -> None:
        executor = self.executor
        now = utc_now()
        with executor.span(envelope):
            try:
                decision = self._kept(command) or decide(
                    self.staged, command.command, command.command_id
                )
            except SpiceError as exc:
                written = [executor._failure(command, exc, now)]
            except Exception:  # noqa: BLE001 - run alone, with retries and a recorded failure
                log.exception("command %s failed unexpectedly in a batch", command.command_id)
                self.flush()
                executor.execute(envelope)
                return
            else:
                self.staged.add(decision.changes, command.actor)
                written = executor._written(command, decision, now)
        self.decided.append((envelope, command, written))
        self.events += len(written)
        if self.events >= MAX_BATCH_EVENTS:
            self.flush()

    def _kept(self, command: IssuedCommand) -> Decision | None:
        """The precheck's decision, when it leads the batch and the log still ends with
        the command itself (nothing was written since the precheck read it)."""
        kept = self.executor.decisions.take(command.command_id)
        if kept is None or self.decided or self.staged.changes:
            return None
        return kept[1] if kept[0] == self.executor.store.head_position() else None

    def flush(self) -> None:
        """Append what was decided, then store the statuses of everything reported."""
        decided, self.decided = self.decided, []
        self.events = 0
        self.staged = Staged(self.executor.model)
        if decided:
            self._append(decided)
        if self.finished:
            reported, self.finished = self.finished, []
            self.executor.tracker.finish_many(reported, self.started)
        self.started = utc_now()

    def _append(self, decided: list[Decided]) -> None:
        executor = self.executor
        try:
            stored = executor.store.append([e for _, _, written in decided for e in written])
        except (ConcurrencyConflict, IdempotencyConflict) as exc:
            log.info("batch of %d commands lost a race (%s); running each alone", len(decided), exc)
            if self.finished:
                reported, self.finished = self.finished, []
                executor.tracker.finish_many(reported, self.started)
            for envelope, _, _ in decided:
                executor.execute(envelope)
            return
        end = 0
        for _, command, written in decided:
            end += len(written)
            self.report(command, stored[end - 1])
