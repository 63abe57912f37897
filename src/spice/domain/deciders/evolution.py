"""Schema evolution: a class change checked against the instances that exist.

A change existing data satisfies applies as it is. A change it would violate is refused
with the violating instances, unless the request carries a migration that makes every
instance valid; the migrated values are then written as events in the same command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.deciders import uniqueness
from spice.domain.deciders.base import Change, WriteModel
from spice.domain.deciders.instances import wrong_class_links
from spice.domain.errors import Conflict, ValidationFailed, field_error
from spice.domain.events import InstanceUpdated
from spice.domain.ontology.instances import links_of, validate_instance
from spice.domain.ontology.model import EffectiveClass, OntologyClass, Property, Relationship
from spice.domain.types import TypeMismatch, normalise

MIGRATION_KEYS = {"rename", "defaults", "drop", "transform"}
TRANSFORMS = ("cast", "null_if_invalid")


@dataclass
class Analysis:
    """What a class change does to existing instances."""

    checked: int = 0
    violations: list[dict[str, Any]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    migrated: int = 0
    diff: dict[str, list[Any]] = field(default_factory=dict)


def parse_migration(raw: Any, new_fields: set[str]) -> dict[str, Any]:
    """Check a migration: {rename: {old: new}, defaults: {field: value}, drop: [field],
    transform: {field: "cast" | "null_if_invalid"}}."""
    if raw is None:
        return {"rename": {}, "defaults": {}, "drop": [], "transform": {}}
    errors = []
    if not isinstance(raw, dict):
        raise ValidationFailed(
            "a migration is an object", [field_error("migration", "type", "an object", raw)]
        )
    for key in sorted(set(raw) - MIGRATION_KEYS):
        errors.append(
            field_error(f"migration.{key}", "unknown_field", str(sorted(MIGRATION_KEYS)), key)
        )
    rename, defaults = raw.get("rename") or {}, raw.get("defaults") or {}
    drop, transform = raw.get("drop") or [], raw.get("transform") or {}

    def names_in(mapping: Any, values: tuple[Any, ...] | None = None) -> bool:
        return isinstance(mapping, dict) and all(
            isinstance(k, str)
            and ((isinstance(v, str) and v in new_fields) if values is None else v in values)
            for k, v in mapping.items()
        )

    if not names_in(rename):
        errors.append(field_error("migration.rename", "invalid_rename", "{old: new field}", rename))
    if not isinstance(defaults, dict) or not all(
        isinstance(k, str) and k in new_fields for k in defaults
    ):
        message = "{field of the new definition: value}"
        errors.append(field_error("migration.defaults", "invalid_defaults", message, defaults))
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        errors.append(field_error("migration.drop", "invalid_drop", "a list of field names", drop))
    if not names_in(transform, TRANSFORMS) or not set(transform) <= new_fields:
        message = f"{{field: one of {TRANSFORMS}}}"
        errors.append(field_error("migration.transform", "invalid_transform", message, transform))
    if errors:
        raise ValidationFailed("invalid migration", errors)
    return {"rename": rename, "defaults": defaults, "drop": drop, "transform": transform}


def live_instances(
    model: WriteModel, db: str, branch: str, classes: list[str]
) -> Iterator[AggregateState]:
    for class_id in classes:
        prefix = names.instance_aggregate(db, branch, class_id, "")
        after = ""
        while ids := model.stream_ids(prefix, after, 500):
            live = model.live_heads(ids)
            for aggregate_id in ids:
                if aggregate_id in live:
                    yield model.load(aggregate_id)
            after = ids[-1]


def live_classes(model: WriteModel, db: str, branch: str) -> list[OntologyClass]:
    """The definitions of every live class on the branch."""
    ids = model.stream_ids(names.class_aggregate(db, branch, ""), "", 100_000)
    live = model.live_heads(ids)
    return [OntologyClass.of(model.load(a).body) for a in ids if a in live]


def _migrate(
    values: dict[str, Any], definition: OntologyClass, migration: dict[str, Any]
) -> dict[str, Any]:
    out = dict(values)
    for old, new in migration["rename"].items():
        if old in out:
            out[new] = out.pop(old)
    for name in migration["drop"]:
        out.pop(name, None)
    for name, how in migration["transform"].items():
        prop = definition.property(name)
        if out.get(name) is None or prop is None:
            continue
        try:
            out[name] = normalise(prop.spec, out[name])
        except TypeMismatch:
            # What cannot be cast is left as it is, and reported as a violation.
            with suppress(TypeMismatch):
                out[name] = normalise(prop.spec, str(out[name])) if how == "cast" else None
    for name, value in migration["defaults"].items():
        if out.get(name) is None:
            out[name] = value
    return {k: v for k, v in out.items() if v is not None}


def analyse(
    model: WriteModel,
    db: str,
    branch: str,
    definition: EffectiveClass,
    old: EffectiveClass,
    migration: dict[str, Any],
    classes: list[str],
) -> Analysis:
    """Check every live instance of `classes` (the class and its subclasses) against the new
    effective `definition` (`old` is the effective one it replaces); only the fields it (or
    a removed field of it) governs are checked. Unique values follow the change: released
    where they stop being unique (or move, by a rename or a transform), claimed where they
    start."""
    change = _ClassChange(model, db, branch, definition, old, migration)
    for state in live_instances(model, db, branch, classes):
        change.check(state)
    result = change.result
    result.violations += _dangling(model, db, branch, change.links)
    if not result.violations:
        change.move_unique_values()
    return result


@dataclass
class _ClassChange:
    """One class change, checked instance by instance."""

    model: WriteModel
    db: str
    branch: str
    definition: EffectiveClass
    old: EffectiveClass
    migration: dict[str, Any]
    result: Analysis = field(default_factory=Analysis)
    claims: list[tuple[uniqueness.Claim, str]] = field(default_factory=list)
    releases: list[tuple[uniqueness.Claim, str]] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)  # target -> instances to it
    lineages: dict[str, list[str]] = field(default_factory=dict)
    governed: set[str] = field(default_factory=set)  # the fields the change is about

    def __post_init__(self) -> None:
        renamed = self.migration["rename"]
        self.governed = {*self.definition.field_names, *self.old.field_names, *renamed}

    def check(self, state: AggregateState) -> None:
        """Record the instance's violation, or the values the change gives it."""
        self.result.checked += 1
        _, _, _, class_id, iid = state.aggregate_id.split(":", 4)
        ref = f"{class_id}/{iid}"
        mine = {k: v for k, v in state.body.items() if k in self.governed}
        try:
            valid = validate_instance(
                self.definition, _migrate(mine, self.definition, self.migration)
            )
        except ValidationFailed as exc:
            self.result.violations.append({"instance": ref, "errors": exc.errors[:20]})
            return
        wrong = wrong_class_links(
            self.model, self.db, self.branch, self.definition, valid, self.lineages
        )
        if wrong:
            self.result.violations.append({"instance": ref, "errors": wrong})
            return
        changes = {k: v for k, v in valid.items() if state.body.get(k) != v}
        for target in links_of(self.definition, changes):
            self.links.setdefault(target, []).append(ref)
        before = uniqueness.claims_of(self.db, self.branch, self.old, state.body)
        after = uniqueness.claims_of(self.db, self.branch, self.definition, valid)
        self.releases += [(c, ref) for c in before if c not in after]
        self.claims += [(c, ref) for c in after if c not in before]
        changes.update({k: None for k in mine if k not in valid})
        if changes:
            self.result.migrated += 1
            event = InstanceUpdated(class_id, iid, changes, migration=True)
            self.result.changes.append(Change(state.aggregate_id, state.seq + 1, event))

    def move_unique_values(self) -> None:
        """Release and claim unique values as the change moves them; values that turn out
        not to be unique become violations."""
        freed = uniqueness.release_all(self.model, self.releases)
        self.result.changes += freed
        try:
            self.result.changes += uniqueness.claim(self.model, self.claims, "instances", freed)
        except Conflict as exc:  # existing values are not unique
            for c in exc.details.get("conflicts", []):
                message = f"also used by {c['held_by']}"
                error = field_error(c["property"], "unique", message, c["value"])
                self.result.violations.append({"instance": c["instance"], "errors": [error]})


def _dangling(
    model: WriteModel, db: str, branch: str, links: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Violations for links a migration would make to instances that do not exist."""
    wanted = {t: names.instance_aggregate(db, branch, *t.split("/", 1)) for t in links}
    live = model.live_heads(wanted.values())
    return [
        {
            "instance": ref,
            "errors": [field_error("links", "link_target_not_found", f"no live {t}", t)],
        }
        for t, refs in sorted(links.items())
        if wanted[t] not in live
        for ref in refs
    ]


def schema_diff(
    old: OntologyClass, new: OntologyClass, rename: dict[str, str]
) -> dict[str, list[Any]]:
    """What a class change does to its fields, for the event and for readers of history."""

    def fields(definition: OntologyClass) -> dict[str, Property | Relationship]:
        return {**definition.properties_by_name, **definition.relationships_by_predicate}

    before, after = fields(old), fields(new)
    renamed = {o: n for o, n in rename.items() if o in before and n in after}
    return {
        "added": sorted(set(after) - set(before) - set(renamed.values())),
        "removed": sorted(set(before) - set(after) - set(renamed)),
        "renamed": [{"from": o, "to": n} for o, n in sorted(renamed.items())],
        "changed": sorted(name for name in set(before) & set(after) if before[name] != after[name]),
    }
