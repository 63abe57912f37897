"""Search on a branch from the index of `main` plus what the branch sees differently.

The index holds `main` as it is now. A branch sees `main` as of its fork, with its own
writes on top (and those of the branches between). An instance that neither the branch
(nor a branch between) wrote, nor `main` changed since the fork, is the same on both: the
index answers for all of those, and the few that differ are read from the document read
model as the branch sees them and checked against the query. Together that is exactly
what a scan of the branch would find, at the cost of an index query and of the
differences: the same ones a page of a branch is merged from
(`spice.application.overlay.pages.differences`)."""

from __future__ import annotations

from dataclasses import replace

from spice.application.ports.documents import KIND_CLASS, DocumentReads
from spice.application.ports.search import SearchIndex
from spice.application.search.query import SearchPage, SearchQuery
from spice.application.search.scan import matching, ordered
from spice.domain.names import MAIN_BRANCH

MAX_DIFFERENCES = 10_000  # past this many, a scan of the branch costs about as much


class IndexedOverlaySearch:
    """Answers a branch's search from main's index and the branch's differences, or says
    it cannot (None): text (ranked by relevance) and facets are left to the scan, as are
    past positions, a branch with many differences, and an index ahead of the documents."""

    def __init__(self, documents: DocumentReads, index: SearchIndex) -> None:
        self.documents = documents
        self.index = index

    def search(self, q: SearchQuery) -> SearchPage | None:
        if q.branch == MAIN_BRANCH or q.as_of is not None or q.text or q.facets:
            return None
        lineage = self.documents.lineage(q.db, q.branch)
        fork = lineage[-1]
        if len(lineage) < 2 or fork.branch != MAIN_BRANCH or fork.until is None:
            return None
        documents_at = self.documents.checkpoint()
        indexed_at = self.index.checkpoint()
        if indexed_at > documents_at:
            return None  # the index has main's changes the documents do not show yet
        classes = list(q.classes) if q.classes is not None else self._classes(q)
        # What the branch may see otherwise than main in the index: the documents of the
        # branches between, and main's changes since the fork (or since the index's point).
        since = min(fork.until, indexed_at)
        differ = self.documents.differences(q.db, lineage, classes, since, MAX_DIFFERENCES)
        if differ is None:
            return None
        window = replace(
            q,
            branch=MAIN_BRANCH,
            classes=tuple(classes),  # the branch's: main may have classes made since the fork
            exclude=frozenset(f"{cls}/{iid}" for cls, iid in differ),
            offset=0,
            limit=q.offset + q.limit,
            highlight=False,
        )
        from_index = self.index.search(window)
        if self.index.checkpoint() > documents_at:
            return None  # main moved on in the index while it answered
        seen = self.documents.instances(q.db, q.branch, sorted(differ))
        own = [hit for hit in (matching(q, seen.get(ref)) for ref in sorted(differ)) if hit]
        hits = ordered([*from_index.hits, *own], q.sort)
        page = hits[q.offset : q.offset + q.limit]
        return SearchPage(page, from_index.total + len(own), {}, from_index.warnings)

    def _classes(self, q: SearchQuery) -> list[str]:
        listed, _ = self.documents.list(KIND_CLASS, q.db, q.branch, limit=100_000)
        return [d.key.cls for d in listed]
