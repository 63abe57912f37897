"""Accepting commands: check, make durable, hand to the worker. Nothing else writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spice.application.commands.ids import new_id
from spice.application.commands.tracking import CommandTracker
from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import CommandStatus
from spice.application.ports.event_store import EventStore
from spice.domain.canonical import check_storable
from spice.domain.commands import Command
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    IdempotencyConflict,
    NotFound,
    ValidationFailed,
)
from spice.domain.ids import command_id_for_key
from spice.domain.names import MAIN_BRANCH, command_aggregate

# Refusals that a command still in flight may turn into acceptance: a missing database,
# class or link target, an id taken by an instance being deleted, a sequence not reached yet,
# values checked against a class being changed. Malformed requests are refused at once.
STATE_DEPENDENT = (NotFound, Conflict, ConcurrencyConflict, ValidationFailed)

# Waits until every command accepted so far has been processed (or the timeout passes).
DrainWait = Callable[[float], bool]


@dataclass(frozen=True)
class Accepted:
    command: Command
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
    ) -> None:
        self.store = store
        self.tracker = tracker
        self.model = WriteModel(store)
        self.drain = drain
        self.drain_timeout = drain_timeout

    def submit(
        self,
        command_type: str,
        payload: dict[str, Any],
        *,
        database: str | None = None,
        branch: str = MAIN_BRANCH,
        actor: str = "anonymous",
        expected_seq: int | None = None,
        idempotency_key: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Accepted:
        command_id = (
            command_id_for_key(f"{actor}\n{command_type}", idempotency_key)
            if idempotency_key
            else new_id()
        )
        command = Command(
            command_id, command_type, database, branch, payload, actor, expected_seq, metadata or {}
        )
        check_storable(command.data())
        if idempotency_key:
            existing = self._existing(command)
            if existing is not None:
                return existing
        self._precheck(command)
        stored = self.store.append([command.to_envelope(utc_now())])[0]
        if stored.data != command.data():
            raise IdempotencyConflict("Idempotency-Key was used for a different request")
        status = self.tracker.accepted(command, command_aggregate(command_id))
        return Accepted(command, status, replayed=False)

    def dry_run(
        self,
        command_type: str,
        payload: dict[str, Any],
        *,
        database: str | None,
        branch: str = MAIN_BRANCH,
        actor: str = "anonymous",
    ) -> tuple[Command, Decision]:
        """Check a command as it would run now and return what it would write; nothing is
        stored. Raises the error the command would fail with."""
        command = Command(new_id(), command_type, database, branch, payload, actor)
        check_storable(command.data())
        return command, decide(self.model, command)

    def _existing(self, command: Command) -> Accepted | None:
        stored = self.store.get_event(command.command_id)
        if stored is None:
            return None
        if stored.data != command.data():
            raise IdempotencyConflict(
                "Idempotency-Key was already used for a different request",
                {"command_id": command.command_id},
            )
        status = self.tracker.get(command.command_id) or self.tracker.accepted(
            Command.from_envelope(stored), stored.aggregate_id
        )
        return Accepted(Command.from_envelope(stored), status, replayed=True)

    def _precheck(self, command: Command) -> None:
        try:
            decide(self.model, command)
        except STATE_DEPENDENT:
            # Earlier commands still in flight may change the answer: let them land first.
            if not self.drain(self.drain_timeout):
                raise
            decide(self.model, command)
