"""Deciders of ontology class commands."""

from __future__ import annotations

from itertools import islice
from typing import Any

from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.commands import CreateClass, DeleteClass, PatchClass, UpdateClass
from spice.domain.deciders.base import (
    MAX_DEPTH,
    Change,
    Decision,
    WriteModel,
    check_expected,
    inherited,
    require_absent,
)
from spice.domain.deciders.evolution import (
    Analysis,
    analyse,
    live_classes,
    live_instances,
    parse_migration,
    schema_diff,
)
from spice.domain.errors import Conflict, ValidationFailed, field_error
from spice.domain.events import ClassCreated, ClassDeleted, ClassUpdated
from spice.domain.ontology.classes import CLASS_ALIASES, descendants, parse_class, referrers
from spice.domain.ontology.model import OntologyClass


def _check_references(model: WriteModel, db: str, branch: str, definition: OntologyClass) -> None:
    wanted = {c: names.class_aggregate(db, branch, c) for c in definition.referenced_classes()}
    live = model.live_heads(wanted.values())
    missing = sorted(c for c, agg in wanted.items() if agg not in live)
    if missing:
        raise ValidationFailed(
            f"unknown classes referenced: {', '.join(missing)}",
            [
                field_error("relationships", "unknown_target_class", "class not found", c)
                for c in missing
            ],
        )


def _distance(classes: dict[str, OntologyClass], child: str, ancestor: str) -> int:
    steps, current = 0, child
    while current != ancestor and steps <= MAX_DEPTH:
        current = classes[current].parent_class or ancestor
        steps += 1
    return steps


def _check_inheritance(
    model: WriteModel,
    db: str,
    branch: str,
    definition: OntologyClass,
    classes: dict[str, OntologyClass],
) -> None:
    """The parent chain must end, and no field may be declared twice along a chain: not
    below an ancestor of the class, and not in a subclass of it."""
    effective = inherited(model, db, branch, definition)
    own = definition.id
    above = effective.inherited_fields()
    errors = [
        field_error(name, "duplicate_field", "already inherited", name)
        for name in definition.field_names
        if name in above
    ]
    mine = above | set(definition.field_names)
    below = 0
    for child in descendants(classes.values(), own):
        for name in classes[child].field_names:
            if name in mine:
                message = f"subclass {child} declares it already"
                errors.append(field_error(name, "duplicate_field", message, name))
        below = max(below, _distance(classes, child, own))
    if len(effective.ancestors) + below >= MAX_DEPTH:
        message = f"the chain through its subclasses would pass {MAX_DEPTH} classes"
        errors.append(field_error("parent_class", "inheritance_too_deep", message, None))
    if errors:
        raise ValidationFailed("fields declared twice along an inheritance chain", errors)


def _definition(
    model: WriteModel, command: CreateClass | UpdateClass, payload: dict[str, Any]
) -> tuple[str, OntologyClass, dict[str, OntologyClass]]:
    """The checked definition, with the live classes of the branch it was checked against."""
    db = str(command.database)
    model.require_branch(db, command.branch)
    definition = OntologyClass.of(parse_class(payload))
    _check_references(model, db, command.branch, definition)
    classes = {c.id: c for c in live_classes(model, db, command.branch)}
    _check_inheritance(model, db, command.branch, definition, classes)
    return db, definition, classes


def create_class(model: WriteModel, command: CreateClass, _command_id: str) -> Decision:
    db, definition, _ = _definition(model, command, command.definition)
    class_id = definition.id
    aggregate_id = names.class_aggregate(db, command.branch, class_id)
    require_absent(model.load(aggregate_id), f"class {class_id!r}")
    return Decision(
        [Change(aggregate_id, 1, ClassCreated(class_id, definition.canonical()))],
        {"class_id": class_id},
    )


def analyse_update(
    model: WriteModel, command: UpdateClass
) -> tuple[AggregateState, OntologyClass, Analysis]:
    """The class update's effect on existing instances (nothing is written)."""
    payload = dict(command.definition)
    raw_migration = payload.pop("migration", None)
    db, definition, classes = _definition(model, command, payload)
    state = model.require_class(db, command.branch, definition.id)
    check_expected(state, command.expected_seq)
    family = [definition.id, *descendants(classes.values(), definition.id)]
    current = OntologyClass.of(state.body)
    _check_reparent(model, db, command.branch, current, definition, family)
    old = inherited(model, db, command.branch, current)
    new = inherited(model, db, command.branch, definition)
    migration = parse_migration(raw_migration, set(new.field_names))
    analysis = analyse(model, db, command.branch, new, old, migration, family)
    analysis.diff = schema_diff(current, definition, migration["rename"])
    return state, definition, analysis


def _check_reparent(
    model: WriteModel,
    db: str,
    branch: str,
    old: OntologyClass,
    new: OntologyClass,
    family: list[str],
) -> None:
    """A class with instances may gain a parent (its instances are checked like any other
    change), but not lose or swap one: links elsewhere may rely on what it extended."""
    before, after = old.parent_class, new.parent_class
    if before is None or before == after:
        return
    if next(live_instances(model, db, branch, family), None) is not None:
        raise Conflict(
            f"class {old.id!r} has instances: its parent {before!r} cannot be removed or "
            "replaced (links to them may rely on it)",
            {"parent_class": before, "requested": after},
        )


def update_class(model: WriteModel, command: UpdateClass, _command_id: str) -> Decision:
    state, definition, analysis = analyse_update(model, command)
    if analysis.violations:
        raise Conflict(
            f"{len(analysis.violations)} of {analysis.checked} instances would not fit the new "
            "definition; send a migration (rename, defaults, drop, transform) or fix them first",
            {
                "violations": analysis.violations[:100],
                "total": len(analysis.violations),
                "checked": analysis.checked,
                "analyze_url": f"/api/v1/database/{command.database}/ontology/"
                f"{definition.id}/analyze",
            },
        )
    return Decision(
        [
            Change(
                state.aggregate_id,
                state.seq + 1,
                ClassUpdated(definition.id, definition.canonical(), analysis.diff),
            ),
            *analysis.changes,
        ],
        {
            "class_id": definition.id,
            "migrated_instances": analysis.migrated,
            "schema_changes": analysis.diff,
        },
    )


def patched(model: WriteModel, command: PatchClass) -> UpdateClass:
    """The whole-class update a partial one amounts to: the fields sent replace those of
    the current definition, the others stay as they are."""
    db = str(command.database)
    model.require_branch(db, command.branch)
    current = model.require_class(db, command.branch, command.definition.get("id")).body
    # Seed-era spellings in a patch replace the canonical fields they name.
    changes = {CLASS_ALIASES.get(k, k): v for k, v in command.definition.items()}
    return UpdateClass(
        database=command.database,
        branch=command.branch,
        expected_seq=command.expected_seq,
        definition={**current, **changes},
    )


def patch_class(model: WriteModel, command: PatchClass, command_id: str) -> Decision:
    return update_class(model, patched(model, command), command_id)


def delete_class(model: WriteModel, command: DeleteClass, _command_id: str) -> Decision:
    db = str(command.database)
    model.require_branch(db, command.branch)
    state = model.require_class(db, command.branch, command.class_id)
    class_id = str(state.body["id"])
    check_expected(state, command.expected_seq)
    classes = live_classes(model, db, command.branch)
    children = descendants(classes, class_id)
    if children:
        raise Conflict(
            f"class {class_id!r} is extended by {', '.join(children)}; delete those first",
            {"subclasses": children},
        )
    pointing = referrers(classes, class_id)
    if pointing:
        raise Conflict(
            f"class {class_id!r} is the target of relationships of {', '.join(pointing)}",
            {"referenced_by": pointing},
        )
    remaining = list(islice(live_instances(model, db, command.branch, [class_id]), 100))
    if remaining:
        raise Conflict(
            f"class {class_id!r} still has instances; delete them first",
            {"instances": [s.aggregate_id.split(":", 4)[4] for s in remaining]},
        )
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, ClassDeleted(class_id))],
        {"class_id": class_id},
    )
