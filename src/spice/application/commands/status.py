"""Reading a command's status as the log has it."""

from __future__ import annotations

from spice.application.commands.executor import CommandExecutor
from spice.application.commands.tracking import CommandTracker
from spice.application.ports.command_status import CommandStatus
from spice.application.ports.event_store import EventStore
from spice.domain.errors import NotFound
from spice.domain.events import CommandAccepted


class CommandStatuses:
    """The status of a command, never behind the log: a tracked status that is not final is
    checked against the log, where the outcome may be recorded already, and a command that
    was accepted but not tracked (a crash in between) is tracked now."""

    def __init__(self, events: EventStore, tracker: CommandTracker, executor: CommandExecutor):
        self.events = events
        self.tracker = tracker
        self.executor = executor

    def find(self, command_id: str) -> CommandStatus | None:
        status = self.tracker.get(command_id)
        if status is not None and status.is_final:
            return status
        envelope = self.events.get_event(command_id)
        if envelope is None or envelope.event_type != CommandAccepted.event_type:
            return status
        return self.executor.reconcile(envelope)

    def get(self, command_id: str) -> CommandStatus:
        """The status; NotFound when no such command was accepted."""
        status = self.find(command_id)
        if status is None:
            raise NotFound(f"command {command_id!r} not found", {"command_id": command_id})
        return status
