"""Pages and scans of what a lineage sees, from the levels' answers (the rule is in
`rule.py`).

A page of a branch is read from its base level's live rows now and the few documents that
differ from them: those a level above has at its cut, and those the base changed since its
cut; the rest of the base is as it was at the cut. Past `MAX_LIST_DIFFERENCES` a store's
whole-overlay query answers (`LevelView.overlay_page`), else the levels are merged.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from heapq import merge
from itertools import islice

from spice.application.overlay.rule import LevelKeys, Lookup, merged, owners
from spice.application.ports.document_levels import Classes, Head, LevelView
from spice.application.ports.documents import Document, NodeRef, NodeRefs
from spice.domain.branching import Level, Lineage

MAX_LIST_DIFFERENCES = 2000
PAGE = 1000  # keys read from a level at a time when levels are merged
Page = tuple[NodeRefs, int]  # keys of a page, and how many there are in all


def lookup_in(view: LevelView, kind: str, db: str) -> Lookup[Document]:
    """The rule's lookup of documents of `kind` in `db`, on `view`."""
    return lambda level, refs: view.versions(kind, db, level, refs)


def heads_in(view: LevelView, kind: str, db: str) -> Lookup[Head]:
    """The rule's lookup of the heads (sequence, deleted) of documents, on `view`."""
    return lambda level, refs: view.heads(kind, db, level, refs)


def differences(
    view: LevelView, kind: str, db: str, lineage: Lineage, classes: Classes, since: int, cap: int
) -> set[NodeRef] | None:
    """The documents `lineage` may see otherwise than its base level (the last) now: those
    a level above has at its cut, and those the base changed after `since`. None when
    more than `cap`."""
    differ: set[NodeRef] = set()
    for level in lineage[:-1]:
        differ.update(view.written_until(kind, db, level, classes, cap + 1))
        if len(differ) > cap:
            return None
    differ.update(view.changed_since(kind, db, lineage[-1].branch, classes, since, cap + 1))
    return None if len(differ) > cap else differ


def level_keys(
    view: LevelView,
    kind: str,
    db: str,
    level: Level,
    classes: Classes,
    after: NodeRef | None = None,
    size: int = PAGE,
) -> LevelKeys:
    """Every key a level has at its cut after `after`, in order, read `size` at a time."""
    while True:
        found = view.keys(kind, db, level, classes, after, size)
        yield from found
        if len(found) < size:
            return
        after = found[-1][0]


def live_keys(
    view: LevelView,
    kind: str,
    db: str,
    lineage: Lineage,
    classes: Classes,
    after: NodeRef | None = None,
    size: int = PAGE,
) -> Iterator[NodeRef]:
    """The live keys `lineage` sees after `after`, in order: its levels merged."""
    return merged([level_keys(view, kind, db, lv, classes, after, size) for lv in lineage])


def refs_after(
    view: LevelView,
    kind: str,
    db: str,
    lineage: Lineage,
    classes: Classes,
    after: NodeRef | None,
    limit: int,
) -> NodeRefs:
    """At most `limit` live keys `lineage` sees after `after`, in order."""
    size = min(PAGE, limit + 1)
    return list(islice(live_keys(view, kind, db, lineage, classes, after, size), limit))


def page(
    view: LevelView,
    kind: str,
    db: str,
    lineage: Lineage,
    classes: Classes,
    offset: int,
    limit: int,
) -> Page:
    """The keys of a page of the live documents `lineage` sees, and their count."""
    found = _by_differences(view, kind, db, lineage, classes, offset, limit)
    if found is None:
        found = view.overlay_page(kind, db, lineage, classes, offset, limit)
    if found is None:
        keys: NodeRefs = []
        total = 0
        for key in live_keys(view, kind, db, lineage, classes):
            if offset <= total < offset + limit:
                keys.append(key)
            total += 1
        found = keys, total
    return found


def _by_differences(
    view: LevelView,
    kind: str,
    db: str,
    lineage: Lineage,
    classes: Classes,
    offset: int,
    limit: int,
) -> Page | None:
    """A page merged from the base's live rows now and what differs from them; None when
    the base has no cut or too many differ."""
    base = lineage[-1]
    if base.until is None:
        return None
    differ = differences(view, kind, db, lineage, classes, base.until, MAX_LIST_DIFFERENCES)
    if differ is None:
        return None
    refs = sorted(differ)
    seen = owners(lineage, refs, heads_in(view, kind, db))
    now = view.heads(kind, db, Level(base.branch, None), refs)
    window = _Window(
        differ,
        live=sorted(ref for ref, (_, head) in seen.items() if not head[1]),
        on_base=sorted(ref for ref, head in now.items() if not head[1]),
    )
    return window.page(view, kind, db, base.branch, classes, offset, limit)


class _Window:
    """The keys that differ (`differ`): as the lineage sees them (`live`), and among the
    base's live rows now (`on_base`), both sorted."""

    def __init__(self, differ: set[NodeRef], live: NodeRefs, on_base: NodeRefs) -> None:
        self.differ, self.live, self.on_base = differ, live, on_base

    def page(
        self,
        view: LevelView,
        kind: str,
        db: str,
        base: str,
        classes: Classes,
        offset: int,
        limit: int,
    ) -> Page | None:
        live, on_base = self.live, self.on_base
        # The page's first key is at most len(live) places after the base's row at offset
        # - len(live); a window that long, plus what differs, covers the page.
        start = max(0, offset - len(live))
        width = limit + 2 * (len(live) + len(on_base)) + 1
        window, count_base = view.live_now(kind, db, base, classes, start, width)
        total = count_base - len(on_base) + len(live)
        if not window:  # the base has no rows past `start`
            if count_base == len(on_base):  # nor any that do not differ: all is the lineage's
                return live[offset : offset + limit], total
            return [], total  # start >= count_base > 0, so offset >= total
        first = window[0]
        # The place of the window's first key among all: the base's rows before it that do
        # not differ, and the differing ones the lineage sees before it.
        index = start - bisect_left(on_base, first) + bisect_left(live, first)
        # The window's rows that do not differ reach past the page on their own, so the
        # differing keys past its end (between rows not read) are never reached.
        keys: NodeRefs = []
        rest = [k for k in window if k not in self.differ]
        for key in merge(rest, live[bisect_left(live, first) :]):
            if index >= offset + limit:
                break
            if index >= offset:
                keys.append(key)
            index += 1
        if len(keys) < min(limit, total - offset):
            return None  # the window fell short (it should not): the levels are merged
        return keys, total
