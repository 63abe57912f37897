"""Deciders of onboarding: mapping specs saved in versions, import runs checked against
them, and the rows of a dataset version created as instances with the cells they came from."""

from __future__ import annotations

from typing import Any

from spice.domain import names
from spice.domain.commands import ImportRows, RunImport, SaveMapping
from spice.domain.deciders import uniqueness
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.deciders.instances import wrong_class_links
from spice.domain.errors import NotFound, ValidationFailed, field_error
from spice.domain.events import InstanceCreated, MappingSaved
from spice.domain.mapping_spec import MappingSpec, SourceMap
from spice.domain.mappings import import_id, parse_spec
from spice.domain.ontology.classes import parse_class
from spice.domain.ontology.instances import each_link, links_of, validate_instance
from spice.domain.ontology.model import EffectiveClass
from spice.domain.versions import pick

MAX_ROWS = 50_000
REPORTED = 1000  # refused rows a result lists in full
# A valid row: the id of its instance, its values, and the row as sent.
Checked = tuple[str, dict[str, Any], dict[str, Any]]


def save_mapping(model: WriteModel, command: SaveMapping, _command_id: str) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    name = names.check_name("mapping", command.name, names.MAPPING_NAME, "name")
    spec = parse_spec(command.spec, parse_class)
    _check_columns(model, db, MappingSpec.of(spec))
    aggregate_id = names.mapping_aggregate(db, name)
    state = model.load(aggregate_id)
    versions = state.body.get("versions", []) if state.exists else []
    result = {"database": db, "mapping": name}
    if versions and versions[-1]["spec"] == spec:
        return Decision([], {**result, "version": versions[-1]["version"], "unchanged": True})
    event = MappingSaved(db, name, len(versions) + 1, spec)
    return Decision(
        [Change(aggregate_id, state.seq + 1, event)],
        {**result, "version": event.version, "unchanged": False},
    )


def dataset_table(
    model: WriteModel, db: str, source: SourceMap, path: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dataset version a source reads (the latest unless pinned) and its table."""
    state = model.load(names.dataset_aggregate(db, source.dataset))
    if not state.exists:
        raise NotFound(f"{path}: dataset {source.dataset!r} not found", {"dataset": source.dataset})
    version = pick(state.body["versions"], source.version, "dataset", source.dataset, f"{path}: ")
    tables = {t["name"]: t for t in version["tables"]}
    table = tables.get(source.table) if source.table is not None else version["tables"][0]
    if table is None:
        raise NotFound(
            f"{path}: version {version['version']} of {source.dataset!r} has no table "
            f"{source.table!r}",
            {"table": source.table, "tables": list(tables)},
        )
    return version, table


def _check_columns(model: WriteModel, db: str, spec: MappingSpec) -> None:
    errors = []
    for i, source in enumerate(spec.sources):
        _, table = dataset_table(model, db, source, f"sources[{i}]")
        known = set(table["columns"])
        for kind, fields in (("properties", source.properties), ("links", source.links)):
            for j, f in enumerate(fields):
                errors += [
                    field_error(
                        f"sources[{i}].{kind}[{j}]", "unknown_column", "no such column", col
                    )
                    for col in f.columns
                    if col not in known
                ]
    if errors:
        raise ValidationFailed("the mapping names columns the datasets do not have", errors)


def run_import(model: WriteModel, command: RunImport, _command_id: str) -> Decision:
    """Checks what an import run needs (its branch, its mapping version, the dataset
    versions it reads) and answers which versions it will use; the run writes through the
    `ImportRows` commands it issues."""
    db = str(command.database)
    model.require_branch(db, command.branch)
    name = names.check_name("mapping", command.mapping, names.MAPPING_NAME, "mapping")
    state = model.load(names.mapping_aggregate(db, name))
    if not state.exists:
        raise NotFound(f"mapping {name!r} not found in {db!r}", {"mapping": name})
    version = pick(state.body["versions"], command.mapping_version, "mapping", name)
    spec, wanted = MappingSpec.of(version["spec"]), version["version"]
    datasets = []
    for i, source in enumerate(spec.sources):
        version, table = dataset_table(model, db, source, f"sources[{i}]")
        datasets.append(
            {
                "dataset": source.dataset,
                "version": version["version"],
                "sha256": version["sha256"],
                "table": table["name"],
            }
        )
    return Decision([], {"mapping": name, "mapping_version": wanted, "datasets": datasets})


def _refused(row: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    cells = row.get("cells", {})
    return {
        "row": row.get("row"),
        "errors": [
            {**e, "column": cells.get(e["path"].split(".")[0].split("[")[0])} for e in errors
        ],
    }


def _validated(
    definition: EffectiveClass, command: ImportRows
) -> tuple[list[Checked], list[dict[str, Any]]]:
    """(id, values, row) of each valid row, and the refusals of the others."""
    ok: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    refused: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}
    table = command.source.get("table") or command.source.get("dataset")
    for row in command.rows:
        try:
            values = validate_instance(definition, row.get("values"))
        except ValidationFailed as exc:
            refused.append(_refused(row, exc.errors))
            continue
        parts = [values.get(k) for k in command.key]
        if any(p is None for p in parts):
            missing = [k for k, p in zip(command.key, parts, strict=True) if p is None]
            refused.append(
                _refused(row, [field_error(missing[0], "required", "part of the key", None)])
            )
            continue
        iid = import_id(parts if command.key else [table, row.get("row")])
        if iid in seen:
            error = field_error("key", "duplicate_key", f"same key as row {seen[iid]}", iid)
            refused.append(_refused(row, [error]))
            continue
        seen[iid] = row.get("row")
        ok.append((iid, values, row))
    return ok, refused


def _provenance(command: ImportRows, row: dict[str, Any]) -> dict[str, Any]:
    return {"provenance": {**command.source, "row": row.get("row"), "cells": row.get("cells", {})}}


def _imported_here(events: list[Any], source: dict[str, Any]) -> bool:
    """Whether an instance's stream was begun by an import of the same dataset."""
    first = events[0].metadata.get("provenance") if events else None
    return isinstance(first, dict) and first.get("dataset") == source.get("dataset")


def _new_rows(
    model: WriteModel,
    command: ImportRows,
    checked: list[Checked],
    ids: dict[str, str],
    refused: list[dict[str, Any]],
) -> tuple[list[Checked], int]:
    """The rows whose instance does not exist yet, and how many rows were skipped because an
    import of the same dataset made theirs; a row whose id another write took is refused."""
    existing = model.heads(ids.values())
    streams = model.read_streams([a for a in ids.values() if a in existing])
    fresh, skipped = [], 0
    for iid, values, row in checked:
        aggregate_id = ids[iid]
        if aggregate_id not in existing:
            fresh.append((iid, values, row))
        elif _imported_here(streams.get(aggregate_id, []), command.source):
            skipped += 1
        else:
            error = field_error(
                "key",
                "instance_exists",
                "an instance not imported from this dataset has this id",
                iid,
            )
            refused.append(_refused(row, [error]))
    return fresh, skipped


def _linked_rows(
    model: WriteModel,
    db: str,
    command: ImportRows,
    definition: EffectiveClass,
    fresh: list[Checked],
    refused: list[dict[str, Any]],
) -> list[Checked]:
    """The rows whose links point at live instances of the right class (or at rows of this
    batch); the others are refused."""
    class_id = definition.id
    created_refs = {f"{class_id}/{iid}" for iid, _, _ in fresh}
    wanted = {
        ref: names.instance_aggregate(db, command.branch, *ref.split("/", 1))
        for _, values, _ in fresh
        for ref in links_of(definition, values)
        if ref not in created_refs
    }
    live = model.live_heads(wanted.values())
    lineages: dict[str, list[str]] = {}
    kept = []
    for iid, values, row in fresh:
        errors = [
            field_error(rel.predicate, "link_target_not_found", f"no live instance {ref}", ref)
            for rel, ref in each_link(definition, values)
            if ref not in created_refs and wanted[ref] not in live
        ]
        errors += wrong_class_links(model, db, command.branch, definition, values, lineages)
        if errors:
            refused.append(_refused(row, errors))
        else:
            kept.append((iid, values, row))
    return kept


def import_rows(model: WriteModel, command: ImportRows, _command_id: str) -> Decision:
    db = str(command.database)
    model.require_branch(db, command.branch)
    definition = model.effective_class(db, command.branch, command.class_id)
    class_id = definition.id
    if not isinstance(command.rows, list) or not 0 < len(command.rows) <= MAX_ROWS:
        raise ValidationFailed(
            "rows must be a non-empty list",
            [field_error("rows", "type", f"1 to {MAX_ROWS} rows", None)],
        )
    checked, refused = _validated(definition, command)
    ids = {
        iid: names.instance_aggregate(db, command.branch, class_id, iid) for iid, _, _ in checked
    }
    fresh, skipped = _new_rows(model, command, checked, ids, refused)
    kept = _linked_rows(model, db, command, definition, fresh, refused)
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
    changes = [
        Change(ids[iid], 1, InstanceCreated(class_id, iid, values), _provenance(command, row))
        for iid, values, row in kept
    ]
    claims = [
        (c, f"{class_id}/{iid}")
        for iid, values, _ in kept
        for c in uniqueness.claims_of(db, command.branch, definition, values)
    ]
    changes += uniqueness.claim(model, claims, "rows")
    return Decision(
        changes,
        {
            "class_id": class_id,
            "created": len(kept),
            "skipped": skipped,
            "refused": len(refused),
            "refused_rows": refused[:REPORTED],
            "count": len(changes),
        },
    )
