"""Runs one accepted command to its end: domain events plus an outcome, or a recorded failure."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack

from opentelemetry.trace import SpanKind

from spice.application.commands.batch import BATCHED, Batch
from spice.application.commands.decisions import Decisions
from spice.application.commands.envelopes import failure_envelope, finished, written_envelopes
from spice.application.commands.tracking import CommandTracker
from spice.application.context import bound
from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import (
    PROCESSING,
    RETRYING,
    CommandStatus,
)
from spice.application.ports.event_store import EventStore
from spice.application.tracing import context_of, tracer
from spice.domain.commands import Command, IssuedCommand
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict, SpiceError
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

    def _commit(self, command: IssuedCommand, decision: Decision) -> EventEnvelope:
        written = written_envelopes(command, decision, utc_now())
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

    def _record_failure(self, command: IssuedCommand, error: SpiceError) -> EventEnvelope:
        outcome = failure_envelope(command, error, utc_now())
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
        batch = Batch(self)
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
