"""The property types of the ontology, with their parameters and constraints.

`normalise(spec, value)` validates a value against a property spec (type, parameters,
constraints) and returns its normal form; `check_spec` checks a spec in a class definition.
"""

from __future__ import annotations

from typing import Any

from spice.domain.types import constraints as cons
from spice.domain.types import contact, scalars, structured, temporal
from spice.domain.types.base import Problem, PropertyType, Spec, TypeMismatch, fail

__all__ = ["Problem", "PropertyType", "Spec", "TypeMismatch", "canonical_type", "check_spec"]


def _array(value: Any, spec: Spec) -> list[Any]:
    if not isinstance(value, list):
        raise fail("array", "expected a list", value)
    items = cons.constraints(spec).get("items") or {"type": "string"}
    out, problems = [], []
    for i, item in enumerate(value):
        try:
            out.append(normalise(items, item))
        except TypeMismatch as exc:
            problems += [
                Problem(f"[{i}]{p.path}", p.code, p.message, p.value) for p in exc.problems
            ]
    if problems:
        raise TypeMismatch.of(problems)
    return out


def _object(value: Any, spec: Spec) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail("object", "expected an object", value)
    fields = {p["name"]: p for p in cons.constraints(spec).get("properties") or []}
    out, problems = {}, []
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            problems.append(
                Problem(f".{key}", "unknown_property", "not a field of the object", item)
            )
            continue
        if item is None:
            continue
        try:
            out[key] = normalise(field, item)
        except TypeMismatch as exc:
            problems += [
                Problem(f".{key}{p.path}", p.code, p.message, p.value) for p in exc.problems
            ]
    for name, field in fields.items():
        if name not in out and field.get("default") is not None:
            out[name] = field["default"]
        if (
            field.get("required")
            and out.get(name) is None
            and not any(p.path.startswith(f".{name}") for p in problems)
        ):
            problems.append(Problem(f".{name}", "required", "is required", None))
    if problems:
        raise TypeMismatch.of(problems)
    return out


COMPOSITE = [
    PropertyType(
        "array",
        "List of values of one item type",
        _array,
        ["a", "b"],
        {
            "items": "item spec {type, constraints} (default string)",
            "min_items": "fewest items",
            "max_items": "most items",
            "unique_items": "items must be distinct",
        },
        family="items",
    ),
    PropertyType(
        "object",
        "Nested object with its own typed fields",
        _object,
        {"sku": "A-1", "qty": 2},
        {"properties": "list of nested property definitions"},
    ),
]

TYPES: dict[str, PropertyType] = {
    t.name: t
    for t in (*scalars.TYPES, *temporal.TYPES, *contact.TYPES, *structured.TYPES, *COMPOSITE)
}
ALIASES = {
    "int": "integer",
    "long": "integer",
    "bool": "boolean",
    "str": "string",
    "dateTime": "datetime",
    "double": "float",
    "anyURI": "uri",
    "geopoint": "coordinate",
    "struct": "object",
    "list": "array",
    "percent": "percentage",
}


def canonical_type(name: Any) -> str | None:
    """The canonical name of a type (accepts `xsd:`/`custom:` prefixes and aliases), or None."""
    if not isinstance(name, str):
        return None
    bare = name.removeprefix("xsd:").removeprefix("custom:")
    bare = ALIASES.get(bare, bare)
    return bare if bare in TYPES else None


def normalise(spec: Spec, value: Any) -> Any:
    """Validate `value` against the spec's type and constraints; return its normal form."""
    ptype = TYPES[spec["type"]]
    normal = ptype.normalise(value, spec)
    problems = cons.check(spec, normal)
    if problems:
        raise TypeMismatch.of(problems)
    return normal


def check_spec(spec: Spec) -> tuple[Spec, list[Problem]]:
    """Check a property spec's parameters and constraints (nested specs are already
    canonical); return it with bounds normalised, and every problem found."""
    ptype = TYPES[spec["type"]]
    checked, problems = cons.check_definition(ptype, spec, normalise)
    if ptype.check_params is not None:
        problems += ptype.check_params(checked)
    return checked, problems


def describe() -> list[dict[str, Any]]:
    """Every type with its description, parameters, constraints and an example."""
    return [
        {
            "name": t.name,
            "description": t.description,
            "parameters": {
                **{k: v or k.replace("_", " ") for k, v in t.params.items()},
                **{k: k.replace("_", " ") for k in sorted(cons.allowed_keys(t) - set(t.params))},
            },
            "example": t.example,
            "normal_form": normalise(
                {"type": t.name, "constraints": _example_constraints(t)}, t.example
            ),
        }
        for t in TYPES.values()
    ]


def _example_constraints(t: PropertyType) -> dict[str, Any]:
    if t.name == "enum":
        return {"values": [t.example]}
    if t.name == "object":
        return {
            "properties": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "integer"}]
        }
    return {}
