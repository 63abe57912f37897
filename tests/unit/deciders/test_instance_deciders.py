"""Deciders of the Instance aggregate, with the unique values they claim and release."""

from __future__ import annotations

import pytest

from spice.domain import commands as c
from spice.domain.errors import ConcurrencyConflict, Conflict, NotFound, ValidationFailed
from spice.domain.events import (
    InstanceCreated,
    InstanceDeleted,
    InstanceUpdated,
    UniqueValueClaimed,
    UniqueValueReleased,
)
from tests.unit.deciders.support import (
    CUSTOMER,
    ORDER,
    Log,
    create_class,
    customer,
    database,
    events_of,
)


@pytest.fixture
def log() -> Log:
    log = Log()
    log.given(database(), create_class(CUSTOMER), create_class(ORDER))
    return log


def _update(iid: str, expected_seq: int | None = None, **data: object) -> c.UpdateInstance:
    return c.UpdateInstance(
        database="shop", class_id="Customer", instance_id=iid, data=data, expected_seq=expected_seq
    )


def test_create_takes_its_id_from_the_key_and_claims_unique_values(log: Log) -> None:
    decision = log.decide(customer("c1", email="Kim@Example.com"))
    created, claimed = events_of(decision)
    assert created == InstanceCreated(
        "Customer", "c1", {"customer_id": "c1", "name": "Kim", "email": "kim@example.com"}
    )
    assert claimed == UniqueValueClaimed("Customer", "email", "kim@example.com", "Customer/c1")
    assert decision.changes[0].aggregate_id == "inst:shop:main:Customer:c1"


def test_create_refuses_bad_values_with_one_error_per_field(log: Log) -> None:
    with pytest.raises(ValidationFailed) as info:
        log.decide(c.CreateInstance(database="shop", class_id="Customer", data={"email": "x"}))
    assert sorted(e["path"] for e in info.value.errors) == ["customer_id", "email", "name"]


def test_a_unique_value_held_by_another_instance_is_a_conflict(log: Log) -> None:
    log.given(customer("c1", email="a@example.com"))
    with pytest.raises(Conflict) as info:
        log.decide(customer("c2", email="a@example.com"))
    assert info.value.details["conflicts"][0]["held_by"] == "Customer/c1"


def test_a_link_must_name_a_live_instance(log: Log) -> None:
    order = c.CreateInstance(
        database="shop", class_id="Order", data={"order_id": "o1", "placed_by": "Customer/c9"}
    )
    with pytest.raises(ValidationFailed) as info:
        log.decide(order)
    assert info.value.errors[0]["code"] == "link_target_not_found"
    log.given(customer("c9"))
    assert isinstance(events_of(log.decide(order))[0], InstanceCreated)


def test_update_moves_a_unique_claim_and_checks_the_sequence(log: Log) -> None:
    log.given(customer("c1", email="a@example.com"))
    with pytest.raises(ConcurrencyConflict):
        log.decide(_update("c1", expected_seq=3, email="b@example.com"))
    updated, released, claimed = events_of(
        log.decide(_update("c1", expected_seq=1, email="b@example.com"))
    )
    assert updated == InstanceUpdated("Customer", "c1", {"email": "b@example.com"})
    assert released == UniqueValueReleased("Customer", "email", "a@example.com", "Customer/c1")
    assert claimed == UniqueValueClaimed("Customer", "email", "b@example.com", "Customer/c1")


def test_an_update_that_changes_nothing_decides_no_event(log: Log) -> None:
    log.given(customer("c1"))
    decision = log.decide(_update("c1", name="Kim"))
    assert decision.changes == []
    assert decision.result["sequence_number"] == 1


def test_the_key_cannot_change(log: Log) -> None:
    log.given(customer("c1"))
    with pytest.raises(ValidationFailed, match="primary key"):
        log.decide(_update("c1", customer_id="c2"))


def test_delete_releases_claims_and_is_final(log: Log) -> None:
    log.given(customer("c1", email="a@example.com"))
    delete = c.DeleteInstance(database="shop", class_id="Customer", instance_id="c1")
    deleted, released = events_of(log.decide(delete))
    assert deleted == InstanceDeleted("Customer", "c1")
    assert isinstance(released, UniqueValueReleased)
    log.given(delete)
    with pytest.raises(NotFound, match="deleted"):
        log.decide(delete)
    with pytest.raises(Conflict, match="deleted"):
        log.decide(customer("c1"))
    # The released value is free for another instance.
    assert isinstance(
        events_of(log.decide(customer("c2", email="a@example.com")))[1], UniqueValueClaimed
    )


def test_bulk_create_reports_every_bad_row_and_duplicate_ids(log: Log) -> None:
    rows = [
        {"customer_id": "c1", "name": "A"},
        {"customer_id": "c1", "name": "B"},
        {"customer_id": "c3"},
    ]
    with pytest.raises(ValidationFailed) as info:
        log.decide(c.BulkCreateInstances(database="shop", class_id="Customer", instances=rows))
    assert {(e["path"], e["code"]) for e in info.value.errors} == {
        ("instances[1]", "duplicate_id"),
        ("instances[2].name", "required"),
    }


def test_bulk_create_may_link_rows_of_the_same_command(log: Log) -> None:
    rows = [{"customer_id": "c1", "name": "A"}, {"customer_id": "c2", "name": "B"}]
    decision = log.decide(
        c.BulkCreateInstances(database="shop", class_id="Customer", instances=rows)
    )
    assert [e.instance_id for e in events_of(decision) if isinstance(e, InstanceCreated)] == [
        "c1",
        "c2",
    ]
