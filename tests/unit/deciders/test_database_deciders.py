"""Deciders of the Database aggregate."""

from __future__ import annotations

import pytest

from spice.domain import commands as c
from spice.domain.errors import ConcurrencyConflict, Conflict, NotFound, ValidationFailed
from spice.domain.events import (
    BranchCreated,
    DatabaseCreated,
    DatabaseDeleted,
    DatabasePurged,
    DatabaseRestored,
)
from tests.unit.deciders.support import Log, database, events_of

LATER = "2026-12-04T10:00:00.000000Z"


def delete(**kw: object) -> c.DeleteDatabase:
    return c.DeleteDatabase(database="shop", name="shop", purge_after=LATER, **kw)  # type: ignore[arg-type]


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
    log.given(delete())
    with pytest.raises(Conflict, match="deleted"):
        log.decide(database())
    log.given(c.PurgeDatabase(database="shop", name="shop"))
    with pytest.raises(Conflict, match="deleted"):
        log.decide(database())


def test_delete_checks_the_expected_sequence() -> None:
    log = Log()
    log.given(database())
    with pytest.raises(ConcurrencyConflict) as info:
        log.decide(delete(expected_seq=5))
    assert (info.value.expected_seq, info.value.actual_seq) == (5, 1)
    decision = log.decide(delete(expected_seq=1))
    assert events_of(decision) == [DatabaseDeleted("shop", LATER)]
    assert decision.changes[0].seq == 2
    assert decision.result == {"database": "shop", "purge_after": LATER}


def test_deleting_a_missing_database_is_not_found() -> None:
    with pytest.raises(NotFound):
        Log().decide(c.DeleteDatabase(database="nowhere", name="nowhere", purge_after=LATER))


def test_a_deleted_database_is_restored_until_it_is_purged() -> None:
    log = Log()
    log.given(database())
    restore = c.RestoreDatabase(database="shop", name="shop")
    purge = c.PurgeDatabase(database="shop", name="shop")
    for live in (restore, purge):
        with pytest.raises(Conflict, match="is not deleted"):
            log.decide(live)
    log.given(delete())
    with pytest.raises(NotFound):
        log.decide(delete())  # deleted already
    assert events_of(log.decide(restore)) == [DatabaseRestored("shop")]
    log.given(restore)
    log.decide(delete(expected_seq=3))  # live again: may be deleted again
    log.given(delete())
    assert events_of(log.decide(purge)) == [DatabasePurged("shop")]
    log.given(purge)
    for too_late in (restore, purge):
        with pytest.raises(NotFound, match="purged"):
            log.decide(too_late)


def test_a_database_deleted_before_restores_existed_cannot_be_restored() -> None:
    log = Log()
    log.given(database())
    log.given(c.DeleteDatabase(database="shop", name="shop", purge_after=None))  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="purged"):
        log.decide(c.RestoreDatabase(database="shop", name="shop"))
