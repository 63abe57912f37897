"""Pages of Tantivy hits: by relevance, by key, or sorted by a property, exactly.

Tantivy orders by a top-level fast field only, and properties live in JSON fields. A sorted
page is therefore read in term order: a terms aggregation lists the distinct values in
order with their counts, which locates the page; single-document values are fetched in one
query, larger ones page through their documents in key order. Documents without the value
come last, in key order. The result equals sorting every match by (value, key).
"""

from __future__ import annotations

from typing import Any

import tantivy

from spice.adapters.embedded.tantivy_query import QueryBuilder, hit_of, sort_bucket_value
from spice.application.search.query import SearchHit, SearchQuery

ASC = tantivy.Order.Asc


def count_of(result: tantivy.SearchResult) -> int:
    """The match count Tantivy reports (missing from its type stubs)."""
    return int(result.count)  # type: ignore[attr-defined]


def _hits(searcher: tantivy.Searcher, result: tantivy.SearchResult, scored: bool) -> list[Any]:
    return [hit_of(searcher.doc(addr), score if scored else None) for score, addr in result.hits]


def ranked(
    searcher: tantivy.Searcher, main: tantivy.Query, q: SearchQuery
) -> tuple[list[SearchHit], int]:
    """By relevance when there is text to rank by, else by key (class, then id)."""
    if q.text:
        result = searcher.search(main, q.limit, count=True, offset=q.offset)
        return _hits(searcher, result, True), count_of(result)
    result = searcher.search(
        main, q.limit, count=True, order_by_field="key", offset=q.offset, order=ASC
    )
    return _hits(searcher, result, False), count_of(result)


def _by_key(
    searcher: tantivy.Searcher, query: tantivy.Query, offset: int, limit: int
) -> list[SearchHit]:
    if limit <= 0:
        return []
    result = searcher.search(
        query, limit, count=False, order_by_field="key", offset=offset, order=ASC
    )
    return _hits(searcher, result, False)


def sorted_page(
    searcher: tantivy.Searcher, builder: QueryBuilder, main: tantivy.Query, q: SearchQuery
) -> tuple[list[SearchHit], int]:
    assert q.sort is not None
    sort = q.sort
    path = f"{'num' if sort.numeric else 'data'}.{sort.field}"
    total = count_of(searcher.search(main, 1, count=True))
    end = min(q.offset + q.limit, total)
    if q.offset >= end:
        return [], total
    spec = {
        "terms": {
            "field": path,
            "size": end,
            "segment_size": end,
            "order": {"_key": "desc" if sort.descending else "asc"},
        }
    }
    buckets = searcher.aggregate(main, {"b": spec})["b"]["buckets"]
    wanted: list[tuple[Any, int, int, int]] = []  # value, offset inside, how many, count
    start = 0
    for bucket in buckets:
        count = int(bucket["doc_count"])
        if start + count > q.offset:
            inside = max(0, q.offset - start)
            wanted.append((bucket["key"], inside, min(count, end - start) - inside, count))
        start += count
        if start >= end:
            break
    singles = [value for value, _, _, count in wanted if count == 1]
    found: dict[Any, SearchHit] = {}
    if singles:
        query = builder.both(main, tantivy.Query.term_set_query(builder.schema, path, singles))
        result = searcher.search(query, len(singles), count=False)
        for hit in _hits(searcher, result, False):
            found[sort_bucket_value(hit.data, sort.field, sort.numeric)] = hit
    page: list[SearchHit] = []
    for value, inside, n, count in wanted:
        if count == 1:
            if value in found:
                page.append(found[value])
            continue
        page.extend(_by_key(searcher, builder.both(main, builder.term(path, value)), inside, n))
    if start < end:  # the values ran out: documents without one follow
        missing = builder.minus(main, builder.exists(path))
        page.extend(
            _by_key(searcher, missing, max(0, q.offset - start), end - max(start, q.offset))
        )
    return page, total
