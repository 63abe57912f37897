"""In-memory command status store, for unit tests."""

from __future__ import annotations

import copy
import threading

from spice.application.ports.command_status import (
    FINAL_STATUSES,
    CommandStatus,
    CommandStatusStore,
)


class InMemoryCommandStatusStore(CommandStatusStore):
    """Command statuses in a dict, for tests and `memory://`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, dict] = {}

    def insert_if_absent(self, status: CommandStatus) -> bool:
        with self._lock:
            if status.command_id in self._rows:
                return False
            self._rows[status.command_id] = copy.deepcopy(status.to_dict())
            return True

    def save(self, status: CommandStatus) -> None:
        with self._lock:
            self._rows[status.command_id] = copy.deepcopy(status.to_dict())

    def prune(self, before: str) -> int:
        with self._lock:
            old = [
                k
                for k, row in self._rows.items()
                if row["status"] in FINAL_STATUSES and row["updated_at"] < before
            ]
            for key in old:
                del self._rows[key]
        return len(old)

    def get(self, command_id: str) -> CommandStatus | None:
        with self._lock:
            row = self._rows.get(command_id)
        return CommandStatus.from_dict(copy.deepcopy(row)) if row else None
