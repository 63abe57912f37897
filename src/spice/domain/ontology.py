"""Ontology classes: parsing and checking a class definition into its canonical form."""

from __future__ import annotations

from typing import Any

from spice.domain import names
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.types import canonical_type

CARDINALITIES = ("1:1", "n:1", "1:n", "n:n")
SINGLE_CARDINALITIES = frozenset({"1:1", "n:1"})


def _label(value: Any, path: str, errors: list[dict[str, Any]]) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return dict(value)
    errors.append(field_error(path, "invalid_label", "a string or {lang: text}", value))
    return None


def _property(raw: Any, path: str, errors: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(field_error(path, "invalid_property", "a property is an object", raw))
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not names.PROPERTY_NAME.fullmatch(name):
        errors.append(field_error(f"{path}.name", "invalid_identifier", "invalid name", name))
        return None
    type_name = canonical_type(raw.get("type", "string"))
    if type_name is None:
        errors.append(field_error(f"{path}.type", "unknown_type", "unknown type", raw.get("type")))
        return None
    for flag in ("required", "primary_key"):
        if not isinstance(raw.get(flag, False), bool):
            errors.append(field_error(f"{path}.{flag}", "invalid_flag", "a boolean", raw[flag]))
    return {
        "name": name,
        "type": type_name,
        "required": bool(raw.get("required", False)),
        "primary_key": bool(raw.get("primary_key", False)),
        "label": _label(raw.get("label"), f"{path}.label", errors),
        "description": _label(raw.get("description"), f"{path}.description", errors),
    }


def _relationship(raw: Any, path: str, errors: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(field_error(path, "invalid_relationship", "an object", raw))
        return None
    predicate = raw.get("predicate")
    target = raw.get("target", raw.get("target_class"))
    cardinality = raw.get("cardinality", "n:1")
    ok = True
    if not isinstance(predicate, str) or not names.PROPERTY_NAME.fullmatch(predicate):
        errors.append(field_error(f"{path}.predicate", "invalid_identifier", "bad name", predicate))
        ok = False
    if not isinstance(target, str) or not names.CLASS_ID.fullmatch(target.removeprefix("@")):
        errors.append(field_error(f"{path}.target", "invalid_identifier", "bad class", target))
        ok = False
    if cardinality not in CARDINALITIES:
        errors.append(
            field_error(
                f"{path}.cardinality", "invalid_cardinality", str(CARDINALITIES), cardinality
            )
        )
        ok = False
    if not isinstance(raw.get("required", False), bool):
        errors.append(field_error(f"{path}.required", "invalid_flag", "a boolean", raw["required"]))
        ok = False
    if not ok:
        return None
    return {
        "predicate": predicate,
        "target": str(target).removeprefix("@"),
        "cardinality": cardinality,
        "required": bool(raw.get("required", False)),
        "inverse": raw.get("inverse") if isinstance(raw.get("inverse"), str) else None,
        "label": _label(raw.get("label"), f"{path}.label", errors),
    }


def _list(payload: dict[str, Any], key: str, errors: list[dict[str, Any]]) -> list[Any]:
    value = payload.get(key) or []
    if not isinstance(value, list):
        errors.append(field_error(key, "invalid_list", "a list", value))
        return []
    return value


def parse_class(payload: Any) -> dict[str, Any]:
    """Check a class definition and return its canonical form, or raise ValidationFailed."""
    if not isinstance(payload, dict):
        raise ValidationFailed("a class definition is an object", [])
    errors: list[dict[str, Any]] = []
    class_id = payload.get("id")
    if not isinstance(class_id, str) or not names.CLASS_ID.fullmatch(class_id):
        errors.append(field_error("id", "invalid_identifier", "invalid class id", class_id))
    properties = [
        p
        for i, raw in enumerate(_list(payload, "properties", errors))
        if (p := _property(raw, f"properties[{i}]", errors))
    ]
    relationships = [
        r
        for i, raw in enumerate(_list(payload, "relationships", errors))
        if (r := _relationship(raw, f"relationships[{i}]", errors))
    ]
    seen: set[str] = set()
    for field_name in [p["name"] for p in properties] + [r["predicate"] for r in relationships]:
        if field_name in seen:
            errors.append(field_error(field_name, "duplicate_field", "defined twice", field_name))
        seen.add(field_name)
    parent = payload.get("parent_class")
    if parent is not None and (not isinstance(parent, str) or not names.CLASS_ID.fullmatch(parent)):
        errors.append(field_error("parent_class", "invalid_identifier", "bad class", parent))
    label = _label(payload.get("label"), "label", errors)
    description = _label(payload.get("description"), "description", errors)
    if errors:
        raise ValidationFailed(f"invalid class definition {class_id!r}", errors)
    return {
        "id": class_id,
        "label": label if label is not None else class_id,
        "description": description,
        "parent_class": parent,
        "properties": properties,
        "relationships": relationships,
    }


def referenced_classes(definition: dict[str, Any]) -> set[str]:
    """Classes a definition points at (relationship targets and parent), itself excluded."""
    targets = {r["target"] for r in definition["relationships"]}
    if definition.get("parent_class"):
        targets.add(definition["parent_class"])
    targets.discard(definition["id"])
    return targets
