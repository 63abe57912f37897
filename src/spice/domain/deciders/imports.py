"""Deciders of onboarding: mapping specs saved in versions, and import runs checked against
them (their rows: `import_rows.py`)."""

from __future__ import annotations

from typing import Any

from spice.domain import names
from spice.domain.commands import RunImport, SaveMapping
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.deciders.import_rows import MODES
from spice.domain.errors import NotFound, ValidationFailed, field_error
from spice.domain.events import MappingSaved
from spice.domain.mapping_spec import MappingSpec, SourceMap
from spice.domain.mappings import parse_spec
from spice.domain.ontology.classes import parse_class
from spice.domain.versions import pick


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
    if command.mode not in MODES:
        message = f"one of {', '.join(MODES)}"
        error = field_error("mode", "unknown_mode", message, command.mode)
        raise ValidationFailed("unknown import mode", [error])
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
