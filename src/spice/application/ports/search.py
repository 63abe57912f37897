"""The search read model port: a full-text index of instances per database and branch.

Reading (`SearchReader`) is what queries need; the scan over the document store implements
only that, as the fallback when the index is missing or damaged. `SearchIndex` adds the
projector's side: batches written together with the log position they reach, and
generations, so `spice rebuild --search` can build a new index while the old one serves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spice.application.ports.generations import Generations
from spice.application.search.query import SearchHit, SearchPage, SearchQuery


@dataclass(frozen=True)
class IndexChange:
    """The new state of one instance in one branch index; `doc` None removes it, `seq` is
    the instance's sequence after the change (a removal has no document to carry it)."""

    db: str
    branch: str
    cls: str
    id: str
    doc: SearchHit | None
    seq: int = 0


class SearchReader(ABC):
    """What queries need: search, and the indexed state of named instances."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchPage: ...

    @abstractmethod
    def fetch(self, db: str, branch: str, keys: Sequence[str]) -> dict[str, SearchHit]:
        """The indexed state of instances named `Class/id` (absent ones are left out)."""


class SearchWriter(ABC):
    """What the search projector needs: the committed state to fold events onto, and
    batches written with the log position they reach."""

    @abstractmethod
    def checkpoint(self, generation: str | None = None) -> int: ...

    @abstractmethod
    def lookup(
        self, generation: str, db: str, branch: str, keys: Sequence[str]
    ) -> dict[str, SearchHit]:
        """Committed state of instances in `generation` (for the projector)."""

    @abstractmethod
    def write(
        self,
        generation: str,
        changes: Sequence[IndexChange],
        dropped_databases: Iterable[str],
        position: int,
    ) -> None:
        """Apply a batch, then record `position` as reached. Replaying a batch after a crash
        gives the same index, so the checkpoint may trail the index, never lead it."""


class SearchIndex(SearchReader, SearchWriter, Generations):
    """The index as one process holds it. Raises `Unavailable` when it cannot be read
    (missing or damaged).

    A `shared` index lives in a service that every process reaches (OpenSearch): one
    process projects into it and the others read. Otherwise each process keeps its own."""

    shared = False

    def writing_position(self, generation: str | None = None) -> tuple[str, int]:
        """The generation the projector writes (the active one unless given) and its
        checkpoint. An index shared between processes may answer from what this process last
        read or wrote; `write` then verifies that nothing changed meanwhile, and raises
        `Unavailable` (the batch is retried) when something did."""
        generation = generation or self.active_generation()
        return generation, self.checkpoint(generation)

    @abstractmethod
    def health(self) -> dict[str, object]:
        """{"ok": bool, "reason": str | None} for the active generation."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release writers and files."""
