"""The command status port: where each command's lifecycle is tracked."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

PENDING = "PENDING"
PROCESSING = "PROCESSING"
RETRYING = "RETRYING"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
FINAL_STATUSES = frozenset({COMPLETED, FAILED})


@dataclass
class CommandStatus:
    """What a client sees of one command."""

    command_id: str
    command_type: str
    status: str
    aggregate_id: str
    actor: str
    database: str | None
    created_at: str
    updated_at: str
    progress: int = 0
    message: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    attempts: int = 0

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def to_dict(self) -> dict[str, Any]:
        """Its fields, for serialising: the history, result and error are the status's own
        (not copies; `dataclasses.asdict` copied them deeply, a sixth of a worker's batch)."""
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CommandStatus:
        return cls(**raw)


_FIELDS = tuple(f.name for f in fields(CommandStatus))


class CommandStatusStore(ABC):
    """Keeps the latest `CommandStatus` per command id."""

    @abstractmethod
    def insert_if_absent(self, status: CommandStatus) -> bool:
        """Store `status` unless the command is known; True if stored."""

    def insert_many_if_absent(self, statuses: list[CommandStatus]) -> list[bool]:
        """`insert_if_absent` each status, in order; stores override this to write them in
        one round trip."""
        return [self.insert_if_absent(status) for status in statuses]

    @abstractmethod
    def save(self, status: CommandStatus) -> None: ...

    @abstractmethod
    def get(self, command_id: str) -> CommandStatus | None: ...

    def get_many(self, command_ids: list[str]) -> dict[str, CommandStatus]:
        """The statuses of the commands that are known, by id; stores override this to
        read them in one round trip."""
        found = {cid: self.get(cid) for cid in command_ids}
        return {cid: status for cid, status in found.items() if status is not None}

    def save_many(self, statuses: list[CommandStatus]) -> None:
        """`save` each status; stores override this to write them in one round trip."""
        for status in statuses:
            self.save(status)

    @abstractmethod
    def prune(self, before: str) -> int:
        """Forget the final statuses last updated before `before` (an ISO time, as
        `updated_at` holds it); how many. The log keeps every outcome: a status asked for
        later is made again from it."""

    def watch(self, listener: Callable[[CommandStatus], None]) -> None:  # noqa: B027
        """Call `listener` with each status other processes store. Stores private to one
        process have no other writers, so by default there is nothing to hear."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
