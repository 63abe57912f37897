"""Runs of simple commands decided in turn against one staged write model and appended
together: all their events and outcomes in one transaction, their statuses in one write
(`CommandExecutor.execute_batch`)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from spice.application.commands.envelopes import failure_envelope, finished, written_envelopes
from spice.application.commands.tracking import Finished
from spice.application.log.serialization import utc_now
from spice.domain.commands import (
    Command,
    CreateInstance,
    DeleteInstance,
    IssuedCommand,
    RestoreInstance,
    UpdateInstance,
)
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, Staged
from spice.domain.deciders.instances import instance_stream
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict, SpiceError

if TYPE_CHECKING:
    from spice.application.commands.executor import CommandExecutor

# A batch is part of the executor's run, and logs as the executor.
log = logging.getLogger("spice.application.commands.executor")

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


class Batch:
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
                written = [failure_envelope(command, exc, now)]
            except Exception:  # noqa: BLE001 - run alone, with retries and a recorded failure
                log.exception("command %s failed unexpectedly in a batch", command.command_id)
                self.flush()
                executor.execute(envelope)
                return
            else:
                self.staged.add(decision.changes, command.actor)
                written = written_envelopes(command, decision, now)
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
