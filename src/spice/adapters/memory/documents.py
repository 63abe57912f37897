"""In-memory document read model, for unit tests."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple

from spice.application.ports.documents import (
    KIND_INSTANCE,
    BranchEdgeRows,
    DocKey,
    Document,
    DocumentStore,
    DocumentUnitOfWork,
    EdgeRows,
    Link,
    NodeRef,
    NodeRefs,
)


class _Generation:
    def __init__(self) -> None:
        self.docs: dict[DocKey, Document] = {}
        self.edges: dict[tuple[str, str, NodeRef], list[Link]] = {}
        self.checkpoint = 0


class _UnitOfWork(DocumentUnitOfWork):
    def __init__(self, gen: _Generation, name: str) -> None:
        self._gen = gen
        self.name = name
        self._staged: dict[DocKey, Document] = {}
        self._edges: dict[tuple[str, str, NodeRef], list[Link]] = {}
        self._dropped: set[str] = set()
        self._checkpoint = gen.checkpoint
        self.activated = False

    def checkpoint(self) -> int:
        return self._checkpoint

    def set_checkpoint(self, position: int) -> None:
        self._checkpoint = position

    def get(self, key: DocKey) -> Document | None:
        doc = self._staged.get(key) or self._gen.docs.get(key)
        return copy.deepcopy(doc)

    def put(self, doc: Document) -> None:
        self._staged[doc.key] = copy.deepcopy(doc)

    def set_edges(self, db: str, branch: str, source: NodeRef, links: Sequence[Link]) -> None:
        self._edges[(db, branch, source)] = list(links)

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

    def activate(self) -> None:
        self.activated = True

    def commit(self) -> None:
        for db in self._dropped:
            self._gen.edges = {k: v for k, v in self._gen.edges.items() if k[0] != db}
        self._gen.edges.update(self._edges)
        self._gen.docs.update(self._staged)
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

    def get(self, key: DocKey, include_deleted: bool = False) -> Document | None:
        doc = self._gens[self._active].docs.get(key)
        if doc is None or (doc.deleted and not include_deleted):
            return None
        return copy.deepcopy(doc)

    def list(
        self,
        kind: str,
        db: str | None = None,
        branch: str | None = None,
        cls: str | Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[Document], int]:
        classes = None if cls is None else {cls} if isinstance(cls, str) else set(cls)
        with self._lock:
            docs = self._gens[self._active].docs.values()
            hits = sorted(
                (
                    d
                    for d in docs
                    if d.key.kind == kind
                    and not d.deleted
                    and (db is None or d.key.db == db)
                    and (branch is None or d.key.branch == branch)
                    and (classes is None or d.key.cls in classes)
                ),
                key=lambda d: astuple(d.key),
            )
        return [copy.deepcopy(d) for d in hits[offset : offset + limit]], len(hits)

    def dump(self, generation: str | None = None) -> Iterator[Document]:
        with self._lock:
            docs = list(self._gens[generation or self._active].docs.values())
        yield from (copy.deepcopy(d) for d in sorted(docs, key=lambda d: astuple(d.key)))

    def instance_refs(
        self, db: str, branch: str, classes: Sequence[str], after: NodeRef | None, limit: int
    ) -> NodeRefs:
        wanted = set(classes)
        with self._lock:
            refs = sorted(
                (k.cls, k.id)
                for k, d in self._gens[self._active].docs.items()
                if k.kind == KIND_INSTANCE
                and k.db == db
                and k.branch == branch
                and k.cls in wanted
                and not d.deleted
                and (after is None or (k.cls, k.id) > after)
            )
        return refs[:limit]

    def instances(self, db: str, branch: str, refs: Sequence[NodeRef]) -> dict[NodeRef, Document]:
        docs = self._gens[self._active].docs
        found = {ref: docs.get(DocKey(KIND_INSTANCE, db, branch, *ref)) for ref in refs}
        return {ref: copy.deepcopy(doc) for ref, doc in found.items() if doc is not None}

    def _all_edges(self, generation: str) -> BranchEdgeRows:
        with self._lock:
            items = list(self._gens[generation].edges.items())
        return sorted(
            (db, branch, (src, pred, (cls, iid)))
            for (db, branch, src), links in items
            for pred, cls, iid in links
        )

    def edges(
        self, db: str, branch: str, nodes: Sequence[NodeRef], predicate: str, reverse: bool
    ) -> EdgeRows:
        wanted = set(nodes)
        return [
            row
            for d, b, row in self._all_edges(self._active)
            if d == db
            and b == branch
            and row[1] == predicate
            and (row[2] if reverse else row[0]) in wanted
        ]

    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        return self._all_edges(generation or self._active)
