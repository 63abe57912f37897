"""The write side of the search index port, on Tantivy and OpenSearch: batches and
checkpoints, removals, dropped databases, generations that readers only see once activated,
and (OpenSearch) versions that refuse stale writes and a server that is away.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex
from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.application.ports.search import IndexChange, SearchIndex
from spice.application.search.query import SearchHit, SearchQuery
from spice.domain.errors import Unavailable
from tests.services import drop_opensearch_prefix, opensearch_prefix_url


@pytest.fixture(params=["tantivy", "opensearch"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "tantivy":
        tantivy = TantivySearchIndex(tmp_path / "search")
        yield tantivy
        tantivy.close()
        return
    url = opensearch_prefix_url()
    opensearch = OpenSearchSearchIndex(url)
    try:
        yield opensearch
    finally:
        opensearch.close()
        drop_opensearch_prefix(url)


def put(db: str, cls: str, iid: str, seq: int, **data: Any) -> IndexChange:
    return IndexChange(db, "main", cls, iid, SearchHit(cls, iid, seq, seq, 0.0, data), seq)


def gone(db: str, cls: str, iid: str, seq: int) -> IndexChange:
    return IndexChange(db, "main", cls, iid, None, seq)


def state(index: SearchIndex, db: str = "db") -> dict[str, tuple[int, dict[str, Any]]]:
    page = index.search(SearchQuery(db, "main", limit=1000))
    return {hit.key: (hit.seq, hit.data) for hit in page.hits}


def test_a_batch_is_searchable_with_its_checkpoint_and_a_replay_changes_nothing(
    index: SearchIndex,
) -> None:
    gen = index.active_generation()
    batch = [put("db", "Order", "o1", 1, name="서울"), put("db", "Order", "o2", 1, name="부산")]
    index.write(gen, batch, [], 5)
    assert index.checkpoint() == 5
    assert state(index) == {"Order/o1": (1, {"name": "서울"}), "Order/o2": (1, {"name": "부산"})}
    index.write(gen, batch, [], 5)
    assert index.search(SearchQuery("db", "main")).total == 2
    assert index.lookup(gen, "db", "main", ["Order/o1", "Order/zz"]).keys() == {"Order/o1"}


def test_updates_replace_and_removals_remove(index: SearchIndex) -> None:
    gen = index.active_generation()
    index.write(gen, [put("db", "Order", "o1", 1, n=1), put("db", "Order", "o2", 1, n=2)], [], 2)
    index.write(gen, [put("db", "Order", "o1", 2, n=10), gone("db", "Order", "o2", 2)], [], 4)
    assert state(index) == {"Order/o1": (2, {"n": 10})}
    assert index.fetch("db", "main", ["Order/o2"]) == {}
    assert index.checkpoint() == 4


def test_a_dropped_database_loses_its_indexes_and_others_keep_theirs(index: SearchIndex) -> None:
    gen = index.active_generation()
    index.write(gen, [put("a", "T", "1", 1), put("b", "T", "1", 1)], [], 2)
    index.write(gen, [], ["a"], 3)
    assert state(index, "a") == {}
    assert state(index, "b").keys() == {"T/1"}
    assert index.health()["ok"] is True


def test_a_new_generation_is_seen_only_once_activated(index: SearchIndex) -> None:
    old = index.active_generation()
    index.write(old, [put("db", "T", "old", 1)], [], 1)
    new = index.new_generation()
    index.write(new, [put("db", "T", "new", 1), put("other", "T", "x", 1)], [], 7)
    assert state(index).keys() == {"T/old"}
    assert index.checkpoint() == 1 and index.checkpoint(new) == 7
    assert set(index.generations()) == {old, new}
    index.activate(new)
    assert index.active_generation() == new
    assert state(index).keys() == {"T/new"}
    assert state(index, "other").keys() == {"T/x"}
    index.drop_generation(old)
    assert index.generations() == [new]
    assert index.checkpoint() == 7
    index.drop_generation(new)  # the active one stays
    assert index.generations() == [new]


def test_opensearch_refuses_an_older_version_of_an_instance() -> None:
    """A write replayed out of order (an older sequence after a newer) changes nothing."""
    url = opensearch_prefix_url()
    index = OpenSearchSearchIndex(url)
    try:
        gen = index.active_generation()
        index.write(gen, [put("db", "T", "1", 3, v="new")], [], 3)
        index.write(gen, [put("db", "T", "1", 2, v="old")], [], 4)
        index.write(gen, [gone("db", "T", "1", 1)], [], 5)
        assert state(index) == {"T/1": (3, {"v": "new"})}
        assert index.health()["ok"] is True  # refused versions are not damage
    finally:
        index.close()
        drop_opensearch_prefix(url)


def test_opensearch_index_deleted_behind_its_back_is_reported() -> None:
    url = opensearch_prefix_url()
    index = OpenSearchSearchIndex(url)
    try:
        index.write(index.active_generation(), [put("db", "T", "1", 1)], [], 1)
        index._delete_index(index._index(index.active_generation(), "db", "main"))
        with pytest.raises(Unavailable, match="missing"):
            index.search(SearchQuery("db", "main"))
        health = index.health()
        assert health["ok"] is False and "missing" in str(health["reason"])
        assert index.search(SearchQuery("never", "main")).total == 0
        # Later writes skip it (no index made on the fly) and mark it damaged; others go on.
        gen = index.active_generation()
        index.write(gen, [put("db", "T", "2", 1), put("other", "T", "1", 1)], [], 2)
        assert index.checkpoint() == 2
        assert state(index, "other").keys() == {"T/1"}
        with pytest.raises(Unavailable, match="missed changes"):
            index.search(SearchQuery("db", "main"))
        assert not index._client.indices.exists(index=index._index(gen, "db", "main"))
    finally:
        index.close()
        drop_opensearch_prefix(url)


def test_opensearch_that_cannot_be_reached_raises_unavailable() -> None:
    index = OpenSearchSearchIndex("opensearch://127.0.0.1:9?prefix=away&timeout=2")
    try:
        with pytest.raises(Unavailable):
            index.search(SearchQuery("db", "main"))
        with pytest.raises(Unavailable):
            index.checkpoint()
        with pytest.raises(Unavailable):
            index.write("g1", [put("db", "T", "1", 1)], [], 1)
        assert index.health()["ok"] is False
    finally:
        index.close()


def test_opensearch_state_deleted_behind_its_back_is_made_again() -> None:
    url = opensearch_prefix_url()
    index = OpenSearchSearchIndex(url)
    try:
        index.write(index.active_generation(), [put("db", "T", "1", 1)], [], 1)
        index._delete_index(f"{index.prefix}-meta")
        with pytest.raises(Unavailable, match="state is missing"):
            index.search(SearchQuery("db", "main"))
        assert index.checkpoint() == 0  # a fresh state: the projector starts again
        index.write(index.active_generation(), [put("db", "T", "1", 1)], [], 1)
        assert state(index).keys() == {"T/1"}
    finally:
        index.close()
        drop_opensearch_prefix(url)


@pytest.fixture
def two_processes() -> Iterator[tuple[OpenSearchSearchIndex, OpenSearchSearchIndex]]:
    """Two adapters on one prefix, as two processes would hold it: neither sees the other's
    memory, only what reaches OpenSearch."""
    url = opensearch_prefix_url()
    first, second = OpenSearchSearchIndex(url), OpenSearchSearchIndex(url)
    try:
        yield first, second
    finally:
        first.close()
        second.close()
        drop_opensearch_prefix(url)


def test_opensearch_writer_sees_a_generation_activated_by_another_process(
    two_processes: tuple[OpenSearchSearchIndex, OpenSearchSearchIndex],
) -> None:
    live, rebuilder = two_processes
    old, start = live.writing_position()
    assert start == 0
    live.write(old, [put("db", "T", "1", 1)], [], 1)
    assert live.writing_position() == (old, 1)
    new = rebuilder.new_generation()
    rebuilder.write(new, [put("db", "T", "1", 1), put("db", "T", "2", 1)], [], 9)
    rebuilder.activate(new)
    # The live writer still holds the old generation; its write there is refused as a whole
    # and it reads the state again.
    with pytest.raises(Unavailable, match="changed by another process"):
        live.write(old, [put("db", "T", "3", 1)], [], 10)
    assert live.writing_position() == (new, 9)
    live.write(new, [put("db", "T", "3", 1)], [], 10)
    assert rebuilder.checkpoint() == 10
    assert state(rebuilder).keys() == {"T/1", "T/2", "T/3"}


def test_opensearch_writer_of_a_generation_dropped_elsewhere_is_refused(
    two_processes: tuple[OpenSearchSearchIndex, OpenSearchSearchIndex],
) -> None:
    builder, operator = two_processes
    building = builder.new_generation()
    builder.write(building, [put("db", "T", "1", 1)], [], 1)
    operator.drop_generation(building)
    with pytest.raises(Unavailable):
        builder.write(building, [put("db", "T", "2", 1)], [], 2)
    with pytest.raises(Unavailable, match="dropped"):
        builder.write(building, [put("db", "T", "2", 1)], [], 2)
    assert builder.generations() == [builder.active_generation()]


def test_opensearch_second_projector_writing_the_same_generation_is_refused(
    two_processes: tuple[OpenSearchSearchIndex, OpenSearchSearchIndex],
) -> None:
    """Two processes that both believe they project (a lost lease, say) cannot both record
    checkpoints from what each last saw: the second write of the generation is refused."""
    first, second = two_processes
    generation, _ = first.writing_position()
    assert second.writing_position() == (generation, 0)
    first.write(generation, [put("db", "T", "1", 1)], [], 4)
    with pytest.raises(Unavailable, match="changed by another process"):
        second.write(generation, [put("db", "T", "2", 1)], [], 3)
    assert second.writing_position() == (generation, 4)
    assert first.checkpoint() == 4


def _requests(index: OpenSearchSearchIndex) -> list[str]:
    """The requests the adapter sends from now on, as `METHOD path`."""
    sent: list[str] = []
    transport = index._client.transport
    perform = transport.perform_request

    def counted(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(f"{method} {url}")
        return perform(method, url, *args, **kwargs)

    transport.perform_request = counted  # type: ignore[method-assign]
    return sent


def test_opensearch_projector_step_asks_nothing_of_the_state_it_wrote() -> None:
    """A step of new instances is the index check, the bulk and the checkpoint write: the
    state and the generation are not read again."""
    url = opensearch_prefix_url()
    index = OpenSearchSearchIndex(url)
    try:
        generation, _ = index.writing_position()
        index.write(generation, [put("db", "T", "1", 1)], [], 1)  # makes the branch index
        sent = _requests(index)
        assert index.writing_position() == (generation, 1)
        index.write(generation, [put("db", "T", "2", 1), put("db", "T", "3", 1)], [], 3)
        assert [r.split()[0] for r in sent] == ["HEAD", "POST", "PUT"], sent
        assert "_bulk" in sent[1] and "gen-" in sent[2]
        assert index.checkpoint() == 3
    finally:
        index.close()
        drop_opensearch_prefix(url)
