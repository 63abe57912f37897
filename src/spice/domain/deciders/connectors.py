"""Deciders of connectors: a definition saved in versions (checked whole: kind, config,
dataset, schedule, import), deleted, and a sync checked before its runner reads the
source."""

from __future__ import annotations

from typing import Any

from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.commands import DeleteConnector, SaveConnector, SyncConnector
from spice.domain.connectors import check_config, check_import, check_schedule
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.errors import NotFound, ValidationFailed, field_error
from spice.domain.events import ConnectorDeleted, ConnectorSaved
from spice.domain.mapping_spec import MappingSpec

MAX_CONNECTORS = 10_000


def _load(model: WriteModel, db: str, name: str) -> AggregateState:
    return model.load(names.connector_aggregate(db, name))


def require_connector(model: WriteModel, db: str, name: Any) -> dict[str, Any]:
    """The latest version of a live connector; NotFound otherwise."""
    checked = names.check_name("connector", name, names.CONNECTOR_NAME, "name")
    state = _load(model, db, checked)
    if not state.live:
        raise NotFound(f"connector {checked!r} not found in {db!r}", {"connector": checked})
    return dict(state.body["versions"][-1])


def _check_mapping(model: WriteModel, db: str, dataset: str, then_import: dict[str, Any]) -> None:
    """A mapping that exists must read the connector's dataset; one not saved yet is
    looked for at each sync (a sync without it fails, saying so)."""
    state = model.load(names.mapping_aggregate(db, then_import["mapping"]))
    if not state.exists:
        return
    spec = MappingSpec.of(state.body["versions"][-1]["spec"])
    read = sorted({s.dataset for s in spec.sources})
    if dataset not in read:
        raise ValidationFailed(
            f"mapping {then_import['mapping']!r} does not read dataset {dataset!r}",
            [field_error("import.mapping", "dataset_not_read", f"a mapping of {dataset!r}", read)],
        )


def save_connector(model: WriteModel, command: SaveConnector, _command_id: str) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    name = names.check_name("connector", command.name, names.CONNECTOR_NAME, "name")
    config = check_config(command.kind, command.config)
    dataset = names.check_name("dataset", command.dataset, names.DATASET_NAME, "dataset")
    schedule = check_schedule(command.schedule)
    then_import = check_import(command.then_import, command.kind, config)
    if then_import is not None:
        model.require_branch(db, then_import["branch"])
        _check_mapping(model, db, dataset, then_import)
    state = _load(model, db, name)
    versions = state.body.get("versions", []) if state.exists else []
    definition = {
        "kind": command.kind,
        "config": config,
        "dataset": dataset,
        "schedule": schedule,
        "then_import": then_import,
    }
    result = {"database": db, "connector": name}
    latest = versions[-1] if versions else None
    if state.live and latest is not None and all(latest[k] == v for k, v in definition.items()):
        return Decision([], {**result, "version": latest["version"], "unchanged": True})
    event = ConnectorSaved(
        db, name, len(versions) + 1, command.kind, config, dataset, schedule, then_import
    )
    return Decision(
        [Change(names.connector_aggregate(db, name), state.seq + 1, event)],
        {**result, "version": event.version, "unchanged": False},
    )


def delete_connector(model: WriteModel, command: DeleteConnector, _command_id: str) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    require_connector(model, db, command.name)
    state = _load(model, db, command.name)
    event = ConnectorDeleted(db, command.name)
    return Decision(
        [Change(names.connector_aggregate(db, command.name), state.seq + 1, event)],
        {"database": db, "connector": command.name, "deleted": True},
    )


def sync_connector(model: WriteModel, command: SyncConnector, _command_id: str) -> Decision:
    """Checks that the connector exists; its runner reads the source and writes through the
    child commands it issues."""
    db = str(model.require_database(command.database).body["name"])
    definition = require_connector(model, db, command.name)
    if command.fetched is not None and not isinstance(command.fetched, list):
        raise ValidationFailed(
            "fetched is a list of files", [field_error("fetched", "type", "a list", None)]
        )
    return Decision([], {"database": db, "connector": command.name, "definition": definition})
