"""The document read model's contract for versions, reads as of a position and branch
overlays (the rule in `spice.application.overlay`, over each adapter's levels), run
against every adapter."""

from __future__ import annotations

import pytest

from spice.application.overlay import pages
from spice.application.overlay.store import DocumentStore
from spice.application.ports.documents import (
    KIND_BRANCH,
    KIND_CLASS,
    KIND_INSTANCE,
    DocKey,
    Document,
)
from tests.contract.test_documents import doc, ids, instance, put_all


def _alice(seq: int, position: int, deleted: bool = False, branch: str = "main") -> Document:
    return instance(
        "shop",
        branch,
        "Customer",
        "alice",
        seq=seq,
        position=position,
        deleted=deleted,
        data={"v": seq},
    )


def _branch_doc(name: str, parent: str, fork: int) -> Document:
    data = {"database": "shop", "name": name, "from_branch": parent, "fork_position": fork}
    return doc(DocKey(KIND_BRANCH, "shop", name), data=data)


def test_reads_as_of_a_position_see_the_version_current_then(
    document_store: DocumentStore,
) -> None:
    for version in (_alice(1, 5), _alice(2, 8), _alice(3, 12, deleted=True)):
        put_all(document_store, version)  # each in its own unit, like separate batches
    key = _alice(1, 5).key
    seen = {
        at: (found.seq if (found := document_store.get(key, True, at)) else None)
        for at in (4, 5, 7, 8, 11, 12, None)
    }
    assert seen == {4: None, 5: 1, 7: 1, 8: 2, 11: 2, 12: 3, None: 3}
    for at, expected in ((4, 0), (5, 1), (8, 1), (11, 1), (12, 0)):
        docs, total = document_store.list(KIND_INSTANCE, "shop", "main", "Customer", as_of=at)
        assert (len(docs), total) == (expected, expected), at
    assert document_store.instance_versions("shop", "main", [("Customer", "alice")], 8) == {
        ("Customer", "alice"): (2, False)
    }


def test_versions_written_in_one_unit_are_kept(document_store: DocumentStore) -> None:
    put_all(document_store, _alice(1, 5), _alice(2, 8), _alice(3, 12))
    assert [document_store.get(_alice(1, 5).key, as_of=at).seq for at in (5, 8, 12)] == [1, 2, 3]


def test_a_branch_overlays_its_own_documents_on_its_parent_as_of_the_fork(
    document_store: DocumentStore,
) -> None:
    bob = instance("shop", "main", "Customer", "bob", seq=1, position=3)
    put_all(document_store, _branch_doc("b", "main", 6), _branch_doc("c", "b", 9))
    put_all(document_store, bob, _alice(1, 5), _alice(2, 8))  # alice v2 after b's fork
    gone = instance("shop", "b", "Customer", "bob", seq=2, position=7, deleted=True)
    cara = instance("shop", "b", "Customer", "cara", seq=1, position=8)
    put_all(document_store, gone, cara, _alice(2, 10, branch="b"))  # alice on b after c forked
    put_all(document_store, instance("shop", "c", "Customer", "dan", seq=1, position=11))

    def view(branch: str, at: int | None = None) -> list[tuple[str, int]]:
        docs, total = document_store.list(KIND_INSTANCE, "shop", branch, "Customer", as_of=at)
        assert total == len(docs)
        assert all(d.key.branch == branch for d in docs)
        return [(d.key.id, d.seq) for d in docs]

    assert view("main") == [("alice", 2), ("bob", 1)]
    assert view("b") == [("alice", 2), ("cara", 1)]  # bob deleted on b; alice v2 is b's own
    assert view("b", 9) == [("alice", 1), ("cara", 1)]
    assert view("c") == [("alice", 1), ("cara", 1), ("dan", 1)]
    assert view("b", 6) == [("alice", 1), ("bob", 1)]
    tomb = document_store.get(DocKey(KIND_INSTANCE, "shop", "b", "Customer", "bob"), True)
    assert tomb is not None and tomb.deleted
    assert document_store.get(DocKey(KIND_INSTANCE, "shop", "b", "Customer", "bob")) is None
    assert document_store.instance_refs("shop", "c", ["Customer"], ("Customer", "alice"), 5) == [
        ("Customer", "cara"),
        ("Customer", "dan"),
    ]


def test_every_page_of_a_branch_merges_its_differences_into_its_parent_in_order(
    document_store: DocumentStore,
) -> None:
    """A branch's pages come from its parent's rows now and the few documents that differ
    (the branch's own, and the parent's since the fork), merged in key order: every page,
    at every offset and size, is the slice of the branch's view."""
    main = [
        instance("shop", "main", "Customer", f"k{i:02d}", seq=1, position=i + 1) for i in range(30)
    ]
    put_all(document_store, *main, _branch_doc("b", "main", 40))
    put_all(
        document_store,
        instance("shop", "main", "Customer", "k05", seq=2, position=41),  # after the fork
        instance("shop", "main", "Customer", "k10", seq=2, position=42, deleted=True),
        instance("shop", "main", "Customer", "k31", seq=1, position=43),
        instance("shop", "main", "Product", "p1", seq=1, position=44),
    )
    put_all(
        document_store,
        instance("shop", "b", "Customer", "k03", seq=2, position=50, deleted=True),
        instance("shop", "b", "Customer", "k07", seq=2, position=51),
        *(
            instance("shop", "b", "Customer", new, seq=1, position=52 + i)
            for i, new in enumerate(["k15a", "a00", "z99", "k29a"])
        ),
    )
    expected = sorted({f"k{i:02d}" for i in range(30)} - {"k03"} | {"k15a", "a00", "z99", "k29a"})
    for limit in (1, 3, 7, 40):
        for offset in range(len(expected) + 2):
            docs, total = document_store.list(KIND_INSTANCE, "shop", "b", "Customer", offset, limit)
            assert (ids(docs), total) == (expected[offset : offset + limit], len(expected))
    docs, total = document_store.list(KIND_INSTANCE, "shop", "b", None, 0, 100)
    assert (ids(docs), total) == (expected, len(expected))  # main's later class is not seen
    seqs = {d.key.id: d.seq for d in docs}
    assert (seqs["k05"], seqs["k07"], seqs["k10"]) == (1, 2, 1)  # as of the fork, and b's own


def test_edges_on_a_branch_and_as_of_follow_their_source_document(
    document_store: DocumentStore,
) -> None:
    put_all(document_store, _branch_doc("b", "main", 6))
    order = instance("shop", "main", "Order", "o1", seq=1, position=2)
    moved = instance("shop", "main", "Order", "o1", seq=2, position=8)
    with document_store.unit_of_work() as uow:
        uow.put(order)
        uow.set_edges("shop", "main", ("Order", "o1"), [("placed_by", "Customer", "c1")], 2)
    with document_store.unit_of_work() as uow:
        uow.put(moved)
        uow.set_edges("shop", "main", ("Order", "o1"), [("placed_by", "Customer", "c2")], 8)

    def targets(branch: str, at: int | None = None, reverse: bool = False) -> list[str]:
        nodes = [("Customer", "c1"), ("Customer", "c2")] if reverse else [("Order", "o1")]
        rows = document_store.edges("shop", branch, nodes, "placed_by", reverse, at)
        return [row[2][1] for row in rows]

    assert targets("main") == ["c2"]
    assert targets("main", 7) == ["c1"]
    assert targets("b") == ["c1"]
    assert targets("b", reverse=True) == ["c1"]
    with document_store.unit_of_work() as uow:
        uow.put(instance("shop", "b", "Order", "o1", seq=2, position=9, deleted=True))
        uow.set_edges("shop", "b", ("Order", "o1"), [], 9)
    assert targets("b") == []
    assert targets("b", reverse=True) == []
    assert targets("b", 8) == ["c1"]


def test_differences_name_what_a_lineage_may_see_otherwise_than_its_base_now(
    document_store: DocumentStore,
) -> None:
    put_all(
        document_store,
        _branch_doc("dev", "main", 5),
        instance("shop", "main", "Customer", "old", position=3),
        instance("shop", "main", "Customer", "new", position=9),
        instance("shop", "main", "Customer", "gone", position=10, deleted=True),
        instance("shop", "main", "Order", "o1", position=11),
        instance("shop", "dev", "Customer", "mine", position=12),
        instance("other", "main", "Customer", "elsewhere", position=13),
    )
    dev = document_store.lineage("shop", "dev")
    found = document_store.differences("shop", dev, ["Customer"], 5, 100)
    assert found == {("Customer", "gone"), ("Customer", "new"), ("Customer", "mine")}
    everything = document_store.differences("shop", dev, ["Customer", "Order"], 0, 100)
    assert everything is not None and len(everything) == 5
    assert document_store.differences("shop", dev, ["Customer", "Order"], 0, 4) is None
    main_then = document_store.lineage("shop", "main", 9)
    assert document_store.differences("shop", main_then, ["Customer"], 9, 100) == {
        ("Customer", "gone")
    }
    assert document_store.differences("shop", dev, [], 0, 100) == set()


def test_a_unit_reads_ahead_documents_of_several_classes_found_or_not(
    document_store: DocumentStore,
) -> None:
    """Read ahead by class: each document is then answered as a plain read answers it,
    whatever its class, branch or kind, and whether it exists or not."""
    stored = [
        *(instance("shop", "main", "Customer", f"c{i}", seq=i + 1) for i in range(600)),
        instance("shop", "main", "Order", "o1"),
        instance("shop", "dev", "Order", "o1", seq=2),
        doc(DocKey(KIND_CLASS, "shop", "main", "", "Order")),
    ]
    put_all(document_store, *stored)
    wanted = [
        *(d.key for d in stored),
        DocKey(KIND_INSTANCE, "shop", "main", "Customer", "missing"),
        DocKey(KIND_INSTANCE, "shop", "main", "Order", "c1"),  # another class's id
        DocKey(KIND_INSTANCE, "other", "main", "Customer", "c1"),
    ]
    with document_store.unit_of_work() as uow:
        uow.prefetch(wanted)
        ahead = [uow.get(key) for key in wanted]
    with document_store.unit_of_work() as uow:
        plain = [uow.get(key) for key in wanted]
    assert ahead == plain
    assert [d.seq if d else None for d in ahead] == [d.seq for d in stored] + [None] * 3


@pytest.mark.parametrize("prefetch", [False, True])
def test_a_document_created_and_changed_in_one_unit_keeps_every_version_and_edge(
    document_store: DocumentStore, prefetch: bool
) -> None:
    """A unit that read ahead knows the order is new (nothing to keep of it yet) and must
    still keep what it wrote itself once the order changes again in the same unit."""
    key = DocKey(KIND_INSTANCE, "shop", "main", "Order", "o1")
    with document_store.unit_of_work() as uow:
        if prefetch:
            uow.prefetch([key, DocKey(KIND_INSTANCE, "shop", "main", "Order", "o2")])
        assert uow.get(key) is None
        for seq, position, customer in ((1, 2, "c1"), (2, 5, "c2"), (3, 8, "c3")):
            uow.put(instance("shop", "main", "Order", "o1", seq=seq, position=position))
            links = [("placed_by", "Customer", customer)]
            uow.set_edges("shop", "main", ("Order", "o1"), links, position)
        assert uow.get(key).seq == 3

    def target(at: int | None) -> list[str]:
        rows = document_store.edges("shop", "main", [("Order", "o1")], "placed_by", False, at)
        return [row[2][1] for row in rows]

    assert [document_store.get(key, as_of=at).seq for at in (2, 5, 8)] == [1, 2, 3]
    assert [target(at) for at in (2, 5, None)] == [["c1"], ["c2"], ["c3"]]


def test_a_stores_whole_overlay_page_answers_what_the_merged_levels_say(
    document_store: DocumentStore,
) -> None:
    """A store may answer a page of a lineage in one query (`LevelView.overlay_page`); it
    must be the page the rule gives by merging the levels, as `pages.page` is."""
    put_all(document_store, _branch_doc("b", "main", 6), _branch_doc("c", "b", 9))
    main = [instance("shop", "main", "Customer", f"m{i}", position=i) for i in range(1, 6)]
    put_all(document_store, *main)
    put_all(document_store, _alice(1, 5), _alice(2, 8))
    put_all(
        document_store,
        instance("shop", "b", "Customer", "m2", seq=2, position=7, deleted=True),
        instance("shop", "b", "Customer", "cara", position=8),
        _alice(2, 10, branch="b"),
    )
    put_all(document_store, instance("shop", "c", "Customer", "m3", seq=2, position=11))
    for branch, at in (("b", None), ("b", 9), ("c", None), ("c", 10), ("main", 7)):
        lineage = document_store.lineage("shop", branch, at)
        with document_store.levels() as view:
            seen = list(pages.live_keys(view, KIND_INSTANCE, "shop", lineage, ["Customer"]))
            for offset, limit in ((0, 100), (1, 2), (3, 10)):
                expected = (seen[offset : offset + limit], len(seen))
                args = (KIND_INSTANCE, "shop", lineage, ["Customer"], offset, limit)
                assert view.overlay_page(*args) in (None, expected), (branch, at)
                assert pages.page(view, *args) == expected, (branch, at)
