"""The branch overlay rule, written once.

A read on a lineage (the branch, then each parent with its cut position; see
`spice.domain.branching`) sees, at each level, the version current at that level's cut,
unless a level above has the document (a tombstone included, so a parent never resurrects
a branch's delete). Documents are keyed on the lineage's first branch.

Adapters answer what one level has (`ports.document_levels`); every overlaid read of
documents, edges, pages and scans goes through the functions here and in this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from heapq import merge
from typing import TypeVar

from spice.application.ports.documents import DocKey, Document, NodeRef
from spice.domain.branching import Level, Lineage

V = TypeVar("V")  # what a level answers of a document: its version, or only its head
# What one level has of some documents: (level, refs) -> {ref: version at its cut}
Lookup = Callable[[Level, Sequence[NodeRef]], Mapping[NodeRef, V]]


def owners(
    lineage: Lineage, refs: Sequence[NodeRef], lookup: Lookup[V]
) -> dict[NodeRef, tuple[int, V]]:
    """For each of `refs` some level has: the first level (its index) that has it at its
    cut, and what it has of it. Levels below are not asked for what one above has."""
    found: dict[NodeRef, tuple[int, V]] = {}
    wanted = list(dict.fromkeys(refs))
    for i, level in enumerate(lineage):
        if not wanted:
            break
        seen = lookup(level, wanted)
        for ref in wanted:
            doc = seen.get(ref)
            if doc is not None:
                found[ref] = (i, doc)
        wanted = [ref for ref in wanted if ref not in found]
    return found


def overlaid(
    lineage: Lineage, refs: Sequence[NodeRef], lookup: Lookup[Document]
) -> dict[NodeRef, Document]:
    """The documents named by `refs` as `lineage` sees them (deleted ones included), keyed
    on the lineage's first branch."""
    name = lineage[0].branch
    return {
        ref: doc if doc.key.branch == name else _keyed(doc, name)
        for ref, (_, doc) in owners(lineage, refs, lookup).items()
    }


def _keyed(doc: Document, branch: str) -> Document:
    key = doc.key
    return Document(
        DocKey(key.kind, key.db, branch, key.cls, key.id),
        doc.seq,
        doc.deleted,
        doc.position,
        doc.body,
    )


# What one level has, in key order: ((class, id), deleted) of each document at its cut.
LevelKeys = Iterator[tuple[NodeRef, bool]]


def merged(levels: Sequence[LevelKeys]) -> Iterator[NodeRef]:
    """The live keys a lineage sees, in order, from each level's keys in order (the
    iterators in lineage order): a key is taken from the first level that has it."""
    last: NodeRef | None = None
    for key, _, deleted in merge(*(_tagged(i, keys) for i, keys in enumerate(levels))):
        if key == last:
            continue  # a level above had it
        last = key
        if not deleted:
            yield key


def _tagged(index: int, keys: LevelKeys) -> Iterator[tuple[NodeRef, int, bool]]:
    """A level's keys with its place in the lineage, so that merged equal keys come in
    lineage order."""
    for key, deleted in keys:
        yield key, index, deleted
