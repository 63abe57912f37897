"""Class definitions: checked and turned into their canonical form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from spice.domain import names
from spice.domain.canonical import dumps
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.ontology.model import CARDINALITIES, OntologyClass
from spice.domain.ontology.properties import Errors, label, parse_property

CARDINALITY_ALIASES = {
    "one_to_one": "1:1",
    "many_to_one": "n:1",
    "one_to_many": "1:n",
    "many_to_many": "n:n",
}
CLASS_KEYS = {
    "id",
    "label",
    "description",
    "parent_class",
    "properties",
    "relationships",
    "title_key",
    "metadata",
}
# Spellings of seed-era clients: `primaryKey` names the key properties at the class level.
CLASS_ALIASES = {
    "parent": "parent_class",
    "titleKey": "title_key",
    "primaryKey": "primary_key",
}
# Bounds of free-form metadata, of a class here and of a write in the API.
MAX_METADATA_KEYS = 32
MAX_METADATA_BYTES = 8 * 1024
RELATIONSHIP_KEYS = {
    "predicate",
    "target",
    "target_class",
    "cardinality",
    "required",
    "inverse",
    "label",
    "description",
}


def _relationship(raw: Any, path: str, errors: Errors) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(field_error(path, "invalid_relationship", "an object", raw))
        return None
    for key in sorted(set(raw) - RELATIONSHIP_KEYS):
        errors.append(
            field_error(f"{path}.{key}", "unknown_field", "not a relationship field", key)
        )
    predicate = raw.get("predicate")
    target = raw.get("target", raw.get("target_class"))
    cardinality = raw.get("cardinality", "n:1")
    cardinality = CARDINALITY_ALIASES.get(cardinality, cardinality)
    inverse = raw.get("inverse")
    start = len(errors)
    if not isinstance(predicate, str) or not names.PROPERTY_NAME.fullmatch(predicate):
        errors.append(field_error(f"{path}.predicate", "invalid_identifier", "bad name", predicate))
    if not isinstance(target, str) or not names.CLASS_ID.fullmatch(target.removeprefix("@")):
        errors.append(field_error(f"{path}.target", "invalid_identifier", "bad class", target))
    if cardinality not in CARDINALITIES:
        message = f"one of {CARDINALITIES}"
        errors.append(
            field_error(f"{path}.cardinality", "invalid_cardinality", message, cardinality)
        )
    if not isinstance(raw.get("required", False), bool):
        errors.append(field_error(f"{path}.required", "invalid_flag", "a boolean", raw["required"]))
    if inverse is not None and (
        not isinstance(inverse, str) or not names.PROPERTY_NAME.fullmatch(inverse)
    ):
        errors.append(field_error(f"{path}.inverse", "invalid_identifier", "bad name", inverse))
    if len(errors) > start:
        return None
    return {
        "predicate": predicate,
        "target": str(target).removeprefix("@"),
        "cardinality": cardinality,
        "required": bool(raw.get("required", False)),
        "inverse": inverse,
        "label": label(raw.get("label"), f"{path}.label", errors),
        "description": label(raw.get("description"), f"{path}.description", errors),
    }


def _list(payload: dict[str, Any], key: str, errors: Errors) -> list[Any]:
    value = payload.get(key) or []
    if not isinstance(value, list):
        errors.append(field_error(key, "invalid_list", "a list", value))
        return []
    return value


def parse_class(payload: Any) -> dict[str, Any]:
    """Check a class definition and return its canonical form, or raise ValidationFailed."""
    if not isinstance(payload, dict):
        raise ValidationFailed("a class definition is an object", [])
    errors: Errors = []
    payload = dict(payload)
    for alias, key in CLASS_ALIASES.items():
        if alias in payload and key not in payload:
            payload[key] = payload.pop(alias)
    _mark_primary_keys(payload, payload.pop("primary_key", None), errors)
    for key in sorted(set(payload) - CLASS_KEYS):
        errors.append(field_error(key, "unknown_field", "not a class field", key))
    class_id = payload.get("id")
    if not isinstance(class_id, str) or not names.CLASS_ID.fullmatch(class_id):
        errors.append(field_error("id", "invalid_identifier", "invalid class id", class_id))
    properties, relationships = _fields(payload, errors)
    parent = payload.get("parent_class")
    if parent is not None and (not isinstance(parent, str) or not names.CLASS_ID.fullmatch(parent)):
        errors.append(field_error("parent_class", "invalid_identifier", "bad class", parent))
    class_label = label(payload.get("label"), "label", errors)
    description = label(payload.get("description"), "description", errors)
    title_key = payload.get("title_key")
    if title_key is not None and title_key not in {p["name"] for p in properties}:
        errors.append(field_error("title_key", "unknown_property", "a property name", title_key))
    metadata = _metadata(payload.get("metadata"), errors)
    if errors:
        raise ValidationFailed(f"invalid class definition {class_id!r}", errors)
    return {
        "id": class_id,
        "label": class_label if class_label is not None else class_id,
        "description": description,
        "parent_class": parent,
        "properties": properties,
        "relationships": relationships,
        "title_key": title_key,
        "metadata": metadata,
    }


def _fields(
    payload: dict[str, Any], errors: Errors
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The checked properties and relationships; a name may be used once among them."""
    properties = [
        p
        for i, raw in enumerate(_list(payload, "properties", errors))
        if (p := parse_property(raw, f"properties[{i}]", errors))
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
    return properties, relationships


def _mark_primary_keys(payload: dict[str, Any], keys: Any, errors: Errors) -> None:
    """A class-level `primary_key` (a property name or a list of them) marks those
    properties as its key."""
    if keys is None:
        return
    wanted = [keys] if isinstance(keys, str) else keys
    if not isinstance(wanted, list) or not all(isinstance(k, str) for k in wanted):
        errors.append(field_error("primary_key", "invalid_key", "property names", keys))
        return
    properties = payload.get("properties")
    if not isinstance(properties, list):
        return  # reported with the properties
    declared = {p.get("name") for p in properties if isinstance(p, dict)}
    for name in wanted:
        if name not in declared:
            errors.append(field_error("primary_key", "unknown_property", "a property name", name))
    payload["properties"] = [
        {**p, "primary_key": True} if isinstance(p, dict) and p.get("name") in wanted else p
        for p in properties
    ]


def _metadata(value: Any, errors: Errors) -> dict[str, Any]:
    """Free-form class metadata (owner, source system, ...): a small JSON object."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(field_error("metadata", "type", "an object", value))
        return {}
    try:
        size = len(dumps(value))
    except TypeError:
        size = MAX_METADATA_BYTES + 1
    if len(value) > MAX_METADATA_KEYS or size > MAX_METADATA_BYTES:
        message = f"at most {MAX_METADATA_KEYS} keys and {MAX_METADATA_BYTES} bytes as JSON"
        errors.append(field_error("metadata", "too_large", message, None))
        return {}
    return value


MAX_INHERITANCE_DEPTH = 32  # classes in one chain of parents


def lineage(classes: Mapping[str, OntologyClass], class_id: str) -> list[str]:
    """The class and its ancestors among `classes` (by id), nearest first."""
    chain: list[str] = []
    current = class_id
    while current in classes and len(chain) < MAX_INHERITANCE_DEPTH:
        chain.append(current)
        parent = classes[current].parent_class
        if not parent:
            break
        current = parent
    return chain


def descendants(classes: Iterable[OntologyClass], class_id: str) -> list[str]:
    """Every class among `classes` that extends `class_id`, directly or not."""
    parents = {c.id: c.parent_class for c in classes}
    found, queue = [], [class_id]
    while queue:
        current = queue.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.append(child)
                queue.append(child)
    return found


def referrers(classes: Iterable[OntologyClass], class_id: str) -> list[str]:
    """Other classes among `classes` with a relationship that targets `class_id`."""
    return sorted(
        c.id
        for c in classes
        if c.id != class_id and any(r.target == class_id for r in c.relationships)
    )
