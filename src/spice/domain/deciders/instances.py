"""Deciders of instance commands."""

from __future__ import annotations

from typing import Any

from spice.domain import names
from spice.domain.commands import (
    BulkCreateInstances,
    CreateInstance,
    DeleteInstance,
    RestoreInstance,
    UpdateInstance,
)
from spice.domain.deciders import uniqueness
from spice.domain.deciders.base import (
    Change,
    Decision,
    WriteModel,
    check_expected,
    require_absent,
)
from spice.domain.errors import Conflict, NotFound, SpiceError, ValidationFailed, field_error
from spice.domain.events import (
    InstanceCreated,
    InstanceDeleted,
    InstanceRestored,
    InstanceUpdated,
)
from spice.domain.ids import derived_id
from spice.domain.ontology.instances import (
    derive_instance_id,
    foreign_links,
    links_of,
    validate_instance,
)
from spice.domain.ontology.model import EffectiveClass, OntologyClass

InstanceCommand = (
    CreateInstance | BulkCreateInstances | UpdateInstance | DeleteInstance | RestoreInstance
)


def _class_definition(model: WriteModel, command: InstanceCommand) -> tuple[str, EffectiveClass]:
    db = str(command.database)
    model.require_branch(db, command.branch)
    return db, model.effective_class(db, command.branch, command.class_id)


def _check_links(
    model: WriteModel,
    db: str,
    branch: str,
    refs_by_path: dict[str, list[str]],
    created: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Every reference must name a live instance (or one created by the same command)."""
    wanted = {
        ref: names.instance_aggregate(db, branch, *ref.split("/", 1))
        for refs in refs_by_path.values()
        for ref in refs
        if ref not in created
    }
    live = model.live_heads(wanted.values())
    errors = [
        field_error(path, "link_target_not_found", f"no live instance {ref}", ref)
        for path, refs in refs_by_path.items()
        for ref in refs
        if ref not in created and wanted[ref] not in live
    ]
    if errors:
        raise ValidationFailed("links point at instances that do not exist", errors)


def _check_link_classes(
    model: WriteModel, db: str, branch: str, definition: OntologyClass, rows: dict[str, Any]
) -> None:
    """A link may point at an instance of the target class or of a class extending it."""
    lineages: dict[str, list[str]] = {}
    errors = [
        {**e, "path": f"{path}.{e['path']}" if path else e["path"]}
        for path, values in rows.items()
        for e in wrong_class_links(model, db, branch, definition, values, lineages)
    ]
    if errors:
        raise ValidationFailed("links point at instances of the wrong class", errors)


def wrong_class_links(
    model: WriteModel,
    db: str,
    branch: str,
    definition: OntologyClass,
    values: dict[str, Any],
    lineages: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """Field errors for links to classes that are not the target or extend it;
    `lineages` caches each class's ancestry across calls."""
    errors = []
    for predicate, ref, target in foreign_links(definition, values):
        cls = ref.split("/", 1)[0]
        if cls not in lineages:
            lineages[cls] = _lineage(model, db, branch, cls)
        if target not in lineages[cls]:
            message = f"must point at {target} or a class extending it"
            errors.append(field_error(predicate, "wrong_target_class", message, ref))
    return errors


def _lineage(model: WriteModel, db: str, branch: str, class_id: str) -> list[str]:
    """The class and its ancestors; empty when the class does not exist."""
    try:
        definition = model.effective_class(db, branch, class_id)
    except (NotFound, ValidationFailed):
        return []
    return [class_id, *definition.ancestors]


def _instance_id(
    command_id: str,
    definition: OntologyClass,
    data: dict[str, Any],
    explicit: Any,
    salt: str | int,
    path: str,
) -> str:
    iid = explicit if explicit is not None else derive_instance_id(definition, data)
    if iid is None:
        return derived_id(command_id, f"instance/{salt}")
    return names.check_name("instance id", str(iid), names.INSTANCE_ID, path)


def instance_stream(model: WriteModel, command: Any, command_id: str) -> str | None:
    """The instance stream a create, update, delete or restore of one instance will load,
    told from the command without deciding it, so that a batch can read those streams
    together first; None when it cannot be told. A wrong guess costs only a read: the
    decision loads the stream it needs."""
    if not isinstance(command, CreateInstance | UpdateInstance | DeleteInstance | RestoreInstance):
        return None
    try:
        db, definition = _class_definition(model, command)
        if isinstance(command, CreateInstance):
            data = command.data if isinstance(command.data, dict) else {}
            iid = _instance_id(command_id, definition, data, command.instance_id, 0, "instance_id")
        else:
            iid = names.check_name("instance id", command.instance_id, names.INSTANCE_ID)
        return names.instance_aggregate(db, command.branch, definition.id, iid)
    except (SpiceError, TypeError, ValueError, KeyError):
        return None  # the decision says what is wrong with the command


def create_instance(model: WriteModel, command: CreateInstance, command_id: str) -> Decision:
    db, definition = _class_definition(model, command)
    values = validate_instance(definition, command.data)
    iid = _instance_id(command_id, definition, values, command.instance_id, 0, "instance_id")
    aggregate_id = names.instance_aggregate(db, command.branch, definition.id, iid)
    require_absent(model.load(aggregate_id), f"instance {definition.id}/{iid}")
    _check_link_classes(model, db, command.branch, definition, {"": values})
    _check_links(model, db, command.branch, {"data": links_of(definition, values)})
    owner = f"{definition.id}/{iid}"
    claims = uniqueness.claims_of(db, command.branch, definition, values)
    return Decision(
        [
            Change(aggregate_id, 1, InstanceCreated(definition.id, iid, values)),
            *uniqueness.claim(model, [(c, owner) for c in claims]),
        ],
        {"class_id": definition.id, "instance_id": iid},
    )


def _validate_rows(
    command_id: str, definition: OntologyClass, rows: list[Any]
) -> list[tuple[str, dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    out: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        try:
            values = validate_instance(definition, row)
            iid = _instance_id(command_id, definition, values, None, i, f"instances[{i}]")
        except ValidationFailed as exc:
            errors.extend({**e, "path": f"instances[{i}].{e['path']}"} for e in exc.errors)
            continue
        if iid in seen:
            errors.append(
                field_error(
                    f"instances[{i}]", "duplicate_id", f"same id as instances[{seen[iid]}]", iid
                )
            )
        seen[iid] = i
        out.append((iid, values))
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid values in bulk create", errors[:1000])
    return out


def bulk_create_instances(
    model: WriteModel, command: BulkCreateInstances, command_id: str
) -> Decision:
    db, definition = _class_definition(model, command)
    rows = command.instances
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed(
            "instances must be a non-empty list",
            [field_error("instances", "type", "a non-empty list", None)],
        )
    checked = _validate_rows(command_id, definition, rows)
    changes = create_checked(model, db, command.branch, definition, checked)
    return Decision(
        changes,
        {
            "class_id": definition.id,
            "count": len(changes),
            "instance_ids": [iid for iid, _ in checked][:100],
        },
    )


def create_checked(
    model: WriteModel,
    db: str,
    branch: str,
    definition: EffectiveClass,
    checked: list[tuple[str, dict[str, Any]]],
) -> list[Change]:
    """The changes that create these instances of a class at once, from (id, validated
    values): each id must be new, each link point at a live instance of the right class
    (or one of these), each unique value be free. A few reads for all of them."""
    class_id = definition.id
    ids = {iid: names.instance_aggregate(db, branch, class_id, iid) for iid, _ in checked}
    existing = model.heads(ids.values())
    taken = sorted(iid for iid, agg in ids.items() if agg in existing)
    if taken:
        raise Conflict(
            f"{len(taken)} instances already exist (or were deleted)", {"instance_ids": taken[:100]}
        )
    created = {f"{class_id}/{iid}" for iid in ids}
    by_path = {f"instances[{i}]": v for i, (_, v) in enumerate(checked)}
    _check_link_classes(model, db, branch, definition, by_path)
    refs = {f"instances[{i}]": links_of(definition, v) for i, (_, v) in enumerate(checked)}
    _check_links(model, db, branch, refs, created)
    changes = [
        Change(ids[iid], 1, InstanceCreated(class_id, iid, values)) for iid, values in checked
    ]
    claims = [
        (c, f"{class_id}/{iid}")
        for iid, values in checked
        for c in uniqueness.claims_of(db, branch, definition, values)
    ]
    return changes + uniqueness.claim(model, claims, "instances")


def _live_instance(
    model: WriteModel, command: UpdateInstance | DeleteInstance
) -> tuple[str, EffectiveClass, Any]:
    db, definition = _class_definition(model, command)
    iid = names.check_name("instance id", command.instance_id, names.INSTANCE_ID)
    state = model.load(names.instance_aggregate(db, command.branch, definition.id, iid))
    if not state.live:
        gone = " (deleted)" if state.deleted else ""
        raise NotFound(
            f"instance {definition.id}/{iid} not found{gone}",
            {"instance_id": iid, "class_id": definition.id},
        )
    check_expected(state, command.expected_seq)
    return db, definition, state


def update_instance(model: WriteModel, command: UpdateInstance, _command_id: str) -> Decision:
    db, definition, state = _live_instance(model, command)
    values = validate_instance(definition, command.data, partial=True)
    keep_keys(definition, values, state.body)
    changes = {k: v for k, v in values.items() if state.body.get(k) != v}
    _check_link_classes(model, db, command.branch, definition, {"": changes})
    _check_links(model, db, command.branch, {"data": links_of(definition, changes)})
    iid = command.instance_id
    owner = f"{definition.id}/{iid}"
    before = uniqueness.claims_of(db, command.branch, definition, state.body)
    merged = {k: v for k, v in {**state.body, **changes}.items() if v is not None}
    after = uniqueness.claims_of(db, command.branch, definition, merged)
    reservations = [
        *uniqueness.release(model, [c for c in before if c not in after], owner),
        *uniqueness.claim(model, [(c, owner) for c in after if c not in before]),
    ]
    result = {"class_id": definition.id, "instance_id": iid, "changed": sorted(changes)}
    if not changes:
        return Decision(
            [], {**result, "aggregate_id": state.aggregate_id, "sequence_number": state.seq}
        )
    return Decision(
        [
            Change(
                state.aggregate_id,
                state.seq + 1,
                InstanceUpdated(definition.id, iid, changes),
            ),
            *reservations,
        ],
        result,
    )


def keep_keys(definition: OntologyClass, values: dict[str, Any], body: dict[str, Any]) -> None:
    """Primary key values in `values` must be those of the instance (they make its id)."""
    for key in definition.key:
        if key in values and values[key] != body.get(key):
            raise ValidationFailed(
                "primary key values cannot change",
                [field_error(key, "immutable", "part of the id", values[key])],
            )


def restore_instance(model: WriteModel, command: RestoreInstance, _command_id: str) -> Decision:
    db, definition = _class_definition(model, command)
    class_id = definition.id
    iid = names.check_name("instance id", command.instance_id, names.INSTANCE_ID)
    state = model.load(names.instance_aggregate(db, command.branch, class_id, iid))
    if not state.exists:
        raise NotFound(
            f"instance {class_id}/{iid} not found", {"instance_id": iid, "class_id": class_id}
        )
    if not state.deleted:
        raise Conflict(
            f"instance {class_id}/{iid} is not deleted: nothing to restore",
            {"instance_id": iid, "class_id": class_id},
        )
    check_expected(state, command.expected_seq)
    values = validate_instance(definition, state.body if command.data is None else command.data)
    keep_keys(definition, values, state.body)
    _check_link_classes(model, db, command.branch, definition, {"": values})
    _check_links(model, db, command.branch, {"data": links_of(definition, values)})
    owner = f"{class_id}/{iid}"
    claims = uniqueness.claims_of(db, command.branch, definition, values)
    return Decision(
        [
            Change(state.aggregate_id, state.seq + 1, InstanceRestored(class_id, iid, values)),
            *uniqueness.claim(model, [(c, owner) for c in claims]),
        ],
        {"class_id": class_id, "instance_id": iid, "sequence_number": state.seq + 1},
    )


def delete_instance(model: WriteModel, command: DeleteInstance, _command_id: str) -> Decision:
    db, definition, state = _live_instance(model, command)
    iid = command.instance_id
    held = uniqueness.claims_of(db, command.branch, definition, state.body)
    return Decision(
        [
            Change(state.aggregate_id, state.seq + 1, InstanceDeleted(definition.id, iid)),
            *uniqueness.release(model, held, f"{definition.id}/{iid}"),
        ],
        {"class_id": definition.id, "instance_id": iid},
    )
