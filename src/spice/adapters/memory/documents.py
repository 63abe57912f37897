"""In-memory document read model, for unit tests."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, replace
from typing import TypeVar

from spice.application.ports.documents import (
    KIND_INSTANCE,
    VERSIONED,
    BranchEdgeRows,
    Commit,
    CommitFilter,
    Commits,
    DocKey,
    Document,
    DocumentStore,
    DocumentUnitOfWork,
    EdgeRows,
    Link,
    NodeRef,
    NodeRefs,
    plain,
)
from spice.domain.branching import Level, Lineage

EdgeKey = tuple[str, str, NodeRef]  # database, branch, source
EdgeSet = tuple[int, list[Link]]  # position written, links


V = TypeVar("V")


def _current_at(
    current: V | None,
    replaced: Iterable[tuple[V, int]],
    until: int | None,
    start: Callable[[V], int],
) -> V | None:
    """The version current at position `until` (now, if None): `current` if it had begun by
    then, else the replaced version (with the position where it stopped) that spans it."""
    if current is not None and (until is None or start(current) <= until):
        return current
    if until is None:
        return None
    return next((old for old, valid_to in replaced if start(old) <= until < valid_to), None)


def _doc_start(doc: Document) -> int:
    return doc.position


def _edges_start(edges: EdgeSet) -> int:
    return edges[0]


class _Generation:
    def __init__(self) -> None:
        self.docs: dict[DocKey, Document] = {}
        self.edges: dict[EdgeKey, EdgeSet] = {}
        # Versions that later writes replaced, with the position where each stopped.
        self.history: dict[DocKey, list[tuple[Document, int]]] = {}
        self.edge_history: dict[EdgeKey, list[tuple[EdgeSet, int]]] = {}
        self.commits: dict[tuple[str, str, int], Commit] = {}
        self.checkpoint = 0

    def doc_at(self, key: DocKey, until: int | None) -> Document | None:
        """The version of `key` current at position `until` (now, if None)."""
        return _current_at(self.docs.get(key), self.history.get(key, []), until, _doc_start)

    def edges_at(self, key: EdgeKey, until: int | None) -> list[Link]:
        found = _current_at(
            self.edges.get(key), self.edge_history.get(key, []), until, _edges_start
        )
        return found[1] if found is not None else []

    def visible(self, key: DocKey, lineage: Lineage) -> tuple[Level, Document] | None:
        """The level that has `key` as `lineage` sees it, and the version it has."""
        for level in lineage:
            doc = self.doc_at(replace(key, branch=level.branch), level.until)
            if doc is not None:
                return level, doc
        return None

    def keys(self, lineage: Lineage, match: Callable[[DocKey], bool]) -> set[DocKey]:
        """Keys (on the lineage's first branch) of every document some level may have."""
        found: set[DocKey] = set()
        branches = {level.branch for level in lineage}
        for key in [*self.docs, *self.history]:
            if key.branch in branches and match(key):
                found.add(replace(key, branch=lineage[0].branch))
        return found


class _UnitOfWork(DocumentUnitOfWork):
    def __init__(self, gen: _Generation, name: str) -> None:
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

    def get_in(self, key: DocKey, lineage: Lineage) -> Document | None:
        for level in lineage:
            doc = self._doc_at(replace(key, branch=level.branch), level.until)
            if doc is not None:
                return replace(copy.deepcopy(doc), key=key)
        return None

    def _doc_at(self, key: DocKey, until: int | None) -> Document | None:
        """The version of `key` current at `until`, this unit's writes included."""
        current = self._staged.get(key) or self._gen.docs.get(key)
        staged = [(old, valid_to) for old, valid_to in self._versions if old.key == key]
        replaced = [*self._gen.history.get(key, []), *staged]
        return _current_at(current, replaced, until, _doc_start)

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
        self._gens = {first: _Generation()}
        self._active = first

    def active_generation(self) -> str:
        return self._active

    def new_generation(self) -> str:
        with self._lock:
            name = f"g{next(self._counter)}"
            self._gens[name] = _Generation()
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

    def checkpoint(self, generation: str | None = None) -> int:
        return self._gens[generation or self._active].checkpoint

    def get(
        self, key: DocKey, include_deleted: bool = False, as_of: int | None = None
    ) -> Document | None:
        lineage = self.read_lineage(key.kind, key.db, key.branch, as_of)
        with self._lock:
            found = self._gens[self._active].visible(key, lineage)
        if found is None or (found[1].deleted and not include_deleted):
            return None
        return replace(copy.deepcopy(found[1]), key=key)

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
        classes = None if cls is None else {cls} if isinstance(cls, str) else set(cls)
        lineage = self.read_lineage(kind, db, branch, as_of)

        def match(k: DocKey) -> bool:
            return (
                k.kind == kind
                and (db is None or k.db == db)
                and (branch is None or k.branch in {level.branch for level in lineage})
                and (classes is None or k.cls in classes)
            )

        with self._lock:
            gen = self._gens[self._active]
            if branch is None:
                keys = {k for k in gen.docs if match(k)}
                found = [(k, gen.docs[k]) for k in keys]
            else:
                found = []
                for key in gen.keys(lineage, match):
                    seen = gen.visible(key, lineage)
                    if seen is not None:
                        found.append((key, seen[1]))
            hits = sorted(
                (replace(d, key=k) for k, d in found if not d.deleted),
                key=lambda d: astuple(d.key),
            )
        return [copy.deepcopy(d) for d in hits[offset : offset + limit]], len(hits)

    def dump(self, generation: str | None = None) -> Iterator[Document]:
        with self._lock:
            docs = list(self._gens[generation or self._active].docs.values())
        yield from (copy.deepcopy(d) for d in sorted(docs, key=lambda d: astuple(d.key)))

    def instance_refs(
        self,
        db: str,
        branch: str,
        classes: Sequence[str],
        after: NodeRef | None,
        limit: int,
        as_of: int | None = None,
    ) -> NodeRefs:
        docs, _ = self.list(KIND_INSTANCE, db, branch, classes, 0, 2**31, as_of)
        refs = [(d.key.cls, d.key.id) for d in docs]
        return [r for r in refs if after is None or r > after][:limit]

    def written_since(
        self, db: str, branch: str, classes: Sequence[str], position: int
    ) -> NodeRefs:
        wanted = set(classes)
        with self._lock:
            docs = list(self._gens[self._active].docs.values())
        return [
            (d.key.cls, d.key.id)
            for d in docs
            if d.key.kind == KIND_INSTANCE
            and (d.key.db, d.key.branch) == (db, branch)
            and d.key.cls in wanted
            and d.position > position
        ]

    def instances(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, Document]:
        found = {
            ref: self.get(DocKey(KIND_INSTANCE, db, branch, *ref), True, as_of) for ref in refs
        }
        return {ref: doc for ref, doc in found.items() if doc is not None}

    def _all_edges(self, generation: str) -> BranchEdgeRows:
        with self._lock:
            items = list(self._gens[generation].edges.items())
        return sorted(
            (db, branch, (src, pred, (cls, iid)))
            for (db, branch, src), (_, links) in items
            for pred, cls, iid in links
        )

    def edges(
        self,
        db: str,
        branch: str,
        nodes: Sequence[NodeRef],
        predicate: str,
        reverse: bool,
        as_of: int | None = None,
    ) -> EdgeRows:
        wanted = set(nodes)
        lineage = self.lineage(db, branch, as_of)
        if plain(lineage):
            return [
                row
                for d, b, row in self._all_edges(self._active)
                if d == db
                and b == branch
                and row[1] == predicate
                and (row[2] if reverse else row[0]) in wanted
            ]
        rows: EdgeRows = []
        with self._lock:
            gen = self._gens[self._active]
            sources = {src for (d, b, src) in [*gen.edges, *gen.edge_history] if d == db}
            for src in sources:
                seen = gen.visible(DocKey(KIND_INSTANCE, db, branch, *src), lineage)
                if seen is None:
                    continue
                level = seen[0]
                for pred, cls, iid in gen.edges_at((db, level.branch, src), level.until):
                    if pred == predicate and ((cls, iid) if reverse else src) in wanted:
                        rows.append((src, pred, (cls, iid)))
        return sorted(rows)

    def written_between(
        self, db: str, branch: str, kind: str, after: int | None, until: int | None
    ) -> set[tuple[str, str]]:
        low, high = -1 if after is None else after, 2**62 if until is None else until
        with self._lock:
            gen = self._gens[self._active]
            versions = [*gen.docs.values(), *(d for vs in gen.history.values() for d, _ in vs)]
        return {
            (d.key.cls, d.key.id)
            for d in versions
            if d.key.kind == kind
            and d.key.db == db
            and d.key.branch == branch
            and low < d.position <= high
        }

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
        return self._all_edges(generation or self._active)
