"""What every document read model answers about one level of a lineage: one branch, as of
its cut (`Level.until`; None: now), with no overlay. The overlay rule
(`spice.application.overlay`) reads a lineage from these answers.

All queries of one read go through one `LevelView`, a consistent view of the active
generation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager

from spice.application.ports.documents import Document, EdgeRows, NodeRef, NodeRefs
from spice.domain.branching import Level, Lineage

Classes = Sequence[str] | None  # the classes a query reads; None: every class
KeyPage = list[tuple[NodeRef, bool]]  # ((class, id), deleted) in key order
Head = tuple[int, bool]  # (sequence, deleted) of a version


class LevelView(ABC):
    """One consistent read of the active generation, asked one level at a time."""

    @abstractmethod
    def versions(
        self, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, Document]:
        """The version of each document of `refs` current at the level's cut (deleted ones
        included), with its own key."""

    @abstractmethod
    def heads(
        self, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, Head]:
        """(sequence, deleted) of the same versions as `versions`, without their bodies."""

    @abstractmethod
    def keys(
        self, kind: str, db: str, level: Level, classes: Classes, after: NodeRef | None, limit: int
    ) -> KeyPage:
        """((class, id), deleted) of the documents the level has at its cut, in key order,
        starting after `after`: at most `limit`."""

    @abstractmethod
    def written_until(
        self, kind: str, db: str, level: Level, classes: Classes, limit: int
    ) -> NodeRefs:
        """The documents the level has any version of at or before its cut (at most
        `limit`: as many means there may be more)."""

    @abstractmethod
    def changed_since(
        self, kind: str, db: str, branch: str, classes: Classes, position: int, limit: int
    ) -> NodeRefs:
        """The documents whose current version on `branch` was written after `position`
        (at most `limit`: as many means there may be more)."""

    @abstractmethod
    def live_now(
        self, kind: str, db: str, branch: str, classes: Classes, offset: int, limit: int
    ) -> tuple[NodeRefs, int]:
        """A page of the live documents of `branch` now, in key order, and their count."""

    @abstractmethod
    def documents_now(
        self,
        kind: str,
        db: str | None,
        branch: str | None,
        classes: Classes,
        offset: int,
        limit: int,
    ) -> tuple[list[Document], int]:
        """A page of the live documents matching the key parts given, now, in key order,
        and their count: the read of a branch that inherits nothing."""

    @abstractmethod
    def edges(
        self, db: str, level: Level, nodes: Sequence[NodeRef], predicate: str, reverse: bool
    ) -> EdgeRows:
        """The edges with `predicate` the level has at its cut leaving `nodes` (with
        `reverse`, arriving at them)."""

    @abstractmethod
    def written_between(
        self, kind: str, db: str, branch: str, after: int | None, until: int | None
    ) -> set[NodeRef]:
        """Documents `branch` wrote a version of at positions in (`after`, `until`]."""

    def overlay_page(
        self, kind: str, db: str, lineage: Lineage, classes: Classes, offset: int, limit: int
    ) -> tuple[NodeRefs, int] | None:
        """A page of the live keys `lineage` sees and their count, for a store that answers
        the whole overlay at once faster than `overlay.pages` merges the levels (None: it
        does not). It must answer what the rule (`spice.application.overlay.rule`) says."""
        return None


class DocumentLevels(ABC):
    """A read model whose levels can be read."""

    @abstractmethod
    def levels(self) -> AbstractContextManager[LevelView]:
        """A consistent view of the active generation, for the queries of one read."""
