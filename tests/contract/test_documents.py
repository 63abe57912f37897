"""The document read model's contract (documents, edges, versions, generations, and the
branch overlay over each adapter's levels), run against every adapter."""

from __future__ import annotations

import contextlib
from dataclasses import astuple

import pytest

from spice.application.overlay.store import DocumentStore
from spice.application.ports.documents import (
    KIND_BRANCH,
    KIND_CLASS,
    KIND_DATABASE,
    KIND_INSTANCE,
    DocKey,
    Document,
)
from spice.application.reads.graph.roots import path_roots


def doc(key: DocKey, seq: int = 1, deleted: bool = False, position: int = 1, **body) -> Document:
    return Document(key, seq, deleted, position, {"id": key.id, **body})


def instance(db: str, branch: str, cls: str, id_: str, **kwargs) -> Document:
    return doc(DocKey(KIND_INSTANCE, db, branch, cls, id_), **kwargs)


def put_all(store: DocumentStore, *docs: Document, checkpoint: int | None = None) -> None:
    with store.unit_of_work() as uow:
        for d in docs:
            uow.put(d)
        if checkpoint is not None:
            uow.set_checkpoint(checkpoint)


def ids(docs: list[Document]) -> list[str]:
    return [d.key.id for d in docs]


# --- unit of work ---------------------------------------------------------------------------


def test_unit_of_work_commits_docs_and_checkpoint(document_store: DocumentStore) -> None:
    alice = instance("shop", "main", "Customer", "alice", name="Alice", tags=["a", "b"])
    assert document_store.checkpoint() == 0
    with document_store.unit_of_work() as uow:
        assert uow.checkpoint() == 0
        uow.put(alice)
        assert uow.get(alice.key) == alice
        uow.set_checkpoint(5)
        assert uow.checkpoint() == 5
    assert document_store.get(alice.key) == alice
    assert document_store.checkpoint() == 5


def test_put_replaces_a_document(document_store: DocumentStore) -> None:
    v1 = instance("shop", "main", "Customer", "alice", name="Alice")
    v2 = instance("shop", "main", "Customer", "alice", seq=2, position=9, name="Alicia")
    put_all(document_store, v1, checkpoint=1)
    put_all(document_store, v2, checkpoint=9)
    assert document_store.get(v1.key) == v2


def test_exception_in_unit_of_work_commits_nothing(document_store: DocumentStore) -> None:
    kept = instance("shop", "main", "Customer", "alice", name="Alice")
    put_all(document_store, doc(DocKey(KIND_DATABASE, "shop")), kept, checkpoint=3)

    with (
        pytest.raises(RuntimeError, match="projection failed"),
        document_store.unit_of_work() as uow,
    ):
        uow.put(instance("shop", "main", "Customer", "bob"))
        uow.put(instance("shop", "main", "Customer", "alice", seq=2, name="Changed"))
        uow.tombstone_database("shop", 9, 9)
        uow.set_checkpoint(9)
        raise RuntimeError("projection failed")

    assert document_store.checkpoint() == 3
    assert document_store.get(kept.key) == kept
    assert document_store.get(DocKey(KIND_INSTANCE, "shop", "main", "Customer", "bob")) is None
    assert [d.key.id for d in document_store.dump()] == ["", "alice"]


# --- reads ----------------------------------------------------------------------------------


@pytest.fixture
def populated(document_store: DocumentStore) -> DocumentStore:
    put_all(
        document_store,
        doc(DocKey(KIND_DATABASE, "shop")),
        doc(DocKey(KIND_BRANCH, "shop", "main")),
        doc(DocKey(KIND_CLASS, "shop", "main", "Customer", "Customer")),
        *(instance("shop", "main", "Customer", f"c{i}") for i in (3, 1, 5, 2, 4)),
        instance("shop", "main", "Customer", "c0", deleted=True),
        instance("shop", "main", "Product", "p1"),
        instance("shop", "dev", "Customer", "d1"),
        instance("other", "main", "Customer", "o1"),
        checkpoint=20,
    )
    return document_store


def test_list_filters_and_orders_by_key(populated: DocumentStore) -> None:
    docs, total = populated.list(KIND_INSTANCE, db="shop", branch="main", cls="Customer")
    assert ids(docs) == ["c1", "c2", "c3", "c4", "c5"]
    assert total == 5
    assert ids(populated.list(KIND_INSTANCE, db="shop", branch="main")[0]) == [
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
        "p1",
    ]
    assert ids(populated.list(KIND_INSTANCE, db="shop", branch="dev")[0]) == ["d1"]
    assert ids(populated.list(KIND_INSTANCE, cls="Customer")[0]) == [
        "o1",
        "d1",
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
    ]
    assert populated.list(KIND_INSTANCE)[1] == 8
    assert populated.list(KIND_CLASS, db="shop")[1] == 1
    assert populated.list(KIND_INSTANCE, db="nope") == ([], 0)


def test_list_pages_with_offset_and_limit(populated: DocumentStore) -> None:
    page, total = populated.list(KIND_INSTANCE, db="shop", cls="Customer", offset=1, limit=2)
    assert ids(page) == ["c1", "c2"]  # shop/dev/d1 sorts first
    assert total == 6
    last, total = populated.list(KIND_INSTANCE, db="shop", cls="Customer", offset=5, limit=2)
    assert ids(last) == ["c5"]
    assert total == 6
    beyond, total = populated.list(KIND_INSTANCE, db="shop", cls="Customer", offset=10)
    assert (beyond, total) == ([], 6)


def test_get_hides_deleted_unless_asked(populated: DocumentStore) -> None:
    key = DocKey(KIND_INSTANCE, "shop", "main", "Customer", "c0")
    assert populated.get(key) is None
    got = populated.get(key, include_deleted=True)
    assert got is not None and got.deleted is True
    missing = DocKey(KIND_INSTANCE, "shop", "main", "Customer", "zz")
    assert populated.get(missing, include_deleted=True) is None


def test_tombstone_database_deletes_all_but_the_database_doc(populated: DocumentStore) -> None:
    with populated.unit_of_work() as uow:
        uow.tombstone_database("shop", 7, 21)
        uow.set_checkpoint(21)
    shop = [d for d in populated.dump() if d.key.db == "shop"]
    assert [d.key.kind for d in shop if not d.deleted] == [KIND_DATABASE]
    assert all(d.position == 21 for d in shop if d.key.kind != KIND_DATABASE and d.key.id != "c0")
    assert populated.get(DocKey(KIND_DATABASE, "shop")) is not None
    assert populated.list(KIND_INSTANCE, db="shop") == ([], 0)
    assert populated.list(KIND_BRANCH, db="shop") == ([], 0)
    assert ids(populated.list(KIND_INSTANCE, db="other")[0]) == ["o1"]
    assert populated.get(DocKey(KIND_CLASS, "shop", "main", "Customer", "Customer")) is None


def test_tombstone_sees_docs_put_in_the_same_unit(document_store: DocumentStore) -> None:
    fresh = instance("shop", "main", "Customer", "new")
    with document_store.unit_of_work() as uow:
        uow.put(fresh)
        uow.tombstone_database("shop", 2, 2)
        staged = uow.get(fresh.key)
        assert staged is not None and staged.deleted
    got = document_store.get(fresh.key, include_deleted=True)
    assert got is not None and got.deleted and got.position == 2


# --- generations ----------------------------------------------------------------------------


def test_new_generation_is_empty_and_inactive(populated: DocumentStore) -> None:
    active = populated.active_generation()
    fresh = populated.new_generation()
    assert fresh != active
    assert populated.active_generation() == active
    assert populated.generations() == [active, fresh]
    assert populated.checkpoint(fresh) == 0
    assert list(populated.dump(fresh)) == []
    assert populated.checkpoint() == 20


def test_activate_switches_reads(populated: DocumentStore) -> None:
    old = populated.active_generation()
    fresh = populated.new_generation()
    rebuilt = instance("shop", "main", "Customer", "rebuilt")
    with populated.unit_of_work(fresh) as uow:
        uow.put(rebuilt)
        uow.set_checkpoint(30)
    assert populated.get(rebuilt.key) is None  # writes to an inactive generation stay hidden
    assert populated.checkpoint(fresh) == 30

    populated.activate(fresh)
    assert populated.active_generation() == fresh
    assert populated.get(rebuilt.key) == rebuilt
    assert populated.checkpoint() == 30
    assert populated.list(KIND_INSTANCE) == ([rebuilt], 1)
    assert populated.checkpoint(old) == 20


def test_drop_generation(populated: DocumentStore) -> None:
    old = populated.active_generation()
    fresh = populated.new_generation()
    populated.activate(fresh)
    populated.drop_generation(fresh)  # the active one: ignored
    assert populated.generations() == [old, fresh]
    assert populated.active_generation() == fresh
    populated.drop_generation(old)
    assert populated.generations() == [fresh]


def test_activating_an_unknown_generation_keeps_the_active_one(
    document_store: DocumentStore,
) -> None:
    active = document_store.active_generation()
    with contextlib.suppress(Exception):
        document_store.activate("g99")
    assert document_store.active_generation() == active


def test_dump_returns_every_doc_in_key_order(document_store: DocumentStore) -> None:
    docs = [
        instance("b", "main", "Z", "1"),
        doc(DocKey(KIND_DATABASE, "b")),
        instance("a", "main", "Z", "2", deleted=True),
        doc(DocKey(KIND_CLASS, "a", "main", "Z", "Z")),
        instance("a", "main", "A", "9"),
        instance("a", "dev", "Z", "1"),
        doc(DocKey(KIND_BRANCH, "a", "main")),
    ]
    put_all(document_store, *docs)
    dumped = list(document_store.dump())
    assert dumped == sorted(docs, key=lambda d: astuple(d.key))
    assert [d.key for d in dumped] == sorted((d.key for d in docs), key=astuple)


def test_unit_of_work_activates_its_generation_with_its_writes(
    populated: DocumentStore,
) -> None:
    fresh = populated.new_generation()
    rebuilt = instance("shop", "main", "Customer", "rebuilt")
    with populated.unit_of_work(fresh) as uow:
        uow.put(rebuilt)
        uow.set_checkpoint(40)
        uow.activate()
    assert populated.active_generation() == fresh
    assert populated.get(rebuilt.key) == rebuilt
    assert populated.checkpoint() == 40


def test_a_failed_unit_of_work_does_not_activate(populated: DocumentStore) -> None:
    active = populated.active_generation()
    fresh = populated.new_generation()
    with contextlib.suppress(RuntimeError), populated.unit_of_work(fresh) as uow:
        uow.activate()
        raise RuntimeError("projection failed")
    assert populated.active_generation() == active


class Walking:
    """A store seen without a path query of its own, so that `path_roots` walks."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    def query_path_roots(self, *_: object) -> None:
        return None

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


@pytest.fixture
def linked(document_store: DocumentStore) -> DocumentStore:
    """Orders o0-o5 placed by customers; c0-c2 live in cities; c3 lives nowhere; city x is
    deleted; order o5 is deleted (so it has no edges)."""
    docs = [instance("db", "main", "City", c) for c in ("seoul", "busan")]
    docs.append(instance("db", "main", "City", "x", deleted=True))
    docs += [instance("db", "main", "Customer", f"c{i}") for i in range(4)]
    docs += [instance("db", "main", "Order", f"o{i}", deleted=i == 5) for i in range(6)]
    put_all(document_store, *docs)
    with document_store.unit_of_work() as uow:
        homes = {"c0": "seoul", "c1": "seoul", "c2": "busan"}
        for customer, city in homes.items():
            uow.set_edges("db", "main", ("Customer", customer), [("lives_in", "City", city)], 1)
        for i in range(5):
            uow.set_edges(
                "db", "main", ("Order", f"o{i}"), [("placed_by", "Customer", f"c{i % 4}")], 1
            )
        uow.set_edges("db", "main", ("Order", "o4"), [("placed_by", "City", "x")], 1)
        uow.set_edges("db", "other", ("Order", "o9"), [("placed_by", "Customer", "c0")], 1)
    return document_store


def test_edges_forward_and_reverse(linked: DocumentStore) -> None:
    out = linked.edges("db", "main", [("Order", "o0"), ("Order", "o4")], "placed_by", False)
    assert out == [
        (("Order", "o0"), "placed_by", ("Customer", "c0")),
        (("Order", "o4"), "placed_by", ("City", "x")),
    ]
    back = linked.edges("db", "main", [("Customer", "c0")], "placed_by", True)
    assert back == [(("Order", "o0"), "placed_by", ("Customer", "c0"))]
    assert linked.instance_versions("db", "main", [("City", "x"), ("City", "nope")]) == {
        ("City", "x"): (1, True)
    }


@pytest.mark.parametrize(
    ("start", "steps", "offset", "limit", "expected"),
    [
        (["Order"], [("placed_by", False, ["Customer"])], 0, 10, ["o0", "o1", "o2", "o3"]),
        (["Order"], [("placed_by", False, ["Customer"])], 1, 2, ["o1", "o2"]),
        (
            ["Order"],
            [("placed_by", False, ["Customer"]), ("lives_in", False, ["City"])],
            0,
            10,
            ["o0", "o1", "o2"],
        ),
        (["Customer"], [("placed_by", True, ["Order"])], 0, 10, ["c0", "c1", "c2", "c3"]),
        (
            ["City"],
            [("lives_in", True, ["Customer"]), ("placed_by", True, ["Order"])],
            0,
            10,
            ["busan", "seoul"],
        ),
        # A deleted city is linked to, but is no start node.
        (["City"], [("placed_by", True, ["Order"])], 0, 10, []),
        (["Order"], [("placed_by", False, ["City"])], 0, 10, ["o4"]),
        # ...and a path may end at the deleted city, but not walk back out of it.
        (["Order"], [("placed_by", False, ["City"]), ("placed_by", True, ["Order"])], 0, 10, []),
    ],
)
def test_path_roots_pages_start_nodes_with_complete_paths(
    linked: DocumentStore, start: list[str], steps: list, offset: int, limit: int, expected: list
) -> None:
    roots = path_roots(linked, "db", "main", start, steps, offset, limit)
    assert [r[1] for r in roots] == expected
    walked = path_roots(Walking(linked), "db", "main", start, steps, offset, limit)
    assert walked == roots  # a store's own query finds what the walk finds
