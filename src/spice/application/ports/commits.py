"""History in the document read model: a commit per completed command, per branch.

A branch's history is its own commits over its parent's up to the fork, recursively: each
level of its lineage up to its cut (commits are never replaced, so nothing shadows them).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

from spice.application.ports.documents import DocumentReads, Lineages
from spice.domain.branching import Lineage


@dataclass(frozen=True)
class Commit:
    """A completed command, as history shows it: where and when it landed (`position` is
    that of its outcome, its events the `event_count` positions before), who made it, its
    message, and the classes its events touched."""

    db: str
    branch: str
    position: int
    command_id: str
    command_type: str
    actor: str
    occurred_at: str
    message: str | None
    event_count: int
    classes: tuple[str, ...]


@dataclass(frozen=True)
class CommitFilter:
    """Which commits a history shows: by author, time range (ISO, inclusive), a class its
    events touched, or a set of command ids."""

    actor: str | None = None
    since: str | None = None
    until: str | None = None
    cls: str | None = None
    command_ids: frozenset[str] | None = None


Commits = list[Commit]


class CommitReads(Lineages):
    """The commits the document projector recorded, read as a branch's lineage sees them."""

    @abstractmethod
    def commits(
        self, db: str, lineage: Lineage, where: CommitFilter, offset: int, limit: int
    ) -> tuple[Commits, int]:
        """Commits that `lineage` sees (each level's up to its cut), newest first, and how
        many match."""

    @abstractmethod
    def commit(self, db: str, command_id: str) -> Commit | None: ...


class DocumentHistory(CommitReads, DocumentReads):
    """Commits and the documents they wrote: what history reads present."""
