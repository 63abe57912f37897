"""The SyncStates contract (connectors' sync states), run against every adapter."""

from __future__ import annotations

from spice.application.ports.sources import SyncState, SyncStates


def test_a_connector_without_a_state_has_none(sync_states: SyncStates) -> None:
    assert sync_states.get("shop", "sheet") is None
    assert sync_states.all() == []


def test_a_state_is_kept_whole_and_replaced(sync_states: SyncStates) -> None:
    state = SyncState("shop", "sheet", last_poll=1.5, attempts=2, last_error="answered 404")
    state.cursor = {"sha256": "ab" * 32, "objects": {"a.csv": "e1"}}
    state.history = [{"at": 1.5, "ok": False, "error": "answered 404"}]
    sync_states.put(state)
    assert sync_states.get("shop", "sheet") == state
    state.attempts, state.last_error = 0, None
    sync_states.put(state)
    found = sync_states.get("shop", "sheet")
    assert found is not None and (found.attempts, found.last_error) == (0, None)


def test_states_are_listed_by_database_and_forgotten(sync_states: SyncStates) -> None:
    for db, name in (("shop", "b"), ("shop", "a"), ("other", "a")):
        sync_states.put(SyncState(db, name))
    assert [(s.database, s.connector) for s in sync_states.all()] == [
        ("other", "a"),
        ("shop", "a"),
        ("shop", "b"),
    ]
    assert [s.connector for s in sync_states.all("shop")] == ["a", "b"]
    sync_states.forget("shop", "a")
    assert sync_states.get("shop", "a") is None
    assert [s.connector for s in sync_states.all("shop")] == ["b"]
