"""The document read model port: current state per database and branch, in generations.

The graph of links between instances (edges per database and branch) is part of the same
read model: an instance's edges are written in the same commit as its document, so the
graph never names a node whose document is not there.

A branch stores only its own documents and edges; a read on it overlays them on its
parent's as of the fork (see `spice.domain.branching`). So that a parent can be read as of a
position, every version of a class or instance document, and every set of edges, that a
later write replaced is kept with the position where it stopped being current. The same
versions answer reads `as_of` a log position on any branch.

A generation is a complete read model with its own checkpoint. `spice rebuild` fills a new
generation from the log and then activates it, while readers keep using the active one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from typing import Any

from spice.application.ports.generations import Generations
from spice.domain import names
from spice.domain.branching import Fork, Level, Lineage, at, resolve

KIND_DATABASE = "database"
KIND_BRANCH = "branch"
KIND_CLASS = "class"
KIND_INSTANCE = "instance"


@dataclass(frozen=True)
class DocKey:
    """Where a document lives: (kind, database, branch, class, id); unused parts are ''."""

    kind: str
    db: str = ""
    branch: str = ""
    cls: str = ""
    id: str = ""


NodeRef = tuple[str, str]  # (class, id) of an instance
Link = tuple[str, str, str]  # (predicate, target class, target id)
EdgeRow = tuple[NodeRef, str, NodeRef]  # (source, predicate, target)
EdgeRows = list[EdgeRow]
BranchEdgeRows = list[tuple[str, str, EdgeRow]]  # (database, branch, edge)
NodeRefs = list[NodeRef]
PathStep = tuple[str, bool, Sequence[str]]  # predicate, reverse, classes it may land on


@dataclass
class Document:
    """A read-model document: its key, the aggregate's sequence, whether it is deleted, the
    log position that wrote it, and its body."""

    key: DocKey
    seq: int
    deleted: bool
    position: int
    body: dict[str, Any]


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
VERSIONED = frozenset({KIND_CLASS, KIND_INSTANCE})


def plain(lineage: Lineage) -> bool:
    """Whether a lineage reads one branch as it is now (no parent, no cut)."""
    return len(lineage) == 1 and lineage[0].until is None


def fork_of(get: Callable[[DocKey], Document | None], db: str, branch: str) -> Fork | None:
    """(parent, fork position) of a branch from its document; None if it never existed."""
    doc = get(DocKey(KIND_BRANCH, db, branch))
    if doc is None:
        return None
    data = doc.body["data"]
    return data.get("from_branch"), data.get("fork_position")


class DocumentUnitOfWork(ABC):
    """Writes of one projection batch, committed together with the checkpoint."""

    @abstractmethod
    def checkpoint(self) -> int: ...

    @abstractmethod
    def set_checkpoint(self, position: int) -> None: ...

    @abstractmethod
    def get(self, key: DocKey) -> Document | None: ...

    @abstractmethod
    def get_in(self, key: DocKey, lineage: Lineage) -> Document | None:
        """The class or instance document of `key` as `lineage` sees it (deleted ones
        included), keyed on the lineage's first branch."""

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


class DocumentStore(Generations):
    """The current document of every database, branch, class and instance, and the graph
    of links between instances. Reads always use the active generation.

    Reads of classes, instances and edges on a `branch` see what that branch sees; with
    `as_of` (a log position) they see it as it was then."""

    _lineages: dict[tuple[str, str], Lineage]

    def lineage(self, db: str, branch: str, as_of: int | None = None) -> Lineage:
        """The levels a read on `branch` (as of a position) overlays; NotFound for a branch
        that never existed."""
        if branch == names.MAIN_BRANCH:
            return at((Level(branch, None),), as_of)
        cache = self.__dict__.setdefault("_lineages", {})
        found = cache.get((db, branch))
        if found is None:
            get = partial(self.get, include_deleted=True)
            if fork_of(get, db, branch) is None:
                # Not projected (yet): read what is there, and look again next time.
                return at((Level(branch, None),), as_of)
            found = cache[(db, branch)] = resolve(db, branch, partial(fork_of, get, db))
        return at(found, as_of)  # a branch's fork never changes

    def read_lineage(
        self, kind: str, db: str | None, branch: str | None, as_of: int | None
    ) -> Lineage:
        """The lineage a read of `kind` overlays; one plain level for what has no versions
        (databases, branches) or names no branch."""
        if kind not in VERSIONED or db is None or branch is None:
            return (Level(branch or "", None),)
        return self.lineage(db, branch, as_of)

    @abstractmethod
    def unit_of_work(
        self, generation: str | None = None
    ) -> AbstractContextManager[DocumentUnitOfWork]: ...

    @abstractmethod
    def checkpoint(self, generation: str | None = None) -> int: ...

    @abstractmethod
    def get(
        self, key: DocKey, include_deleted: bool = False, as_of: int | None = None
    ) -> Document | None: ...

    @abstractmethod
    def list(
        self,
        kind: str,
        db: str | None = None,
        branch: str | None = None,
        cls: str | Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 100,
        as_of: int | None = None,
    ) -> tuple[list[Document], int]:
        """Live documents matching the given key parts (`cls` one class or several), ordered
        by key, and the total count."""

    @abstractmethod
    def dump(self, generation: str | None = None) -> Iterator[Document]:
        """Every document (deleted ones too) in key order, for comparisons and audits."""

    @abstractmethod
    def instance_refs(
        self,
        db: str,
        branch: str,
        classes: Sequence[str],
        after: NodeRef | None,
        limit: int,
        as_of: int | None = None,
    ) -> NodeRefs:
        """Live instances of `classes` in (class, id) order, starting after `after`."""

    @abstractmethod
    def written_since(
        self, db: str, branch: str, classes: Sequence[str], position: int
    ) -> NodeRefs:
        """Instances of `classes` whose document on `branch` itself (no overlay) was last
        written after log `position`, deleted ones included."""

    def instance_versions(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, tuple[int, bool]]:
        """(sequence, deleted) of the instances named by `refs` (a lighter `instances`)."""
        found = self.instances(db, branch, refs, as_of)
        return {ref: (d.seq, d.deleted) for ref, d in found.items()}

    @abstractmethod
    def instances(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, Document]:
        """The instance documents named by `refs`, deleted ones included."""

    @abstractmethod
    def edges(
        self,
        db: str,
        branch: str,
        nodes: Sequence[NodeRef],
        predicate: str,
        reverse: bool,
        as_of: int | None = None,
    ) -> EdgeRows:
        """Edges with `predicate` leaving `nodes` (or, with `reverse`, arriving at them),
        ordered by source then target."""

    def query_path_roots(
        self,
        db: str,
        branch: str,
        start: Sequence[str],
        steps: Sequence[PathStep],
        offset: int,
        limit: int,
        as_of: int | None = None,
    ) -> NodeRefs | None:
        """The page of path roots (see `spice.application.reads.graph.roots`) found in one
        query, for a store that can; None, the default, leaves the walk to the caller."""
        return None

    @abstractmethod
    def written_between(
        self, db: str, branch: str, kind: str, after: int | None, until: int | None
    ) -> set[tuple[str, str]]:
        """(class, id) of the documents of `kind` that `branch` itself wrote (not its
        parents) at positions in (`after`, `until`]; None bounds are open."""

    @abstractmethod
    def commits(
        self, db: str, lineage: Lineage, where: CommitFilter, offset: int, limit: int
    ) -> tuple[Commits, int]:
        """Commits that `lineage` sees (each level's up to its cut), newest first, and how
        many match."""

    @abstractmethod
    def commit(self, db: str, command_id: str) -> Commit | None: ...

    @abstractmethod
    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        """Every edge with its database and branch, ordered, for comparisons and audits."""

    def needs_rebuild(self) -> bool:
        """Whether the active generation predates part of the read model (graph edges, versions)
        and must be rebuilt from the log before it is used."""
        return False

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
