"""The document read model: current state per database and branch, and the reads of it.

A branch stores only its own documents; a read on it overlays them on its parent's as of
the fork (see `spice.domain.branching` for lineages, `spice.application.overlay` for the
rule). So that a parent can be read as of a position, every version of a class or instance
document that a later write replaced is kept with the position where it stopped being
current. The same versions answer reads `as_of` a log position on any branch.

The read model is split by job: `DocumentReads` (this module) reads documents,
`ports.graph.GraphReads` the links between instances, `ports.commits.CommitReads` the
history, `ports.document_projection` writes it in generations, and
`ports.document_levels` is the small set of per-branch queries every adapter answers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

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


class Lineages(ABC):
    """Turns a branch (as of a position) into the lineage a read of it overlays."""

    _lineages: dict[tuple[str, str], Lineage]

    @abstractmethod
    def branch_document(self, db: str, branch: str) -> Document | None:
        """The document of a branch, deleted or not; None if it was never projected."""

    def _branch(self, key: DocKey) -> Document | None:
        return self.branch_document(key.db, key.branch)

    def lineage(self, db: str, branch: str, as_of: int | None = None) -> Lineage:
        """The levels a read on `branch` (as of a position) overlays; NotFound for a branch
        that never existed."""
        if branch == names.MAIN_BRANCH:
            return at((Level(branch, None),), as_of)
        cache = self.__dict__.setdefault("_lineages", {})
        found = cache.get((db, branch))
        if found is None:
            if fork_of(self._branch, db, branch) is None:
                # Not projected (yet): read what is there, and look again next time.
                return at((Level(branch, None),), as_of)
            found = cache[(db, branch)] = resolve(db, branch, partial(fork_of, self._branch, db))
        return at(found, as_of)  # a branch's fork never changes

    def read_lineage(
        self, kind: str, db: str | None, branch: str | None, as_of: int | None
    ) -> Lineage:
        """The lineage a read of `kind` overlays; one plain level for what has no versions
        (databases, branches) or names no branch."""
        if kind not in VERSIONED or db is None or branch is None:
            return (Level(branch or "", None),)
        return self.lineage(db, branch, as_of)


class DocumentReads(Lineages):
    """The current document of every database, branch, class and instance, as a branch (as
    of a log position, with `as_of`) sees it. Reads always use the active generation."""

    @abstractmethod
    def checkpoint(self, generation: str | None = None) -> int:
        """The log position the (active) generation has reached."""

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
    def instances(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, Document]:
        """The instance documents named by `refs`, deleted ones included."""

    @abstractmethod
    def instance_versions(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, tuple[int, bool]]:
        """(sequence, deleted) of the instances named by `refs` (a lighter `instances`)."""

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
    def differences(
        self, db: str, lineage: Lineage, classes: Sequence[str], since: int, cap: int
    ) -> set[NodeRef] | None:
        """Instances of `classes` that `lineage` may see otherwise than its last level (the
        base) as it is now: those a level above has, and those the base changed after
        `since`. None when more than `cap`."""

    @abstractmethod
    def written_between(
        self, db: str, branch: str, kind: str, after: int | None, until: int | None
    ) -> set[tuple[str, str]]:
        """(class, id) of the documents of `kind` that `branch` itself wrote (not its
        parents) at positions in (`after`, `until`]; None bounds are open."""
