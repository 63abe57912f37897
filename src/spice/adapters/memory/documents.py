"""In-memory document read model, for unit tests and `memory://`."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple

from spice.adapters.memory.document_levels import (
    EdgeKey,
    EdgeSet,
    Generation,
    InMemoryLevelView,
    current_at,
    doc_start,
)
from spice.application.overlay.store import DocumentStore
from spice.application.ports.commits import Commit, CommitFilter, Commits
from spice.application.ports.document_levels import LevelView
from spice.application.ports.document_projection import DocumentUnitOfWork
from spice.application.ports.documents import (
    VERSIONED,
    BranchEdgeRows,
    DocKey,
    Document,
    Link,
    NodeRef,
)
from spice.domain.branching import Lineage


class _UnitOfWork(DocumentUnitOfWork):
    def __init__(self, gen: Generation, name: str) -> None:
        self._gen = gen
        self.name = name
        self._staged: dict[DocKey, Document] = {}
        self._edges: dict[EdgeKey, EdgeSet] = {}
        self._dropped: set[str] = set()
        self._versions: list[tuple[Document, int]] = []
        self._edge_versions: list[tuple[EdgeKey, EdgeSet, int]] = []
        self._commits: list[Commit] = []
        self._checkpoint = gen.checkpoint
        self.activated = False

    def checkpoint(self) -> int:
        return self._checkpoint

    def set_checkpoint(self, position: int) -> None:
        self._checkpoint = position

    def get(self, key: DocKey) -> Document | None:
        doc = self._staged.get(key) or self._gen.docs.get(key)
        return copy.deepcopy(doc)

    def version_at(self, key: DocKey, until: int | None) -> Document | None:
        current = self._staged.get(key) or self._gen.docs.get(key)
        staged = [(old, valid_to) for old, valid_to in self._versions if old.key == key]
        replaced = [*self._gen.history.get(key, []), *staged]
        return copy.deepcopy(current_at(current, replaced, until, doc_start))

    def put(self, doc: Document) -> None:
        if doc.key.kind in VERSIONED:
            old = self.get(doc.key)
            if old is not None:
                self._versions.append((old, doc.position))
        self._staged[doc.key] = copy.deepcopy(doc)

    def set_edges(
        self, db: str, branch: str, source: NodeRef, links: Sequence[Link], position: int
    ) -> None:
        key = (db, branch, source)
        old = self._edges.get(key) or self._gen.edges.get(key)
        if old is not None:
            self._edge_versions.append((key, old, position))
        self._edges[key] = (position, list(links))

    def tombstone_database(self, db: str, seq_note: int, position: int) -> None:
        self._dropped.add(db)
        self._edges = {k: v for k, v in self._edges.items() if k[0] != db}
        for key in list(self._gen.docs) + list(self._staged):
            if key.db == db and key.kind != "database":
                doc = self.get(key)
                if doc is not None and not doc.deleted:
                    doc.deleted = True
                    doc.position = position
                    self.put(doc)

    def add_commit(self, commit: Commit) -> None:
        self._commits.append(commit)

    def activate(self) -> None:
        self.activated = True

    def commit(self) -> None:
        for db in self._dropped:
            self._gen.edges = {k: v for k, v in self._gen.edges.items() if k[0] != db}
        self._gen.edges.update(self._edges)
        self._gen.docs.update(self._staged)
        for old, valid_to in self._versions:
            self._gen.history.setdefault(old.key, []).append((old, valid_to))
        for commit in self._commits:
            self._gen.commits.setdefault((commit.db, commit.branch, commit.position), commit)
        for key, edges, valid_to in self._edge_versions:
            self._gen.edge_history.setdefault(key, []).append((edges, valid_to))
        self._gen.checkpoint = self._checkpoint


class InMemoryDocumentStore(DocumentStore):
    """Documents and edges in dicts, with generations, for tests and `memory://`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        first = f"g{next(self._counter)}"
        self._gens = {first: Generation()}
        self._active = first

    def active_generation(self) -> str:
        return self._active

    def new_generation(self) -> str:
        with self._lock:
            name = f"g{next(self._counter)}"
            self._gens[name] = Generation()
            return name

    def activate(self, generation: str) -> None:
        with self._lock:
            self._gens[generation]  # noqa: B018 - must exist
            self._active = generation

    def drop_generation(self, generation: str) -> None:
        with self._lock:
            if generation != self._active:
                self._gens.pop(generation, None)

    def generations(self) -> list[str]:
        return list(self._gens)

    @contextmanager
    def unit_of_work(self, generation: str | None = None) -> Iterator[DocumentUnitOfWork]:
        with self._lock:
            name = generation or self._active
            uow = _UnitOfWork(self._gens[name], name)
            yield uow
            uow.commit()
            if uow.activated:
                self._active = name

    @contextmanager
    def levels(self) -> Iterator[LevelView]:
        with self._lock:
            yield InMemoryLevelView(self._gens[self._active])

    def checkpoint(self, generation: str | None = None) -> int:
        return self._gens[generation or self._active].checkpoint

    def dump(self, generation: str | None = None) -> Iterator[Document]:
        with self._lock:
            docs = list(self._gens[generation or self._active].docs.values())
        yield from (copy.deepcopy(d) for d in sorted(docs, key=lambda d: astuple(d.key)))

    def commits(
        self, db: str, lineage: Lineage, where: CommitFilter, offset: int, limit: int
    ) -> tuple[Commits, int]:
        cuts = {level.branch: level.until for level in lineage}

        def wanted(c: Commit) -> bool:
            cut = cuts.get(c.branch, -1)
            return (
                c.db == db
                and c.branch in cuts
                and (cut is None or c.position <= cut)
                and (where.actor is None or c.actor == where.actor)
                and (where.since is None or c.occurred_at >= where.since)
                and (where.until is None or c.occurred_at <= where.until)
                and (where.cls is None or where.cls in c.classes)
                and (where.command_ids is None or c.command_id in where.command_ids)
            )

        with self._lock:
            found = [c for c in self._gens[self._active].commits.values() if wanted(c)]
        found.sort(key=lambda c: -c.position)
        return found[offset : offset + limit], len(found)

    def commit(self, db: str, command_id: str) -> Commit | None:
        with self._lock:
            commits = list(self._gens[self._active].commits.values())
        return next((c for c in commits if c.db == db and c.command_id == command_id), None)

    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        with self._lock:
            items = list(self._gens[generation or self._active].edges.items())
        return sorted(
            (db, branch, (src, pred, (cls, iid)))
            for (db, branch, src), (_, links) in items
            for pred, cls, iid in links
        )
