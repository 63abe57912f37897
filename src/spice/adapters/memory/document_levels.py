"""What one level of a lineage has, in memory: a generation's documents, edges and the
versions later writes replaced, read one branch at a time as of a cut. No overlay here:
`spice.application.overlay` applies the rule."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, replace
from typing import TypeVar

from spice.application.ports.commits import Commit
from spice.application.ports.document_levels import Classes, Head, KeyPage, LevelView
from spice.application.ports.documents import DocKey, Document, EdgeRows, Link, NodeRef, NodeRefs
from spice.domain.branching import Level

EdgeKey = tuple[str, str, NodeRef]  # database, branch, source
EdgeSet = tuple[int, list[Link]]  # position written, links
V = TypeVar("V")


def current_at(
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


def doc_start(doc: Document) -> int:
    return doc.position


def _edges_start(edges: EdgeSet) -> int:
    return edges[0]


class Generation:
    """One generation's read model in dicts."""

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
        return current_at(self.docs.get(key), self.history.get(key, []), until, doc_start)

    def edges_at(self, key: EdgeKey, until: int | None) -> list[Link]:
        found = current_at(self.edges.get(key), self.edge_history.get(key, []), until, _edges_start)
        return found[1] if found is not None else []


def _copy(doc: Document) -> Document:
    """A copy callers may change."""
    return replace(doc, body=copy.deepcopy(doc.body))


class InMemoryLevelView(LevelView):
    """The levels of one generation (the caller holds the store's lock)."""

    def __init__(self, gen: Generation) -> None:
        self._gen = gen

    def _at(self, kind: str, db: str, level: Level, classes: Classes) -> list[Document]:
        """Every document of the level at its cut, deleted ones included."""
        wanted = None if classes is None else set(classes)
        keys = {
            k
            for k in [*self._gen.docs, *self._gen.history]
            if (k.kind, k.db, k.branch) == (kind, db, level.branch)
            and (wanted is None or k.cls in wanted)
        }
        found = (self._gen.doc_at(k, level.until) for k in keys)
        return sorted((d for d in found if d is not None), key=lambda d: astuple(d.key))

    def versions(
        self, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, Document]:
        at = self._gen.doc_at
        found = {ref: at(DocKey(kind, db, level.branch, *ref), level.until) for ref in refs}
        return {ref: _copy(d) for ref, d in found.items() if d is not None}

    def heads(
        self, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, Head]:
        return {ref: (d.seq, d.deleted) for ref, d in self.versions(kind, db, level, refs).items()}

    def keys(
        self, kind: str, db: str, level: Level, classes: Classes, after: NodeRef | None, limit: int
    ) -> KeyPage:
        found = [((d.key.cls, d.key.id), d.deleted) for d in self._at(kind, db, level, classes)]
        return [k for k in found if after is None or k[0] > after][:limit]

    def written_until(
        self, kind: str, db: str, level: Level, classes: Classes, limit: int
    ) -> NodeRefs:
        def began(key: DocKey) -> bool:
            versions = [self._gen.docs[key], *(old for old, _ in self._gen.history.get(key, []))]
            return level.until is None or any(v.position <= level.until for v in versions)

        wanted = None if classes is None else set(classes)
        return sorted(
            (k.cls, k.id)
            for k in self._gen.docs
            if (k.kind, k.db, k.branch) == (kind, db, level.branch)
            and (wanted is None or k.cls in wanted)
            and began(k)
        )[:limit]

    def changed_since(
        self, kind: str, db: str, branch: str, classes: Classes, position: int, limit: int
    ) -> NodeRefs:
        now = self._at(kind, db, Level(branch, None), classes)
        return [(d.key.cls, d.key.id) for d in now if d.position > position][:limit]

    def live_now(
        self, kind: str, db: str, branch: str, classes: Classes, offset: int, limit: int
    ) -> tuple[NodeRefs, int]:
        now = self._at(kind, db, Level(branch, None), classes)
        live = [(d.key.cls, d.key.id) for d in now if not d.deleted]
        return live[offset : offset + limit], len(live)

    def documents_now(
        self,
        kind: str,
        db: str | None,
        branch: str | None,
        classes: Classes,
        offset: int,
        limit: int,
    ) -> tuple[list[Document], int]:
        wanted = None if classes is None else set(classes)
        hits = sorted(
            (
                d
                for k, d in self._gen.docs.items()
                if k.kind == kind
                and (db is None or k.db == db)
                and (branch is None or k.branch == branch)
                and (wanted is None or k.cls in wanted)
                and not d.deleted
            ),
            key=lambda d: astuple(d.key),
        )
        return [_copy(d) for d in hits[offset : offset + limit]], len(hits)

    def edges(
        self, db: str, level: Level, nodes: Sequence[NodeRef], predicate: str, reverse: bool
    ) -> EdgeRows:
        wanted = set(nodes)
        rows: EdgeRows = []
        written = [*self._gen.edges, *self._gen.edge_history]
        for src in {src for d, b, src in written if (d, b) == (db, level.branch)}:
            for pred, cls, iid in self._gen.edges_at((db, level.branch, src), level.until):
                if pred == predicate and ((cls, iid) if reverse else src) in wanted:
                    rows.append((src, pred, (cls, iid)))
        return rows

    def written_between(
        self, kind: str, db: str, branch: str, after: int | None, until: int | None
    ) -> set[NodeRef]:
        low, high = -1 if after is None else after, 2**62 if until is None else until
        gen = self._gen
        versions = [*gen.docs.values(), *(d for vs in gen.history.values() for d, _ in vs)]
        return {
            (d.key.cls, d.key.id)
            for d in versions
            if (d.key.kind, d.key.db, d.key.branch) == (kind, db, branch)
            and low < d.position <= high
        }
