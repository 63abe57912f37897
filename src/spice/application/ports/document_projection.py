"""Writing the document read model: units of work of the document projector, in generations.

A generation is a complete read model with its own checkpoint. `spice rebuild` fills a new
generation from the log and then activates it, while readers keep using the active one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from functools import partial

from spice.application.overlay.rule import overlaid
from spice.application.ports.commits import Commit
from spice.application.ports.documents import (
    VERSIONED,
    BranchEdgeRows,
    DocKey,
    Document,
    Link,
    NodeRef,
    fork_of,
)
from spice.application.ports.generations import Generations
from spice.domain import names
from spice.domain.branching import Level, Lineage, resolve


class DocumentUnitOfWork(ABC):
    """Writes of one projection batch, committed together with the checkpoint."""

    @abstractmethod
    def checkpoint(self) -> int: ...

    @abstractmethod
    def set_checkpoint(self, position: int) -> None: ...

    @abstractmethod
    def get(self, key: DocKey) -> Document | None: ...

    @abstractmethod
    def version_at(self, key: DocKey, until: int | None) -> Document | None:
        """The version of `key` (on its own branch) current at position `until` (now, if
        None), deleted ones and this unit's writes included."""

    def get_in(self, key: DocKey, lineage: Lineage) -> Document | None:
        """The class or instance document of `key` as `lineage` sees it (deleted ones
        included), keyed on the lineage's first branch."""
        ref = (key.cls, key.id)

        def lookup(level: Level, refs: Sequence[NodeRef]) -> dict[NodeRef, Document]:
            found = self.version_at(replace(key, branch=level.branch), level.until)
            return {} if found is None else {ref: found}

        return overlaid(lineage, [ref], lookup).get(ref)

    def prefetch(self, keys: Sequence[DocKey]) -> None:  # noqa: B027 - optional hook
        """Read these documents now, together, for the `get`s of this unit that follow
        (stores that pay a round trip per read override this)."""

    @staticmethod
    def reads_own(key: DocKey) -> bool:
        """Whether `visible(key)` is a plain `get`: nothing on `main`, and no kind that is
        not versioned, inherits from another branch."""
        return key.kind not in VERSIONED or key.branch == names.MAIN_BRANCH

    def visible(self, key: DocKey) -> Document | None:
        """The document of `key` as its branch sees it: its own, or inherited."""
        if self.reads_own(key):
            return self.get(key)
        return self.get_in(key, resolve(key.db, key.branch, partial(fork_of, self.get, key.db)))

    @abstractmethod
    def put(self, doc: Document) -> None:
        """Write a document; the class or instance version it replaces is kept."""

    @abstractmethod
    def tombstone_database(self, db: str, seq_note: int, position: int) -> None:
        """Mark every document of database `db` deleted."""

    @abstractmethod
    def set_edges(
        self, db: str, branch: str, source: NodeRef, links: Sequence[Link], position: int
    ) -> None:
        """Replace the outgoing edges of instance `source` (none for a deleted one), as
        written at log `position`; the edges replaced are kept as a version."""

    @abstractmethod
    def add_commit(self, commit: Commit) -> None:
        """Record a commit (again: no change)."""

    @abstractmethod
    def activate(self) -> None:
        """Make this unit's generation the active one, in the same commit as its writes."""


class DocumentProjection(Generations):
    """The read model as the document projector and rebuilds see it: units of work on a
    generation, checkpoints, and dumps for comparisons and audits."""

    @abstractmethod
    def unit_of_work(
        self, generation: str | None = None
    ) -> AbstractContextManager[DocumentUnitOfWork]: ...

    @abstractmethod
    def checkpoint(self, generation: str | None = None) -> int: ...

    @abstractmethod
    def dump(self, generation: str | None = None) -> Iterator[Document]:
        """Every document (deleted ones too) in key order, for comparisons and audits."""

    @abstractmethod
    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        """Every edge with its database and branch, ordered, for comparisons and audits."""

    def needs_rebuild(self) -> bool:
        """Whether the active generation predates part of the read model (graph edges, versions)
        and must be rebuilt from the log before it is used."""
        return False

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
