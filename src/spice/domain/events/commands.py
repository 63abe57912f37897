"""Events of a command's stream: the command as accepted, then its outcome."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import Data, DomainEvent


@dataclass(frozen=True)
class CommandAccepted(DomainEvent):
    """A command as a client sent it (see `spice.domain.commands.IssuedCommand`)."""

    event_type = "CommandAccepted"
    aggregate_type = AggregateType.COMMAND
    command_type: str
    database: str | None
    branch: str
    payload: Data
    expected_seq: int | None


@dataclass(frozen=True)
class CommandCompleted(DomainEvent):
    """The command's events were appended in the same transaction as this outcome."""

    event_type = "CommandCompleted"
    aggregate_type = AggregateType.COMMAND
    result: Data


@dataclass(frozen=True)
class CommandFailed(DomainEvent):
    """The command was refused or could not run: `error` is {code, message, details, kind}."""

    event_type = "CommandFailed"
    aggregate_type = AggregateType.COMMAND
    error: Data
