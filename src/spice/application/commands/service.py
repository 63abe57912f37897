"""Accepting commands: check, make durable, hand to the worker. Nothing else writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spice.application.commands.decisions import Decisions
from spice.application.commands.ids import new_id
from spice.application.commands.tracking import CommandTracker
from spice.application.log.group_commit import Grouped
from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import CommandStatus
from spice.application.ports.event_store import EventStore
from spice.domain.aggregates import AggregateState
from spice.domain.canonical import check_storable
from spice.domain.commands import Command, IssuedCommand
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    IdempotencyConflict,
    NotFound,
    SpiceError,
    ValidationFailed,
)
from spice.domain.ids import command_id_for_key
from spice.domain.names import command_aggregate

# Refusals that a command still in flight may turn into acceptance: a missing database,
# class or link target, an id taken by an instance being deleted, a sequence not reached yet,
# values checked against a class being changed. Malformed requests are refused at once.
STATE_DEPENDENT = (NotFound, Conflict, ConcurrencyConflict, ValidationFailed)

# Streams remembered as written by an accepted command with expected_seq not yet run.
MAX_EXPECTED_IN_FLIGHT = 10_000

# Waits until every command accepted so far has been processed (or the timeout passes).
DrainWait = Callable[[float], bool]


@dataclass(frozen=True)
class Accepted:
    """A stored command with its status; `replayed` when an Idempotency-Key found it."""

    command: IssuedCommand
    status: CommandStatus
    replayed: bool


class CommandService:
    """Turns a request into a durable command.

    A command is checked against the current write model before it is stored, so bad input
    is refused at once and writes nothing. When the check fails while earlier commands are
    still running, the service waits for the pipeline to drain and checks again: a client
    may send dependent commands back to back (create a class, then its instances).
    """

    def __init__(
        self,
        store: EventStore,
        tracker: CommandTracker,
        drain: DrainWait,
        drain_timeout: float = 10.0,
        decisions: Decisions | None = None,
        model: WriteModel | None = None,
    ) -> None:
        self.store = store
        # Commands submitted at the same moment are stored together: one transaction of
        # the log, one write of their statuses.
        self._accepting: Grouped[IssuedCommand, tuple[EventEnvelope, CommandStatus]] = Grouped(
            self._accept
        )
        self.decisions = decisions or Decisions()
        self.tracker = tracker
        self.model = model or WriteModel(store)
        self.drain = drain
        self.drain_timeout = drain_timeout
        self._expecting_lock = threading.Lock()
        self._expected_in_flight: set[str] = set()

    def submit(
        self,
        command: Command,
        *,
        actor: str = "anonymous",
        idempotency_key: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Accepted:
        """Check `command` and store it; with an `idempotency_key` a retry of the same
        request returns the command stored first (409 if the request differs)."""
        command_id = (
            command_id_for_key(f"{actor}\n{command.command_type}", idempotency_key)
            if idempotency_key
            else new_id()
        )
        issued = IssuedCommand(command_id, command, actor, metadata or {})
        check_storable(issued.data())
        if idempotency_key:
            existing = self._existing(issued)
            if existing is not None:
                return existing
        if command.expected_seq is None:
            return self._checked_and_accepted(issued, idempotency_key)
        return self._expecting(issued, idempotency_key)

    def _checked_and_accepted(self, issued: IssuedCommand, idempotency_key: str | None) -> Accepted:
        before = self.store.head_position()
        try:
            decision = self._precheck(issued)
        except SpiceError:
            # A retry racing its original: the original was stored (and may have run,
            # which is why the check now fails) after the look above. Its answer stands.
            existing = self._existing(issued) if idempotency_key else None
            if existing is None:
                raise
            return existing
        stored, status = self._accepting.call(issued)
        if decision is not None and stored.position == before + 1:
            # decided on this very log
            self.decisions.keep(issued.command_id, before + 1, decision)
        return Accepted(issued, status, replayed=False)

    def _expecting(self, issued: IssuedCommand, idempotency_key: str | None) -> Accepted:
        """A command with `expected_seq`: when another one expecting a sequence of the same
        stream was accepted here and has not run yet, wait for it first, so that the loser
        of the two is refused now (409) rather than accepted and failed later."""
        stream = self._expected_stream(issued.command)
        with self._expecting_lock:
            if stream is not None and stream in self._expected_in_flight:
                self.drain(self.drain_timeout)
                self._expected_in_flight.clear()  # all ran (or the wait gave up)
            accepted = self._checked_and_accepted(issued, idempotency_key)
            if stream is not None and not accepted.replayed:
                if len(self._expected_in_flight) >= MAX_EXPECTED_IN_FLIGHT:
                    self._expected_in_flight.clear()  # only a loss of earliness
                self._expected_in_flight.add(stream)
            return accepted

    def _expected_stream(self, command: Command) -> str | None:
        """The stream a command's expected_seq is about, from deciding it now (None when
        it is refused: the check that follows says why)."""
        try:
            decision = decide(self.model, command, "expected-stream")
        except SpiceError:
            return None
        return decision.changes[0].aggregate_id if decision.changes else None

    def _accept(
        self, commands: list[IssuedCommand]
    ) -> list[tuple[EventEnvelope, CommandStatus] | Exception]:
        """Store commands submitted at the same moment: their envelopes in one transaction
        (a group whose envelope is refused fails alone), then their PENDING statuses in one
        write. Each is durable before any caller is answered."""
        now = utc_now()
        answers = self.store.append_groups([[c.to_envelope(now)] for c in commands])
        out: list[EventEnvelope | Exception] = []
        fresh: list[tuple[IssuedCommand, str]] = []
        for command, answer in zip(commands, answers, strict=True):
            if isinstance(answer, Exception):
                out.append(answer)
            elif answer[0].data != command.data():
                out.append(IdempotencyConflict("Idempotency-Key was used for a different request"))
            else:
                fresh.append((command, command_aggregate(command.command_id)))
                out.append(answer[0])  # its status follows
        statuses = iter(self.tracker.accepted_many(fresh))
        return [a if isinstance(a, Exception) else (a, next(statuses)) for a in out]

    def database(self, db: str) -> AggregateState:
        """The database as commands see it (NotFound unless it exists): its sequence is the
        `expected_seq` a write on it sends."""
        return self.model.require_database(db)

    def dry_run(self, command: Command) -> Decision:
        """Check a command as it would run now and return what it would write; nothing is
        stored. Raises the error the command would fail with."""
        issued = IssuedCommand(new_id(), command, "anonymous")
        check_storable(issued.data())
        return decide(self.model, command, issued.command_id)

    def _existing(self, command: IssuedCommand) -> Accepted | None:
        stored = self.store.get_event(command.command_id)
        if stored is None:
            return None
        if stored.data != command.data():
            raise IdempotencyConflict(
                "Idempotency-Key was already used for a different request",
                {"command_id": command.command_id},
            )
        issued = IssuedCommand.from_envelope(stored)
        status = self.tracker.get(command.command_id) or self.tracker.accepted(
            issued, stored.aggregate_id
        )
        return Accepted(issued, status, replayed=True)

    def _precheck(self, issued: IssuedCommand) -> Decision | None:
        """Decide once without writing, so bad input is refused before it is stored; the
        decision when it was made on the log as it first was (none after a wait)."""
        try:
            return decide(self.model, issued.command, issued.command_id)
        except STATE_DEPENDENT:
            # Earlier commands still in flight may change the answer: let them land first.
            if not self.drain(self.drain_timeout):
                raise
            decide(self.model, issued.command, issued.command_id)
            return None
