"""Deciders of the Database aggregate."""

from __future__ import annotations

import pytest

from spice.domain import commands as c
from spice.domain.errors import ConcurrencyConflict, Conflict, NotFound, ValidationFailed
from spice.domain.events import BranchCreated, DatabaseCreated, DatabaseDeleted
from tests.unit.deciders.support import Log, database, events_of


def test_a_database_is_created_with_its_main_branch() -> None:
    decision = Log().decide(c.CreateDatabase(database="shop", name="shop", description="d"))
    assert events_of(decision) == [
        DatabaseCreated("shop", "d"),
        BranchCreated("shop", "main", None, None),
    ]
    assert [(ch.aggregate_id, ch.seq) for ch in decision.changes] == [
        ("db:shop", 1),
        ("branch:shop:main", 1),
    ]


@pytest.mark.parametrize("name", ["", "1abc", "has space", "x" * 64])
def test_a_bad_name_is_refused(name: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        Log().decide(c.CreateDatabase(database=name, name=name))
    assert info.value.errors[0]["path"] == "name"


def test_a_description_must_be_text() -> None:
    command = c.CreateDatabase(database="shop", name="shop", description=3)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Log().decide(command)


def test_a_name_is_taken_even_after_deletion() -> None:
    log = Log()
    log.given(database())
    with pytest.raises(Conflict, match="already exists"):
        log.decide(database())
    log.given(c.DeleteDatabase(database="shop", name="shop"))
    with pytest.raises(Conflict, match="deleted"):
        log.decide(database())


def test_delete_checks_the_expected_sequence() -> None:
    log = Log()
    log.given(database())
    with pytest.raises(ConcurrencyConflict) as info:
        log.decide(c.DeleteDatabase(database="shop", name="shop", expected_seq=5))
    assert (info.value.expected_seq, info.value.actual_seq) == (5, 1)
    decision = log.decide(c.DeleteDatabase(database="shop", name="shop", expected_seq=1))
    assert events_of(decision) == [DatabaseDeleted("shop")]
    assert decision.changes[0].seq == 2


def test_deleting_a_missing_database_is_not_found() -> None:
    with pytest.raises(NotFound):
        Log().decide(c.DeleteDatabase(database="nowhere", name="nowhere"))
