"""The search port: every index (Tantivy, OpenSearch) must answer every query exactly as
the reference scan does.

The scan over the document store is the written-down semantics (filters, sorts, facets,
paging); each index is checked against it on one mixed dataset, query by query.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex
from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.adapters.memory.documents import InMemoryDocumentStore
from spice.application.ports.documents import KIND_CLASS, KIND_INSTANCE, DocKey, Document
from spice.application.ports.search import IndexChange
from spice.application.search.query import SearchHit, SearchQuery, SortKey
from spice.application.search.scan import DocumentScanSearch
from tests.services import drop_opensearch_prefix, opensearch_prefix_url

WORDS = [
    "서울",
    "부산",
    "물류센터",
    "창고",
    "Seoul",
    "Busan",
    "warehouse",
    "北京",
    "東京駅",
    "alpha",
]
STATUSES = ["new", "shipped", "delivered", "returned"]


def _row(rng: random.Random, i: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": " ".join(rng.sample(WORDS, 2)) + f" {i}",
        "status": rng.choice(STATUSES),
        "qty": rng.randint(-5, 50),
        "weight": round(rng.uniform(0, 100), 2),
        "price": f"{rng.randint(0, 999)}.{rng.randint(0, 99):02d}",
        "shipped_on": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "fragile": rng.random() < 0.3,
        "tags": rng.sample(["a", "b", "c", "d"], rng.randint(0, 3)),
        "money": {"amount": str(rng.randint(1, 500)), "currency": rng.choice(["KRW", "USD"])},
        "at": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:00:00Z",
        "lines": [{"qty": rng.randint(0, 20), "sku": f"s{rng.randint(0, 5)}"} for _ in range(2)],
    }
    for name in ("qty", "weight", "shipped_on", "status"):
        if rng.random() < 0.1:
            del row[name]  # some values are missing
    return row


@pytest.fixture(scope="module", params=["tantivy", "opensearch"])
def backends(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, Any]]:
    if request.param == "tantivy":
        yield _loaded(TantivySearchIndex(Path(tmp_path_factory.mktemp("search"))))
        return
    url = opensearch_prefix_url()
    index = OpenSearchSearchIndex(url)
    try:
        yield _loaded(index)
    finally:
        index.close()
        drop_opensearch_prefix(url)


def _loaded(index: Any) -> tuple[Any, Any]:
    rng = random.Random(7)
    documents = InMemoryDocumentStore()
    changes = []
    with documents.unit_of_work() as uow:
        for cls in ("Order", "Parcel", "Return"):  # a scan of every class lists them
            body = {"id": cls, "data": {"id": cls}, "_meta": {}}
            uow.put(Document(DocKey(KIND_CLASS, "db", "main", cls), 1, False, 0, body))
        for i in range(400):
            cls = ["Order", "Parcel", "Return"][i % 3]
            iid = f"id{rng.randint(0, 10**6):07d}_{i}"
            data = _row(rng, i)
            key = DocKey(KIND_INSTANCE, "db", "main", cls, iid)
            body = {"id": iid, "data": data, "_meta": {"indexed_at": "2024-01-01T00:00:00Z"}}
            uow.put(Document(key, 1, False, i + 1, body))
            changes.append(
                IndexChange("db", "main", cls, iid, SearchHit(cls, iid, 1, i + 1, 0, data))
            )
    # Written in three batches so the index has several segments.
    for start in range(0, len(changes), 150):
        index.write(index.active_generation(), changes[start : start + 150], [], start + 150)
    return index, DocumentScanSearch(documents)


FILTERS: list[Any] = [
    None,
    ("term", "status", "shipped"),
    ("term", "fragile", True),
    ("term", "qty", 7),
    ("term", "money.currency", "KRW"),
    ("term", "class", "Parcel"),
    ("in", "status", ["new", "returned"]),
    ("in", "tags", ["a", "d"]),
    ("range", "qty", {"gte": 10, "lt": 20}),
    ("range", "weight", {"gt": 50.5}),
    ("range", "price", {"lte": "100.50"}),
    ("range", "shipped_on", {"gte": "2024-06-01", "lte": "2024-08-31"}),
    ("range", "money.amount", {"gt": 250}),
    ("exists", "qty"),
    ("not", ("exists", "status")),
    ("and", [("term", "status", "delivered"), ("range", "qty", {"gt": 0})]),
    ("or", [("term", "fragile", True), ("term", "status", "new")]),
    ("not", ("or", [("term", "class", "Order"), ("range", "weight", {"lt": 30})])),
    ("term", "at", "2024-05-12T03:00:00Z"),
    ("range", "at", {"gte": "2024-06-01T00:00:00Z", "lt": "2024-08-15T00:00:00+09:00"}),
    ("range", "lines.qty", {"gte": 18}),
    ("term", "lines.sku", "s3"),
]
SORTS = [
    None,
    SortKey("qty", False, True),
    SortKey("qty", True, True),
    SortKey("weight", True, True),
    SortKey("price", False, True),
    SortKey("shipped_on", False, True),
    SortKey("status", False, False),
    SortKey("status", True, False),
    SortKey("name", False, False),
    SortKey("money.amount", True, True),
    SortKey("at", True, True),
    SortKey("fragile", False, True),
]


def _keys(page: Any) -> list[str]:
    return [h.key for h in page.hits]


@pytest.mark.parametrize("flt", FILTERS, ids=[str(f)[:60] for f in FILTERS])
def test_filters_match_the_reference(backends: Any, flt: Any) -> None:
    index, scan = backends
    q = SearchQuery("db", "main", filter=flt, limit=1000)
    got, want = index.search(q), scan.search(q)
    assert got.total == want.total
    assert _keys(got) == _keys(want)
    assert [h.data for h in got.hits] == [h.data for h in want.hits]  # stored verbatim


@pytest.mark.parametrize("sort", SORTS, ids=[str(s) for s in SORTS])
@pytest.mark.parametrize("window", [(0, 25), (17, 40), (380, 50)])
def test_sorted_pages_match_the_reference(backends: Any, sort: Any, window: Any) -> None:
    index, scan = backends
    q = SearchQuery("db", "main", sort=sort, offset=window[0], limit=window[1])
    got, want = index.search(q), scan.search(q)
    assert got.total == want.total == 400
    assert _keys(got) == _keys(want)


def test_sorted_and_filtered_with_a_class_scope(backends: Any) -> None:
    index, scan = backends
    q = SearchQuery(
        "db",
        "main",
        classes=("Order", "Return"),
        filter=("exists", "qty"),
        sort=SortKey("qty", True, True),
        offset=5,
        limit=30,
    )
    assert _keys(index.search(q)) == _keys(scan.search(q))


@pytest.mark.parametrize(
    "text", ["서울", "물류", "센터", "seoul", "WAREHOUSE", "東京", "北京 alpha", "없는말"]
)
def test_full_text_matches_the_reference(backends: Any, text: str) -> None:
    index, scan = backends
    q = SearchQuery("db", "main", text=text, limit=1000)
    got, want = index.search(q), scan.search(q)
    assert got.total == want.total
    assert sorted(_keys(got)) == sorted(_keys(want))


def test_full_text_finds_cjk_inside_words_and_highlights(backends: Any) -> None:
    index, _ = backends
    page = index.search(SearchQuery("db", "main", text="센터", limit=5))
    assert page.total > 0
    for hit in page.hits:
        assert "물류센터" in hit.data["name"]
        assert any("<em>센터</em>" in s for s in hit.highlights["name"])


@pytest.mark.parametrize("facet", ["class", "status", "fragile", "tags", "money.currency"])
def test_facets_match_the_reference(backends: Any, facet: str) -> None:
    index, scan = backends
    q = SearchQuery(
        "db", "main", filter=("range", "qty", {"gte": 5}), facets=(facet,), facet_size=100
    )
    got, want = index.search(q), scan.search(q)

    def counts(page: Any) -> dict[str, int]:
        return {str(b["value"]).lower(): b["count"] for b in page.facets[facet]}

    assert counts(got) == counts(want)
    assert sum(counts(want).values()) > 0


def test_fetch_returns_indexed_state_and_skips_unknown_keys(backends: Any) -> None:
    index, scan = backends
    first = index.search(SearchQuery("db", "main", limit=2)).hits
    keys = [h.key for h in first] + ["Order/nope"]
    got, want = index.fetch("db", "main", keys), scan.fetch("db", "main", keys)
    assert set(got) == set(want) == {h.key for h in first}
    assert all(got[k].data == want[k].data for k in got)


def test_an_unknown_branch_has_no_hits(backends: Any) -> None:
    index, _ = backends
    page = index.search(SearchQuery("db", "other", facets=("class",)))
    assert page.total == 0 and page.hits == [] and page.facets == {"class": []}
