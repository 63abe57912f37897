"""Constraints on a property's values beyond its type: bounds, lengths, patterns, choices."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from spice.application.types.base import Problem, PropertyType, Spec, constraints

BY_FAMILY = {
    "number": ("min", "max"),
    "length": ("min_length", "max_length", "pattern"),
    "items": ("min_items", "max_items", "unique_items"),
}
ANY_TYPE = ("enum",)
MAX_PATTERN = 1000


def allowed_keys(ptype: PropertyType) -> set[str]:
    return set(BY_FAMILY.get(ptype.family, ())) | set(ptype.params) | set(ANY_TYPE)


def order_key(type_name: str, value: Any) -> Any:
    """A key ordering normal values of a "number" family type, for min and max."""
    if type_name in ("decimal", "percentage"):
        return Decimal(value)
    if type_name == "money":  # a bound is an amount; a value is {amount, currency}
        return Decimal(value["amount"] if isinstance(value, dict) else value)
    if type_name == "datetime":
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value  # integer, float, date (ISO dates order as text)


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def check(spec: Spec, value: Any) -> list[Problem]:
    """Problems of a normal `value` with the constraints of `spec`."""
    c = constraints(spec)
    if not c:
        return []
    problems: list[Problem] = []
    type_name = spec["type"]
    if "min" in c and order_key(type_name, value) < order_key(type_name, c["min"]):
        problems.append(Problem("", "min", f"must be at least {c['min']}", value))
    if "max" in c and order_key(type_name, value) > order_key(type_name, c["max"]):
        problems.append(Problem("", "max", f"must be at most {c['max']}", value))
    if isinstance(value, str):
        if "min_length" in c and len(value) < c["min_length"]:
            problems.append(Problem("", "min_length", f"at least {c['min_length']} chars", value))
        if "max_length" in c and len(value) > c["max_length"]:
            problems.append(Problem("", "max_length", f"at most {c['max_length']} chars", value))
        if "pattern" in c and compiled(c["pattern"]).search(value) is None:
            problems.append(Problem("", "pattern", f"must match {c['pattern']}", value))
    if isinstance(value, list):
        if "min_items" in c and len(value) < c["min_items"]:
            problems.append(Problem("", "min_items", f"at least {c['min_items']} items", value))
        if "max_items" in c and len(value) > c["max_items"]:
            problems.append(Problem("", "max_items", f"at most {c['max_items']} items", value))
        if c.get("unique_items") and len({repr(v) for v in value}) != len(value):
            problems.append(Problem("", "unique_items", "items must be distinct", value))
    if "enum" in c and value not in c["enum"]:
        problems.append(Problem("", "enum", f"must be one of {c['enum']}", value))
    return problems


def _count(c: dict[str, Any], key: str) -> list[Problem]:
    value = c.get(key)
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return [Problem(f".{key}", "invalid_constraint", "a non-negative integer", value)]
    return []


def check_definition(ptype: PropertyType, spec: Spec, normalise: Any) -> tuple[Spec, list[Problem]]:
    """Check the constraints of a property definition; return the spec with its bounds and
    choices normalised (so comparisons are between normal forms), and the problems."""
    c = dict(constraints(spec))
    problems = [
        Problem(f".{key}", "unknown_constraint", f"not a constraint of {ptype.name}", c[key])
        for key in sorted(set(c) - allowed_keys(ptype) - {"items", "properties"})
    ]
    bound_spec = {
        "type": ptype.name,
        "constraints": {k: v for k, v in c.items() if k not in ("min", "max", "enum")},
    }
    for key in ("min", "max"):
        if key in c:
            raw = c[key]
            try:
                c[key] = normalise(
                    bound_spec,
                    {"amount": str(raw), "currency": "USD"} if ptype.name == "money" else raw,
                )
            except ValueError:
                problems.append(Problem(f".{key}", "invalid_constraint", f"a {ptype.name}", raw))
                del c[key]
            else:
                if ptype.name == "money":
                    c[key] = c[key]["amount"]
    if (
        "min" in c
        and "max" in c
        and (order_key(ptype.name, c["min"]) > order_key(ptype.name, c["max"]))
    ):
        problems.append(Problem(".min", "invalid_constraint", "min is above max", c["min"]))
    for key in ("min_length", "max_length", "min_items", "max_items"):
        problems += _count(c, key)
    if "pattern" in c:
        pattern = c["pattern"]
        try:
            if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
                raise re.error("not a string of at most 1000 characters")
            compiled(pattern)
        except re.error as exc:
            problems.append(
                Problem(".pattern", "invalid_constraint", f"bad pattern: {exc}", pattern)
            )
    if "unique_items" in c and not isinstance(c["unique_items"], bool):
        problems.append(
            Problem(".unique_items", "invalid_constraint", "a boolean", c["unique_items"])
        )
    if "enum" in c:
        if not isinstance(c["enum"], list) or not c["enum"]:
            problems.append(Problem(".enum", "invalid_constraint", "a non-empty list", c["enum"]))
        else:
            try:
                c["enum"] = [normalise(bound_spec, v) for v in c["enum"]]
            except ValueError:
                problems.append(
                    Problem(".enum", "invalid_constraint", f"values of {ptype.name}", c["enum"])
                )
    return {**spec, "constraints": c}, problems
