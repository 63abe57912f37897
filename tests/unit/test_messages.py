"""Commands and events as types: the registry of stored names, round trips of every type,
and upcasting of older shapes on read."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.tracking import CommandTracker
from spice.domain import commands as c
from spice.domain import events as ev
from spice.domain.aggregates import replay
from spice.domain.envelope import EventEnvelope
from spice.domain.events import EVENT_TYPES, UnknownEvent, decode

SAMPLES: list[ev.DomainEvent] = [
    ev.DatabaseCreated("shop", None),
    ev.DatabaseDeleted("shop", "2026-12-04T10:00:00.000000Z"),
    ev.DatabaseRestored("shop"),
    ev.DatabasePurged("shop"),
    ev.BranchCreated("shop", "main", None, None),
    ev.BranchCreated("shop", "feature/x", "main", 7),
    ev.BranchDeleted("shop", "feature/x"),
    ev.BranchMerged("shop", "feature/x", "main", 12, ["c1"]),
    ev.BranchRebased("shop", "feature/x", "main", 30),
    ev.DatabaseSettingsChanged("shop", ["main"], 1),
    ev.DatasetVersionAdded(
        "shop",
        "orders",
        1,
        "ab" * 32,
        "datasets/sha256/" + "ab" * 32,
        "orders.csv",
        "csv",
        120,
        "upload:orders.csv",
        [{"name": "orders", "columns": ["id"], "rows": 3}],
        {"encoding": "utf-8", "delimiter": ","},
    ),
    ev.MappingSaved("shop", "m", 2, {"classes": [], "sources": [{"dataset": "orders"}]}),
    ev.ConnectorSaved(
        "shop",
        "sheet",
        1,
        "google_sheets",
        {"url": "https://docs.google.com/spreadsheets/d/X/edit"},
        "items",
        {"every_seconds": 60},
        None,
    ),
    ev.ConnectorDeleted("shop", "sheet"),
    ev.ProposalOpened("shop", 1, "feature/x", "main", "Ages", None),
    ev.ProposalCommented("looks right"),
    ev.ProposalApproved(None),
    ev.ProposalMerged(40),
    ev.ProposalClosed("not needed"),
    ev.ClassCreated("A", {"id": "A", "title_key": None, "metadata": {}}),
    ev.ClassUpdated("A", {"id": "A", "title_key": None, "metadata": {}}, {"added": []}),
    ev.ClassDeleted("A"),
    ev.InstanceCreated("A", "a1", {"x": 1}),
    ev.InstanceUpdated("A", "a1", {"x": 2}, migration=False),
    ev.InstanceDeleted("A", "a1"),
    ev.InstanceRestored("A", "a1", {"n": 1}),
    ev.UserCreated("kim", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", False),
    ev.UserPasswordChanged("kim", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$bmV3"),
    ev.ApiKeyIssued("0123456789abcdef", "kim", "loader", "sha256:" + "0" * 64),
    ev.ApiKeyRevoked("0123456789abcdef"),
    ev.DatabaseRoleGranted("shop", "kim", "editor"),
    ev.DatabaseRoleRevoked("shop", "kim"),
    ev.UniqueValueClaimed("A", "x", 1, "A/a1"),
    ev.UniqueValueReleased("A", "x", 1, "A/a1"),
    ev.CommandAccepted("CREATE_DATABASE", "shop", "main", {"name": "shop"}, None),
    ev.CommandCompleted({"event_count": 2}),
    ev.CommandFailed({"code": "CONFLICT", "message": "m", "details": {}, "kind": "Conflict"}),
]


def _envelope(event_type: str, data: dict[str, Any], version: int, seq: int = 1) -> EventEnvelope:
    return EventEnvelope(
        event_id=f"e-{event_type}-{seq}",
        event_type=event_type,
        aggregate_type=EVENT_TYPES[event_type].aggregate_type.value,
        aggregate_id="class:shop:main:Old",
        sequence_number=seq,
        occurred_at="2025-01-01T00:00:00Z",
        actor="old-client",
        data=data,
        metadata={"database": "shop", "branch": "main"},
        schema_version=version,
    )


def test_every_event_type_is_registered_once_under_its_stored_name() -> None:
    assert {type(e) for e in SAMPLES} == set(EVENT_TYPES.values())
    assert all(EVENT_TYPES[cls.event_type] is cls for cls in EVENT_TYPES.values())


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_an_event_reads_back_as_it_was_written(event: ev.DomainEvent) -> None:
    envelope = _envelope(event.event_type, event.to_data(), event.schema_version)
    assert decode(envelope) == event


def test_a_version_1_class_definition_is_upcast_on_read_and_never_rewritten() -> None:
    """Definitions written before classes had `title_key` and `metadata` read as if they
    had them unset; the stored event keeps its old shape (and its hash)."""
    old = {"id": "Old", "label": "Old", "properties": [], "relationships": []}
    store = InMemoryEventStore()
    (stored,) = store.append([_envelope("ClassCreated", {"class_id": "Old", "definition": old}, 1)])
    event = decode(stored)
    assert isinstance(event, ev.ClassCreated)
    assert event.definition == {**old, "title_key": None, "metadata": {}}
    (again,) = store.read_stream("class:shop:main:Old")
    assert again.data == {"class_id": "Old", "definition": old}
    assert (again.schema_version, again.hash) == (1, stored.hash)
    assert replay("class:shop:main:Old", [again]).body["metadata"] == {}


def test_a_version_1_instance_update_gets_its_migration_flag() -> None:
    plain = _envelope("InstanceUpdated", {"class_id": "A", "instance_id": "a", "changes": {}}, 1)
    migrated = _envelope(
        "InstanceUpdated",
        {"class_id": "A", "instance_id": "a", "changes": {}, "migration": True},
        1,
    )
    assert decode(plain) == ev.InstanceUpdated("A", "a", {}, migration=False)
    assert decode(migrated) == ev.InstanceUpdated("A", "a", {}, migration=True)


def test_a_version_1_branch_is_main_without_a_fork_point() -> None:
    data = {"database": "shop", "name": "main", "from_branch": None}
    assert decode(_envelope("BranchCreated", data, 1)) == ev.BranchCreated(
        "shop", "main", None, None
    )


def test_a_version_1_database_deletion_was_final_at_once() -> None:
    """Deletions written before they could be restored purge as they always did."""
    fact = decode(_envelope("DatabaseDeleted", {"name": "shop"}, 1))
    assert fact == ev.DatabaseDeleted("shop", None)
    assert ev.purges(fact)
    assert not ev.purges(ev.DatabaseDeleted("shop", "2026-12-04T10:00:00.000000Z"))
    assert ev.purges(ev.DatabasePurged("shop"))


def test_an_unknown_type_or_a_future_version_is_refused() -> None:
    with pytest.raises(UnknownEvent):
        decode(_envelope("ClassCreated", {"class_id": "A", "definition": {}}, 9))
    unknown = EventEnvelope("x", "SomethingHappened", "Thing", "t", 1, "", "", {})
    with pytest.raises(UnknownEvent):
        decode(unknown)


COMMANDS: list[c.Command] = [
    c.CreateDatabase(database="shop", name="shop", description="d"),
    c.DeleteDatabase(
        database="shop", name="shop", expected_seq=1, purge_after="2026-12-04T10:00:00.000000Z"
    ),
    c.RestoreDatabase(database="shop", name="shop", expected_seq=2),
    c.PurgeDatabase(database="shop", name="shop"),
    c.CreateClass(database="shop", branch="dev", definition={"id": "A"}),
    c.UpdateClass(database="shop", definition={"id": "A", "migration": {"drop": ["x"]}}),
    c.PatchClass(database="shop", definition={"id": "A", "label": "a"}),
    c.DeleteClass(database="shop", class_id="A"),
    c.CreateInstance(database="shop", class_id="A", data={"x": 1}),
    c.BulkCreateInstances(database="shop", class_id="A", instances=[{"x": 1}]),
    c.UpdateInstance(database="shop", class_id="A", instance_id="a", data={"x": 2}),
    c.DeleteInstance(database="shop", class_id="A", instance_id="a", expected_seq=3),
    c.RestoreInstance(database="shop", class_id="A", instance_id="a", data={"n": 1}),
    c.CreateUser(database=None, username="kim", password_hash="$argon2id$x", admin=False),
    c.ChangePassword(database=None, username="kim", password_hash="$argon2id$y"),
    c.IssueApiKey(
        database=None, key_id="0123456789abcdef", username="kim", name="l", secret_hash="s"
    ),
    c.RevokeApiKey(database=None, key_id="0123456789abcdef"),
    c.GrantRole(database="shop", username="kim", role="viewer"),
    c.RevokeRole(database="shop", username="kim"),
    c.CreateBranch(database="shop", name="dev", at_position=3),
    c.DeleteBranch(database="shop", name="dev"),
    c.MergeBranch(database="shop", source="dev", resolutions={"A/a": "ours"}),
    c.RebaseBranch(database="shop", branch="dev", strategy="ours"),
    c.RevertCommit(database="shop", branch="dev", commit="0190a000", strategy="theirs"),
    c.ResetBranch(database="shop", branch="dev", to_position=12),
    c.ConfigureDatabase(database="shop", protected_branches=["main"], required_approvals=2),
    c.AddDatasetVersion(
        database="shop",
        name="orders",
        sha256="ab" * 32,
        blob_key="datasets/sha256/" + "ab" * 32,
        filename="orders.csv",
        format="csv",
        size=120,
        source="upload:orders.csv",
        tables=[{"name": "orders", "columns": ["id"], "rows": 3}],
        detected={},
    ),
    c.SaveMapping(database="shop", name="m", spec={"sources": []}),
    c.RunImport(
        database="shop",
        branch="dev",
        mapping="m",
        mapping_version=2,
        allow_partial=True,
        mode="snapshot",
    ),
    c.ImportRows(
        database="shop",
        class_id="A",
        source={"dataset": "orders", "version": 1},
        rows=[{"row": 2, "values": {"x": "1"}, "cells": {"x": "x"}}],
        key=["x"],
        mode="upsert",
        fields=["x"],
    ),
    c.DeleteImported(
        database="shop",
        class_id="A",
        source={"dataset": "orders", "table": "orders"},
        instance_ids=["a1"],
    ),
    c.SaveConnector(
        database="shop",
        name="sheet",
        kind="google_sheets",
        config={"url": "https://docs.google.com/spreadsheets/d/X/edit"},
        dataset="items",
        schedule={"every_seconds": 60},
        then_import={"mapping": "m", "mode": "upsert", "branch": "main", "allow_partial": False},
    ),
    c.DeleteConnector(database="shop", name="sheet"),
    c.SyncConnector(database="shop", name="sheet", fetched=None),
    c.OpenProposal(database="shop", source="dev", title="t", description=None),
    c.CommentProposal(database="shop", number=1, comment="c"),
    c.ApproveProposal(database="shop", number=1),
    c.MergeProposal(database="shop", number=1, strategy="ours"),
    c.CloseProposal(database="shop", number=1, comment=None),
]


def test_every_command_type_has_a_round_trip_sample() -> None:
    assert {type(command) for command in COMMANDS} == set(c.COMMAND_TYPES.values())


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_a_command_reads_back_from_its_accepted_envelope(command: c.Command) -> None:
    issued = c.IssuedCommand("0190a000-0000-7000-8000-000000000001", command, "kim", {"a": 1})
    envelope = issued.to_envelope("2026-01-01T00:00:00Z")
    assert envelope.event_type == "CommandAccepted"
    assert c.IssuedCommand.from_envelope(envelope) == issued


def test_the_stored_shape_of_a_command_is_the_seed_s() -> None:
    """Clients and old logs rely on it; the Idempotency-Key check compares it."""
    command = c.CreateInstance(database="shop", class_id="A", data={"x": 1})
    assert c.IssuedCommand("id", command, "kim").data() == {
        "command_type": "CREATE_INSTANCE",
        "database": "shop",
        "branch": "main",
        "payload": {"class_id": "A", "data": {"x": 1}, "instance_id": None},
        "expected_seq": None,
    }


def test_a_stored_command_missing_a_field_is_refused_by_its_decider() -> None:
    """A malformed command in the log becomes a recorded failure, not a stuck worker."""
    store = InMemoryEventStore()
    issued = c.IssuedCommand(
        "0190a000-0000-7000-8000-000000000002", c.CreateDatabase(database="x", name="x"), "kim"
    )
    envelope = issued.to_envelope("2026-01-01T00:00:00Z")
    broken = replace(envelope, data={**envelope.data, "payload": {}})
    (stored,) = store.append([broken])
    tracker = CommandTracker(InMemoryCommandStatusStore())
    status = CommandExecutor(store, tracker).execute(stored)
    assert (status.status, status.error["code"]) == ("FAILED", "VALIDATION_FAILED")
