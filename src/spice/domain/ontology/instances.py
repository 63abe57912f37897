"""Instances: validating a payload against its class and deriving the instance id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spice.domain import names
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.ontology.model import OntologyClass, Relationship
from spice.domain.types import TypeMismatch, normalise


def derive_instance_id(definition: OntologyClass, data: dict[str, Any]) -> str | None:
    """The id given by the primary key property, else by `<class>_id`, else None."""
    keys: tuple[str, ...] | list[str] = definition.key
    if not keys:
        conventional = f"{definition.id.lower()}_id"
        keys = [conventional] if definition.property(conventional) else []
    values = [data.get(k) for k in keys]
    if not keys or any(v is None or v == "" for v in values):
        return None
    return "_".join(str(v) for v in values)


def _reference(value: Any, target: str, path: str, errors: list[dict[str, Any]]) -> str | None:
    """ "Class/id" (the class may be the target or a subclass of it, checked by the handler
    against the ontology), or a bare id of the target class."""
    if not isinstance(value, str) or not value:
        errors.append(field_error(path, "invalid_reference", "a 'Class/id' or 'id' string", value))
        return None
    class_id, _, instance_id = value.rpartition("/")
    if class_id and not names.CLASS_ID.fullmatch(class_id):
        errors.append(field_error(path, "invalid_reference", "invalid class id", value))
        return None
    if not names.INSTANCE_ID.fullmatch(instance_id):
        errors.append(field_error(path, "invalid_reference", "invalid instance id", value))
        return None
    return f"{class_id or target}/{instance_id}"


def foreign_links(definition: OntologyClass, values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(predicate, reference, target class) of each link to a class other than the
    relationship's target: each must be a subclass of it."""
    return [
        (rel.predicate, ref, rel.target)
        for rel, ref in each_link(definition, values)
        if ref.split("/", 1)[0] != rel.target
    ]


def _link(rel: Relationship, value: Any, errors: list[dict[str, Any]]) -> Any:
    path = rel.predicate
    if rel.single:
        if isinstance(value, list):
            errors.append(field_error(path, "cardinality", f"{rel.cardinality}: one", value))
            return None
        return _reference(value, rel.target, path, errors)
    items = value if isinstance(value, list) else [value]
    refs = [_reference(v, rel.target, f"{path}[{i}]", errors) for i, v in enumerate(items)]
    return list(dict.fromkeys(r for r in refs if r))


def validate_instance(
    definition: OntologyClass, data: Any, *, partial: bool = False
) -> dict[str, Any]:
    """Return the normalised values (properties and links); `partial` is for updates.

    In an update a `null` value removes an optional field.
    """
    if not isinstance(data, dict):
        raise ValidationFailed(
            "instance data is an object", [field_error("data", "type", "", data)]
        )
    errors: list[dict[str, Any]] = []
    props = definition.properties_by_name
    rels = definition.relationships_by_predicate
    result: dict[str, Any] = {}
    for key, value in data.items():
        spec = props.get(key)
        rel = rels.get(key)
        declared = spec or rel
        required = declared is not None and declared.required
        if declared is None:
            errors.append(field_error(key, "unknown_property", "not defined on the class", value))
        elif value is None:
            if required:
                errors.append(field_error(key, "required", "may not be null", value))
            elif partial:
                result[key] = None
        elif spec is not None:
            try:
                result[key] = normalise(spec.spec, value)
            except TypeMismatch as exc:
                errors += [
                    field_error(f"{key}{p.path}", p.code, p.message, p.value) for p in exc.problems
                ]
        else:
            assert rel is not None
            result[key] = _link(rel, value, errors)
    if not partial:
        for key, spec in props.items():
            if key not in data and spec.default is not None:
                result[key] = spec.default
        required_fields = [
            *(p.name for p in props.values() if p.required),
            *(r.predicate for r in rels.values() if r.required),
        ]
        for key in required_fields:
            missing = result.get(key) is None
            if missing and not any(e["path"] == key for e in errors):
                errors.append(field_error(key, "required", "is required", None))
    if errors:
        raise ValidationFailed(f"invalid {definition.id} instance", errors)
    return result


def each_link(
    definition: OntologyClass, values: dict[str, Any]
) -> Iterator[tuple[Relationship, str]]:
    """(relationship, 'Class/id') for every link among `values`, one or many per predicate."""
    for rel in definition.relationships:
        value = values.get(rel.predicate)
        for ref in value if isinstance(value, list) else [value] if value else []:
            yield rel, ref


def links_of(definition: OntologyClass, values: dict[str, Any]) -> list[str]:
    """Every 'Class/id' reference among `values`."""
    return [ref for _, ref in each_link(definition, values)]
