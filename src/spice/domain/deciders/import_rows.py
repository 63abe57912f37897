"""Deciders of the rows of an import: a batch of a dataset version's rows written as
instances in the run's mode, with the cells each value came from, and the deletion of the
instances a snapshot no longer has.

Modes: `create` makes an instance for each row whose key is new and skips a row an import
of the same dataset made already, whatever its values; `append` does that with ids from
the version's content and the row, so each version's rows are instances of their own;
`upsert` also updates the instance of a known key, only the fields the source fills that
changed (an unchanged row writes nothing; a deleted instance is restored); `snapshot` is
`upsert`, and the run then deletes what its rows no longer have (`DeleteImported`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spice.domain import names
from spice.domain.aggregates import AggregateState, replay
from spice.domain.commands import DeleteImported, ImportRows
from spice.domain.deciders import uniqueness
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.deciders.instances import keep_keys, wrong_class_links
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import InstanceCreated, InstanceDeleted, InstanceRestored, InstanceUpdated
from spice.domain.mappings import import_id
from spice.domain.ontology.instances import each_link, links_of, validate_instance
from spice.domain.ontology.model import EffectiveClass

MAX_ROWS = 50_000
REPORTED = 1000  # refused rows a result lists in full
MODES = ("create", "append", "upsert", "snapshot")
UPDATING = ("upsert", "snapshot")
# A valid row: the id of its instance, its values, and the row as sent.
Checked = tuple[str, dict[str, Any], dict[str, Any]]


def imported_from(
    events: Sequence[EventEnvelope], source: dict[str, Any], same_table: bool = False
) -> bool:
    """Whether an instance's stream was begun by an import of the source's dataset (with
    `same_table`, of the same table of it)."""
    first = events[0].metadata.get("provenance") if events else None
    if not isinstance(first, dict) or first.get("dataset") != source.get("dataset"):
        return False
    return not same_table or first.get("table") == source.get("table")


def _refused(row: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    cells = row.get("cells", {})
    return {
        "row": row.get("row"),
        "errors": [
            {**e, "column": cells.get(e["path"].split(".")[0].split("[")[0])} for e in errors
        ],
    }


def _provenance(command: ImportRows, row: dict[str, Any]) -> dict[str, Any]:
    return {"provenance": {**command.source, "row": row.get("row"), "cells": row.get("cells", {})}}


def _row_id(command: ImportRows, values: dict[str, Any], row: dict[str, Any]) -> str | None:
    """The instance id of a valid row: from its key, or (no key, or `append`) from where
    the row is; None when a part of its key is missing."""
    if command.mode == "append":
        return import_id([str(command.source.get("sha256", ""))[:16], row.get("row")])
    parts = [values.get(k) for k in command.key]
    if any(p is None for p in parts):
        return None
    table = command.source.get("table") or command.source.get("dataset")
    return import_id(parts if command.key else [table, row.get("row")])


def _validated(
    definition: EffectiveClass, command: ImportRows
) -> tuple[list[Checked], list[dict[str, Any]]]:
    """(id, values, row) of each valid row, and the refusals of the others."""
    ok: list[Checked] = []
    refused: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}
    for row in command.rows:
        try:
            values = validate_instance(definition, row.get("values"))
        except ValidationFailed as exc:
            refused.append(_refused(row, exc.errors))
            continue
        iid = _row_id(command, values, row)
        if iid is None:
            missing = next(k for k in command.key if values.get(k) is None)
            error = field_error(missing, "required", "part of the key", None)
            refused.append(_refused(row, [error]))
            continue
        if iid in seen:
            error = field_error("key", "duplicate_key", f"same key as row {seen[iid]}", iid)
            refused.append(_refused(row, [error]))
            continue
        seen[iid] = row.get("row")
        ok.append((iid, values, row))
    return ok, refused


@dataclass
class _Rows:
    """What a batch does to each of its valid rows."""

    fresh: list[Checked] = field(default_factory=list)  # created
    restored: list[tuple[Checked, AggregateState]] = field(default_factory=list)
    updated: list[tuple[Checked, AggregateState]] = field(default_factory=list)  # changes
    unchanged: int = 0
    skipped: int = 0

    def written(self) -> list[Checked]:
        """The rows that write, each with the values it sets (an update: its changes)."""
        return [*self.fresh, *(r for r, _ in self.restored), *(r for r, _ in self.updated)]


def _sorted_rows(
    model: WriteModel,
    command: ImportRows,
    definition: EffectiveClass,
    checked: list[Checked],
    ids: dict[str, str],
    refused: list[dict[str, Any]],
) -> _Rows:
    """Each row by what it does: a new id creates; a known one is skipped when this dataset
    made it (or, upserting, updated with what changed, restored when deleted); a row whose
    id another write took is refused, unless upserting."""
    heads = model.heads(ids.values())
    streams = model.read_streams([a for a in ids.values() if a in heads])
    governed = set(command.fields) or set(definition.field_names)
    out = _Rows()
    for iid, values, row in checked:
        events = streams.get(ids[iid], [])
        if ids[iid] not in heads:
            out.fresh.append((iid, values, row))
        elif command.mode in UPDATING:
            _sort_known(out, definition, (iid, values, row), replay(ids[iid], events), governed)
        elif imported_from(events, command.source):
            out.skipped += 1
        else:
            message = "an instance not imported from this dataset has this id"
            refused.append(_refused(row, [field_error("key", "instance_exists", message, iid)]))
    for (_, values, row), state in out.updated:
        try:
            keep_keys(definition, values, state.body)
        except ValidationFailed as exc:
            refused.append(_refused(row, exc.errors))
    bad = {r["row"] for r in refused}
    out.updated = [(r, s) for r, s in out.updated if r[2].get("row") not in bad]
    return out


def _sort_known(
    out: _Rows,
    definition: EffectiveClass,
    checked: Checked,
    state: AggregateState,
    governed: set[str],
) -> None:
    iid, values, row = checked
    if state.deleted:
        out.restored.append((checked, state))
        return
    changes = {k: values.get(k) for k in sorted(governed) if state.body.get(k) != values.get(k)}
    if changes:
        out.updated.append(((iid, changes, row), state))
    else:
        out.unchanged += 1


def _linked(
    model: WriteModel,
    db: str,
    command: ImportRows,
    definition: EffectiveClass,
    rows: _Rows,
    refused: list[dict[str, Any]],
) -> None:
    """Keep the rows whose links point at live instances of the right class (or at rows of
    this batch); refuse the others."""
    writes = [(iid, _set(values), row) for iid, values, row in rows.written()]
    here = {f"{definition.id}/{iid}" for iid, _, _ in writes}
    wanted = {
        ref: names.instance_aggregate(db, command.branch, *ref.split("/", 1))
        for _, values, _ in writes
        for ref in links_of(definition, values)
        if ref not in here
    }
    live = model.live_heads(wanted.values())
    lineages: dict[str, list[str]] = {}
    bad: set[Any] = set()
    for _, values, row in writes:
        errors = [
            field_error(rel.predicate, "link_target_not_found", f"no live instance {ref}", ref)
            for rel, ref in each_link(definition, values)
            if ref not in here and wanted[ref] not in live
        ]
        errors += wrong_class_links(model, db, command.branch, definition, values, lineages)
        if errors:
            refused.append(_refused(row, errors))
            bad.add(row.get("row"))
    rows.fresh = [r for r in rows.fresh if r[2].get("row") not in bad]
    rows.restored = [(r, s) for r, s in rows.restored if r[2].get("row") not in bad]
    rows.updated = [(r, s) for r, s in rows.updated if r[2].get("row") not in bad]


def _set(values: dict[str, Any]) -> dict[str, Any]:
    """The values a write sets (an update's `None` removes a field)."""
    return {k: v for k, v in values.items() if v is not None}


def _changes(
    model: WriteModel, db: str, command: ImportRows, definition: EffectiveClass, rows: _Rows
) -> list[Change]:
    """The events of the rows, each with its cells, and the unique values they claim and
    release."""
    class_id, branch = definition.id, command.branch
    changes: list[Change] = []
    claims: list[tuple[uniqueness.Claim, str]] = []
    releases: list[tuple[uniqueness.Claim, str]] = []
    for iid, values, row in rows.fresh:
        aggregate_id = names.instance_aggregate(db, branch, class_id, iid)
        created = InstanceCreated(class_id, iid, values)
        changes.append(Change(aggregate_id, 1, created, _provenance(command, row)))
        claims += [
            (c, f"{class_id}/{iid}") for c in uniqueness.claims_of(db, branch, definition, values)
        ]
    for (iid, values, row), state in rows.restored:
        restored = InstanceRestored(class_id, iid, values)
        changes.append(
            Change(state.aggregate_id, state.seq + 1, restored, _provenance(command, row))
        )
        claims += [
            (c, f"{class_id}/{iid}") for c in uniqueness.claims_of(db, branch, definition, values)
        ]
    for (iid, values, row), state in rows.updated:
        updated = InstanceUpdated(class_id, iid, values)
        changes.append(
            Change(state.aggregate_id, state.seq + 1, updated, _provenance(command, row))
        )
        before = uniqueness.claims_of(db, branch, definition, state.body)
        after = uniqueness.claims_of(db, branch, definition, _set({**state.body, **values}))
        owner = f"{class_id}/{iid}"
        releases += [(c, owner) for c in before if c not in after]
        claims += [(c, owner) for c in after if c not in before]
    freed = uniqueness.release_all(model, releases)
    return changes + freed + uniqueness.claim(model, claims, "rows", freed)


def import_rows(model: WriteModel, command: ImportRows, _command_id: str) -> Decision:
    db = str(command.database)
    model.require_branch(db, command.branch)
    definition = model.effective_class(db, command.branch, command.class_id)
    if command.mode not in MODES:
        message = f"one of {', '.join(MODES)}"
        raise ValidationFailed(
            "unknown import mode", [field_error("mode", "type", message, command.mode)]
        )
    if not isinstance(command.rows, list) or not 0 < len(command.rows) <= MAX_ROWS:
        raise ValidationFailed(
            "rows must be a non-empty list",
            [field_error("rows", "type", f"1 to {MAX_ROWS} rows", None)],
        )
    checked, refused = _validated(definition, command)
    ids = {
        iid: names.instance_aggregate(db, command.branch, definition.id, iid)
        for iid, _, _ in checked
    }
    rows = _sorted_rows(model, command, definition, checked, ids, refused)
    _linked(model, db, command, definition, rows, refused)
    refused.sort(key=lambda r: r["row"] if isinstance(r["row"], int) else 0)
    if refused and not command.allow_partial:
        raise ValidationFailed(
            f"{len(refused)} of {len(command.rows)} rows refused",
            [
                {**e, "path": f"row {r['row']}.{e['path']}"}
                for r in refused[:REPORTED]
                for e in r["errors"]
            ][:REPORTED],
        )
    changes = _changes(model, db, command, definition, rows)
    result: dict[str, Any] = {
        "class_id": definition.id,
        "created": len(rows.fresh) + len(rows.restored),
        "skipped": rows.skipped,
        "refused": len(refused),
        "refused_rows": refused[:REPORTED],
        "count": len(changes),
    }
    if command.mode in UPDATING:
        bad = {r["row"] for r in refused}
        result["updated"] = len(rows.updated)
        result["unchanged"] = rows.unchanged
        result["seen"] = [iid for iid, _, row in checked if row.get("row") not in bad]
    return Decision(changes, result)


def delete_imported(model: WriteModel, command: DeleteImported, _command_id: str) -> Decision:
    """Delete the named instances of the class that an import of the source's dataset made
    and that are live (the others are left as they are), releasing their unique values."""
    db = str(command.database)
    model.require_branch(db, command.branch)
    definition = model.effective_class(db, command.branch, command.class_id)
    class_id = definition.id
    ids = {
        names.check_name("instance id", iid, names.INSTANCE_ID, "instance_ids"): iid
        for iid in command.instance_ids
    }
    aggregates = {iid: names.instance_aggregate(db, command.branch, class_id, iid) for iid in ids}
    live = model.live_heads(aggregates.values())
    streams = model.read_streams([a for a in aggregates.values() if a in live])
    changes, held, deleted = [], [], []
    for iid, aggregate_id in aggregates.items():
        events = streams.get(aggregate_id)
        if not events or not imported_from(events, command.source, same_table=True):
            continue
        state = replay(aggregate_id, events)
        changes.append(Change(aggregate_id, state.seq + 1, InstanceDeleted(class_id, iid)))
        owner = f"{class_id}/{iid}"
        held += [
            (c, owner) for c in uniqueness.claims_of(db, command.branch, definition, state.body)
        ]
        deleted.append(iid)
    changes += uniqueness.release_all(model, held)
    return Decision(
        changes, {"class_id": class_id, "deleted": len(deleted), "instance_ids": deleted}
    )
