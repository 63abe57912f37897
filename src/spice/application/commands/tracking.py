"""Command status tracking: transitions with history, and notification of listeners."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import (
    PENDING,
    PROCESSING,
    CommandStatus,
    CommandStatusStore,
)
from spice.domain.commands import IssuedCommand

log = logging.getLogger(__name__)
Listener = Callable[[CommandStatus], None]


@dataclass(frozen=True)
class Finished:
    """A command's final status as its outcome in the log gives it."""

    command: IssuedCommand
    aggregate_id: str
    status: str  # COMPLETED or FAILED
    message: str
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class CommandTracker:
    """The one place command statuses change; listeners (WebSockets, waiters) hear each change."""

    def __init__(self, store: CommandStatusStore) -> None:
        self.store = store
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def hear_other_processes(self) -> None:
        """Pass statuses that other processes store (the workers) on to our listeners."""
        self.store.watch(self._publish)

    @staticmethod
    def _pending(command: IssuedCommand, aggregate_id: str, now: str) -> CommandStatus:
        return CommandStatus(
            command_id=command.command_id,
            command_type=command.command_type,
            status=PENDING,
            aggregate_id=aggregate_id,
            actor=command.actor,
            database=command.command.database,
            created_at=now,
            updated_at=now,
            message="Command accepted",
            history=[
                {"status": PENDING, "timestamp": now, "message": "Command accepted", "progress": 0}
            ],
        )

    def accepted(self, command: IssuedCommand, aggregate_id: str) -> CommandStatus:
        return self.accepted_many([(command, aggregate_id)])[0]

    def accepted_many(self, commands: Sequence[tuple[IssuedCommand, str]]) -> list[CommandStatus]:
        """Track commands just stored (with their aggregate ids) as PENDING, in one write; a
        command tracked already (its retry, or a worker that ran it first) keeps its status."""
        now = utc_now()
        pending = [self._pending(command, aggregate_id, now) for command, aggregate_id in commands]
        if not pending:
            return []
        inserted = list(zip(pending, self.store.insert_many_if_absent(pending), strict=True))
        known = self.store.get_many([s.command_id for s, new in inserted if not new])
        for status, new in inserted:
            if new:
                self._publish(status)
        return [status if new else known.get(status.command_id, status) for status, new in inserted]

    def transition(
        self,
        command_id: str,
        new_status: str,
        message: str,
        progress: int | None = None,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
        attempts: int | None = None,
    ) -> CommandStatus:
        """Move a command to `new_status` (a final status never changes again); `attempts`
        is how many times its execution has been started."""
        with self._lock:
            return self._transition(
                command_id, new_status, message, progress, result, error, attempts
            )

    def _transition(
        self,
        command_id: str,
        new_status: str,
        message: str,
        progress: int | None,
        result: dict[str, Any] | None,
        error: dict[str, Any] | None,
        attempts: int | None,
    ) -> CommandStatus:
        status = self.store.get(command_id)
        if status is None:
            raise LookupError(command_id)
        if status.is_final:  # a final status never changes; a second report is a no-op
            return status
        now = utc_now()
        status.status = new_status
        status.message = message
        status.updated_at = now
        if progress is not None:
            status.progress = progress
        if result is not None:
            status.result = result
        if error is not None:
            status.error = error
        if attempts is not None:
            status.attempts = attempts
        status.history.append(
            {
                "status": new_status,
                "timestamp": now,
                "message": message,
                "progress": status.progress,
            }
        )
        self.store.save(status)
        self._publish(status)
        return status

    def finish_many(self, finished: Sequence[Finished], started: str) -> list[CommandStatus]:
        """Record the outcomes of commands run together since `started`: each passes
        through PROCESSING to its final status in one write of all of them (a command not
        tracked yet is tracked now; one already final stays as it is)."""
        now = utc_now()
        with self._lock:
            known = self.store.get_many([f.command.command_id for f in finished])
            changed = []
            for f in finished:
                status = known.get(f.command.command_id)
                if status is None:
                    status = self._pending(f.command, f.aggregate_id, started)
                if status.is_final:
                    continue
                status.attempts += 1
                status.history.append(
                    {
                        "status": PROCESSING,
                        "timestamp": started,
                        "message": "Processing started",
                        "progress": 10,
                    }
                )
                status.status, status.message = f.status, f.message
                status.updated_at, status.progress = now, 100
                status.result, status.error = f.result, f.error
                status.history.append(
                    {"status": f.status, "timestamp": now, "message": f.message, "progress": 100}
                )
                changed.append(status)
            if changed:
                self.store.save_many(changed)
        for status in changed:
            self._publish(status)
        return changed

    def get(self, command_id: str) -> CommandStatus | None:
        return self.store.get(command_id)

    def _publish(self, status: CommandStatus) -> None:
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:  # a broken listener must not break the pipeline
                log.exception("command status listener failed")
