"""Search by scanning the document store: the fallback when the index cannot be read.

It answers with the same semantics as the index (it is also the reference the index is
tested against), but reads every instance of the branch, so it is bounded: past
`max_scan` documents it stops and says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from spice.application.ports.documents import (
    KIND_CLASS,
    KIND_INSTANCE,
    DocKey,
    Document,
    DocumentReads,
)
from spice.application.ports.search import SearchReader
from spice.application.search.query import (
    SearchHit,
    SearchPage,
    SearchQuery,
    SortKey,
    evaluate,
    numeric,
    values_at,
)
from spice.application.search.text import highlight, matches_text

PAGE = 1000


def hit_from_document(doc: Document) -> SearchHit:
    meta = doc.body["_meta"]
    indexed = meta.get("indexed_at") or ""
    return SearchHit(
        cls=doc.key.cls,
        id=doc.key.id,
        seq=doc.seq,
        position=doc.position,
        indexed_at=_epoch(indexed),
        data=doc.body["data"],
    )


def _epoch(stamp: str) -> float:
    return numeric(stamp) or 0.0


def _sort_value(hit: SearchHit, field: str, as_number: bool) -> Any:
    values = values_at(hit.data, field)
    if not values:
        return None
    return numeric(values[0]) if as_number else values[0]


def ordered(hits: list[SearchHit], sort: SortKey | None) -> list[SearchHit]:
    """Hits in the order a search answers them: by key, or by the sort field's value (ties
    by key, hits without a value last)."""
    hits = sorted(hits, key=lambda h: h.key)
    if sort is None:
        return hits
    values = {h.key: _sort_value(h, sort.field, sort.numeric) for h in hits}
    present = [h for h in hits if values[h.key] is not None]
    absent = [h for h in hits if values[h.key] is None]
    present.sort(key=lambda h: values[h.key], reverse=sort.descending)
    return present + absent


def matching(q: SearchQuery, doc: Document | None) -> SearchHit | None:
    """The hit of a document when it is live and matches the query's text and filter."""
    if doc is None or doc.deleted:
        return None
    hit = hit_from_document(doc)
    if q.text and not matches_text(hit.data, q.text):
        return None
    if q.filter is not None and not evaluate(q.filter, hit.cls, hit.id, hit.data):
        return None
    return hit


class DocumentScanSearch(SearchReader):
    """Search by scanning the document store: slow, but needs no index, so reads fall back
    to it when the index is missing, damaged or behind."""

    def __init__(self, documents: DocumentReads, max_scan: int = 200_000) -> None:
        self.documents = documents
        self.max_scan = max_scan

    def _matches(self, q: SearchQuery) -> tuple[list[SearchHit], bool]:
        """The matching instances, and whether the scan stopped at `max_scan` before the
        end. Pages by key (not by offset), so a scan of a branch's overlay stays linear."""
        found: list[SearchHit] = []
        if q.classes is not None:
            classes = list(q.classes)
        else:
            listed, _ = self.documents.list(
                KIND_CLASS, q.db, q.branch, limit=100_000, as_of=q.as_of
            )
            classes = [d.key.cls for d in listed]
        after, scanned = None, 0
        while refs := self.documents.instance_refs(q.db, q.branch, classes, after, PAGE, q.as_of):
            if scanned >= self.max_scan:
                return found, True
            docs = self.documents.instances(q.db, q.branch, refs, q.as_of)
            found += [hit for ref in refs if (hit := matching(q, docs.get(ref))) is not None]
            scanned += len(refs)
            after = refs[-1]
        return found, False

    def search(self, query: SearchQuery) -> SearchPage:
        hits, truncated = self._matches(query)
        hits = ordered(hits, query.sort)
        facets = {name: self._facet(hits, name, query.facet_size) for name in query.facets}
        page = hits[query.offset : query.offset + query.limit]
        if query.text and query.highlight:
            for hit in page:
                hit.highlights = highlight(hit.data, query.text)
        warnings = []
        if truncated:
            warnings.append(
                {
                    "code": "scan_truncated",
                    "message": f"only the first {self.max_scan} instances were searched",
                }
            )
        return SearchPage(page, len(hits), facets, warnings)

    @staticmethod
    def _facet(hits: list[SearchHit], name: str, size: int) -> list[dict[str, Any]]:
        counts: Counter[Any] = Counter()
        for hit in hits:
            values = [hit.cls] if name == "class" else values_at(hit.data, name)
            counts.update(v for v in set(map(_hashable, values)) if v is not None)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        return [{"value": v, "count": c} for v, c in ordered[:size]]

    def fetch(
        self, db: str, branch: str, keys: Sequence[str], as_of: int | None = None
    ) -> dict[str, SearchHit]:
        found: dict[str, SearchHit] = {}
        for key in keys:
            cls, _, iid = key.partition("/")
            doc = self.documents.get(DocKey(KIND_INSTANCE, db, branch, cls, iid), as_of=as_of)
            if doc is not None:
                found[key] = hit_from_document(doc)
        return found


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else None
