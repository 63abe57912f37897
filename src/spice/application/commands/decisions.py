"""Decisions made when a command was checked, kept for the worker of the same process.

A command is decided once when it is submitted (the precheck) and once when it runs. When
nothing but its own `CommandAccepted` was appended between the precheck's first read and
the run, the log the worker would decide against is the one the precheck read, so its
decision is the same and is used as it is."""

from __future__ import annotations

import threading
from collections import OrderedDict

from spice.domain.deciders.base import Decision

MAX_KEPT = 1000


class Decisions:
    """Precheck decisions by command id, each with the log position of its command."""

    def __init__(self, max_kept: int = MAX_KEPT) -> None:
        self.max_kept = max_kept
        self._kept: OrderedDict[str, tuple[int, Decision]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, command_id: str, position: int, decision: Decision) -> None:
        with self._lock:
            self._kept[command_id] = (position, decision)
            while len(self._kept) > self.max_kept:
                self._kept.popitem(last=False)

    def take(self, command_id: str) -> tuple[int, Decision] | None:
        """The kept decision with the position of its command, forgotten here: it holds
        only while the log still ends at that position (the caller compares its head)."""
        with self._lock:
            return self._kept.pop(command_id, None)
