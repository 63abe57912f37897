"""The ports of connectors: reading a source for what changed since a cursor, the sync state
kept beside the log, sealing secrets, and leadership of the scheduler.

- `SourceReader`: one kind of source (a sheet, a file by URL, a table, a bucket). It answers
  the files that changed since `cursor` and the cursor after them; no files when nothing
  changed. Its errors are `BadRequest` with the reason in words (an unreachable host, a
  query that writes, a private address).
- `SyncStates`: each connector's last poll, change, success, failure, attempts and next
  retry. It is operational state, not history: the log keeps every sync and version, so a
  lost state costs at most one read of each source.
- `SecretBox`: seals and opens secrets with the key from the settings.
- `Leadership`: whether this process runs the scheduler now (one process at a time in the
  distributed profile).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceFile:
    """A file read from a source: its name (its extension says its format), its bytes,
    where it came from, and what else to record with its version (the cursor it ends at)."""

    filename: str
    data: bytes
    source: str
    detected: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """What a read found: the files that changed (none: the source is as it was), and the
    cursor to read from next time."""

    files: list[SourceFile]
    cursor: dict[str, Any]


class SourceReader(ABC):
    @abstractmethod
    def read(self, config: dict[str, Any], cursor: dict[str, Any], max_bytes: int) -> Reading:
        """The files of the source changed since `cursor` (its secrets in `config` are in
        clear here). BadRequest with the reason when the source cannot be read."""


@dataclass
class SyncState:
    """Where a connector's syncs stand. Times are seconds since the epoch."""

    database: str
    connector: str
    last_poll: float | None = None
    last_change: float | None = None
    last_success: float | None = None
    last_failure: float | None = None
    last_error: str | None = None
    failing_since: float | None = None
    attempts: int = 0  # failures in a row
    next_retry: float | None = None
    next_run: float | None = None  # by the schedule
    scheduled: dict[str, Any] | None = None  # the schedule `next_run` follows
    cursor: dict[str, Any] = field(default_factory=dict)
    last_command: str | None = None
    imported: str | None = None  # the content hash of the version last imported
    history: list[dict[str, Any]] = field(default_factory=list)


class SyncStates(ABC):
    @abstractmethod
    def get(self, database: str, connector: str) -> SyncState | None: ...

    @abstractmethod
    def put(self, state: SyncState) -> None: ...

    @abstractmethod
    def all(self, database: str | None = None) -> list[SyncState]:
        """Every state kept (of one database)."""

    @abstractmethod
    def forget(self, database: str, connector: str) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the store holds."""


class SecretBox(ABC):
    @abstractmethod
    def seal(self, secret: str) -> str: ...

    @abstractmethod
    def open(self, sealed: str) -> str:
        """The secret; ValueError when it was not sealed with this key."""


class Leadership(ABC):
    @abstractmethod
    def lead(self) -> bool:
        """Whether this process leads now (asked before each round of the scheduler)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Give leadership up."""
