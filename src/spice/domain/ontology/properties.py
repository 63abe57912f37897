"""Property definitions: type, flags, default, labels and constraints, checked."""

from __future__ import annotations

from typing import Any

from spice.domain import names
from spice.domain.errors import field_error
from spice.domain.types import TYPES, TypeMismatch, canonical_type, check_spec, normalise

Errors = list[dict[str, Any]]
FLAGS = ("required", "unique", "primary_key")
PROPERTY_KEYS = {"name", "type", "label", "description", "default", "constraints", *FLAGS}
# Constraint keys also accepted at the top level of a property, as users often write them.
SHORTHAND = {
    "min", "max", "min_length", "max_length", "pattern", "enum", "values", "items",
    "properties", "min_items", "max_items", "unique_items", "default_region", "currencies",
    "scale", "version",
}  # fmt: skip


def label(value: Any, path: str, errors: Errors) -> Any:
    """A plain string, or text per language: {"en": "Customer", "ko": "고객"}."""
    if value is None or isinstance(value, str):
        return value
    if (
        isinstance(value, dict)
        and value
        and all(
            isinstance(k, str) and 2 <= len(k) <= 35 and isinstance(v, str)
            for k, v in value.items()
        )
    ):
        return dict(value)
    errors.append(field_error(path, "invalid_label", "a string or {language: text}", value))
    return None


MAX_NESTING = 8  # arrays of objects of arrays...: deeper than this is refused


def _type_spec(
    raw: dict[str, Any], path: str, errors: Errors, depth: int = 0
) -> dict[str, Any] | None:
    """The {type, constraints} part of a property or of an array's item type."""
    if depth > MAX_NESTING:
        errors.append(field_error(path, "too_deep", f"at most {MAX_NESTING} nested types", None))
        return None
    if "type" not in raw:
        errors.append(
            field_error(f"{path}.type", "required", f"a type, one of {sorted(TYPES)}", None)
        )
        return None
    type_name = canonical_type(raw["type"])
    if type_name is None:
        errors.append(
            field_error(f"{path}.type", "unknown_type", f"one of {sorted(TYPES)}", raw.get("type"))
        )
        return None
    given = raw.get("constraints") or {}
    if not isinstance(given, dict):
        errors.append(field_error(f"{path}.constraints", "invalid_constraints", "an object", given))
        return None
    found = {**{k: raw[k] for k in SHORTHAND if k in raw}, **given}
    if "items" in found:
        items = found["items"]
        items = {"type": items} if isinstance(items, str) else items
        if not isinstance(items, dict):
            errors.append(field_error(f"{path}.items", "invalid_items", "a type spec", items))
            return None
        nested = _type_spec(items, f"{path}.items", errors, depth + 1)
        if nested is None:
            return None
        found["items"] = nested
    if "properties" in found:
        fields = found["properties"]
        if not isinstance(fields, list):
            errors.append(field_error(f"{path}.properties", "invalid_list", "a list", fields))
            return None
        parsed = [
            parse_property(f, f"{path}.properties[{i}]", errors, depth + 1)
            for i, f in enumerate(fields)
        ]
        if any(p is None for p in parsed):
            return None
        found["properties"] = parsed
    spec, problems = check_spec({"type": type_name, "constraints": found})
    for p in problems:
        errors.append(field_error(f"{path}.constraints{p.path}", p.code, p.message, p.value))
    return None if problems else spec


def parse_property(raw: Any, path: str, errors: Errors, depth: int = 0) -> dict[str, Any] | None:
    """A property in canonical form, or None with the problems added to `errors`."""
    if not isinstance(raw, dict):
        errors.append(field_error(path, "invalid_property", "a property is an object", raw))
        return None
    for key in sorted(set(raw) - PROPERTY_KEYS - SHORTHAND):
        errors.append(field_error(f"{path}.{key}", "unknown_field", "not a property field", key))
    name = raw.get("name")
    if not isinstance(name, str) or not names.PROPERTY_NAME.fullmatch(name):
        errors.append(field_error(f"{path}.name", "invalid_identifier", "invalid name", name))
        return None
    flags = {}
    for flag in FLAGS:
        value = raw.get(flag, False)
        if not isinstance(value, bool):
            errors.append(field_error(f"{path}.{flag}", "invalid_flag", "a boolean", value))
        flags[flag] = value is True
    spec = _type_spec(raw, path, errors, depth)
    if spec is None:
        return None
    prop = {
        "name": name,
        **spec,
        "required": flags["required"] or flags["primary_key"],
        "unique": flags["unique"],
        "primary_key": flags["primary_key"],
        "default": None,
        "label": label(raw.get("label"), f"{path}.label", errors),
        "description": label(raw.get("description"), f"{path}.description", errors),
    }
    if raw.get("default") is not None:
        try:
            prop["default"] = normalise(prop, raw["default"])
        except TypeMismatch as exc:
            for p in exc.problems:
                errors.append(field_error(f"{path}.default{p.path}", p.code, p.message, p.value))
    return prop
