"""Deciders of branches, and writes on a branch: the parent as of the fork plus the branch's
own events, with sequence numbers that go on from the parent's."""

from __future__ import annotations

import dataclasses

import pytest

from spice.domain import commands as c
from spice.domain.aggregates import replay
from spice.domain.deciders import decide
from spice.domain.deciders.base import SNAPSHOT_AFTER, Staged, WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ConcurrencyConflict, Conflict, NotFound, ValidationFailed
from spice.domain.events import BranchCreated, BranchDeleted, InstanceUpdated
from tests.unit.deciders.support import (
    CUSTOMER,
    Log,
    create_class,
    customer,
    database,
    events_of,
)


def _branch(name: str, parent: str = "main", at: int | None = None) -> c.CreateBranch:
    return c.CreateBranch(database="shop", branch=parent, name=name, at_position=at)


def _on(command: c.Command, branch: str) -> c.Command:
    return dataclasses.replace(command, branch=branch)


def _update(iid: str, branch: str, expected_seq: int | None = None, **data: object) -> c.Command:
    return c.UpdateInstance(
        database="shop",
        branch=branch,
        class_id="Customer",
        instance_id=iid,
        data=data,
        expected_seq=expected_seq,
    )


@pytest.fixture
def log() -> Log:
    log = Log()
    log.given(database(), create_class(CUSTOMER), customer("c1", email="a@example.com"))
    return log


def test_a_branch_forks_at_the_head_of_the_log_and_copies_nothing(log: Log) -> None:
    head = log.store.head_position()
    decision = log.decide(_branch("feature/x"))
    assert events_of(decision) == [BranchCreated("shop", "feature/x", "main", head)]
    assert [ch.aggregate_id for ch in decision.changes] == ["branch:shop:feature/x"]


def test_a_branch_at_a_position_outside_the_log_or_from_a_missing_branch_is_refused(
    log: Log,
) -> None:
    with pytest.raises(ValidationFailed):
        log.decide(_branch("x", at=log.store.head_position() + 1))
    with pytest.raises(NotFound):
        log.decide(_branch("x", parent="nope"))
    log.given(_branch("x"))
    with pytest.raises(Conflict):
        log.decide(_branch("x"))


def test_a_branch_sees_the_parent_as_of_the_fork_and_continues_its_sequence(log: Log) -> None:
    log.given(_branch("x"))
    log.given(_update("c1", "main", name="Lee"))  # after the fork: invisible on x
    state = log.model.load("inst:shop:x:Customer:c1")
    assert (state.seq, state.body["name"]) == (1, "Kim")
    with pytest.raises(ConcurrencyConflict):
        log.decide(_update("c1", "x", expected_seq=2, name="Park"))
    decision = log.decide(_update("c1", "x", expected_seq=1, name="Park"))
    assert [(ch.aggregate_id, ch.seq) for ch in decision.changes] == [
        ("inst:shop:x:Customer:c1", 2)
    ]
    assert events_of(decision) == [InstanceUpdated("Customer", "c1", {"name": "Park"})]
    log.given(_update("c1", "x", name="Park"))
    assert log.model.load("inst:shop:x:Customer:c1").body["name"] == "Park"
    assert log.model.load("inst:shop:main:Customer:c1").body["name"] == "Lee"


def test_a_delete_on_a_branch_is_final_there_and_leaves_the_parent(log: Log) -> None:
    log.given(_branch("x"))
    log.given(_on(c.DeleteInstance(database="shop", class_id="Customer", instance_id="c1"), "x"))
    assert log.model.load("inst:shop:x:Customer:c1").deleted
    assert log.model.load("inst:shop:main:Customer:c1").live
    with pytest.raises(Conflict):
        log.decide(_on(customer("c1"), "x"))


def test_unique_values_are_inherited_as_of_the_fork(log: Log) -> None:
    log.given(_branch("x"))
    with pytest.raises(Conflict):
        log.decide(_on(customer("c2", email="a@example.com"), "x"))
    log.given(customer("c3", email="b@example.com"))  # on main after the fork
    log.given(_on(customer("c3", email="b@example.com"), "x"))  # a different c3 on x
    with pytest.raises(Conflict):
        log.decide(customer("c4", email="b@example.com"))


def test_a_branch_of_a_branch_sees_each_parent_as_of_its_own_fork(log: Log) -> None:
    log.given(_branch("a"))
    log.given(_update("c1", "a", name="OnA"), customer("c2"))
    log.given(_branch("b", parent="a"))
    log.given(_update("c1", "a", name="LaterOnA"))
    assert log.model.load("inst:shop:b:Customer:c1").body["name"] == "OnA"
    assert not log.model.load("inst:shop:b:Customer:c2").exists  # main's c2 came after a
    ids = log.model.stream_ids("inst:shop:b:Customer:")
    assert ids == ["inst:shop:b:Customer:c1"]


def test_main_and_a_branch_with_children_cannot_be_deleted(log: Log) -> None:
    with pytest.raises(Conflict):
        log.decide(c.DeleteBranch(database="shop", name="main"))
    log.given(_branch("a"), _branch("b", parent="a"))
    with pytest.raises(Conflict) as info:
        log.decide(c.DeleteBranch(database="shop", name="a"))
    assert info.value.details["children"] == ["b"]
    log.given(c.DeleteBranch(database="shop", name="b"))
    assert events_of(log.decide(c.DeleteBranch(database="shop", name="a"))) == [
        BranchDeleted("shop", "a")
    ]
    with pytest.raises(NotFound):
        log.decide(_on(customer("c9"), "b"))


def test_a_long_stream_is_loaded_from_its_snapshot_and_equals_a_full_replay(log: Log) -> None:
    """The write model keeps the state of long streams, and reads only the events after it;
    the state is the same as a replay of the whole stream, on main and on a branch."""
    for i in range(SNAPSHOT_AFTER + 4):
        log.given(_update("c1", "main", name=f"n{i}"))
    log.given(_branch("x"))
    for i in range(3):
        log.given(_update("c1", "x", name=f"x{i}"))
    reads: list[tuple[str, int]] = []
    store = log.model.store
    original = store.read_stream

    def recorded(aggregate_id: str, from_seq: int = 1) -> list[EventEnvelope]:
        reads.append((aggregate_id, from_seq))
        return list(original(aggregate_id, from_seq))

    for aggregate_id in ("inst:shop:main:Customer:c1", "inst:shop:x:Customer:c1"):
        log.model.load(aggregate_id)  # remembered
        log.given(_update("c1", aggregate_id.split(":")[2], name="later"))
        store.read_stream = recorded  # type: ignore[method-assign]
        try:
            state = log.model.load(aggregate_id)
        finally:
            store.read_stream = original  # type: ignore[method-assign]
        assert all(from_seq > SNAPSHOT_AFTER for _, from_seq in reads)
        full = replay(aggregate_id, WriteModel(store).read_stream(aggregate_id))
        assert state == full and state.body["name"] == "later"
        reads.clear()


def test_a_staged_model_answers_class_checks_once_until_a_class_change_is_staged(
    log: Log,
) -> None:
    staged = Staged(log.model)
    before = staged.effective_class("shop", "main", "Customer")
    assert staged.effective_class("shop", "main", "Customer") is before  # answered once
    with pytest.raises(dataclasses.FrozenInstanceError):  # and so shared, frozen
        before.properties = ()  # type: ignore[misc]
    staged.add(log.decide(customer("c9")).changes)  # instances keep the answers
    assert staged.effective_class("shop", "main", "Customer") is before
    extra = {"name": "tier", "type": "string"}
    wider = {**CUSTOMER, "properties": [*CUSTOMER["properties"], extra]}
    staged.add(decide(staged, c.UpdateClass(database="shop", definition=wider), "x").changes)
    after = staged.effective_class("shop", "main", "Customer")
    assert after is not before and after.properties[-1].name == "tier"


def test_streams_read_together_equal_streams_read_one_by_one(log: Log) -> None:
    log.given(_branch("feature/x"), _update("c1", "feature/x", name="Lee"))
    log.given(customer("c2"), _on(customer("c3"), "feature/x"), _branch("deep", "feature/x"))
    log.given(_update("c1", "deep", name="Park"), _update("c1", "main", name="Main"))
    ids = [
        f"inst:shop:{branch}:Customer:{cid}"
        for branch in ("main", "feature/x", "deep")
        for cid in ("c1", "c2", "c3", "c4")
    ]
    together = log.model.read_streams([*ids, "db:shop", "class:shop:deep:Customer"])
    for aggregate_id in [*ids, "db:shop", "class:shop:deep:Customer"]:
        assert together[aggregate_id] == log.model.read_stream(aggregate_id), aggregate_id
    assert [e.data.get("changes") for e in together["inst:shop:deep:Customer:c1"][1:]] == [
        {"name": "Lee"},
        {"name": "Park"},
    ]
    assert together["inst:shop:deep:Customer:c2"] == []  # created on main after the fork
