"""Connectors' sync states in memory (tests, and `memory://` stores)."""

from __future__ import annotations

import copy
import threading

from spice.application.ports.sources import SyncState, SyncStates


class InMemorySyncStates(SyncStates):
    def __init__(self) -> None:
        self._states: dict[tuple[str, str], SyncState] = {}
        self._lock = threading.Lock()

    def get(self, database: str, connector: str) -> SyncState | None:
        with self._lock:
            found = self._states.get((database, connector))
            return copy.deepcopy(found) if found else None

    def put(self, state: SyncState) -> None:
        with self._lock:
            self._states[(state.database, state.connector)] = copy.deepcopy(state)

    def all(self, database: str | None = None) -> list[SyncState]:
        with self._lock:
            return [
                copy.deepcopy(s)
                for k, s in sorted(self._states.items())
                if database is None or k[0] == database
            ]

    def forget(self, database: str, connector: str) -> None:
        with self._lock:
            self._states.pop((database, connector), None)
