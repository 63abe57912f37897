"""Constraints on a property's values beyond its type: bounds, lengths, patterns, choices.

Patterns run on RE2 (linear time, no backtracking), so a pattern in a class definition can
never make validation of a value hang.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

import re2

from spice.domain.canonical import dumps
from spice.domain.types.base import Problem, PropertyType, Spec, constraints

BY_FAMILY = {
    "number": ("min", "max"),
    "length": ("min_length", "max_length", "pattern"),
    "items": ("min_items", "max_items", "unique_items"),
}
ANY_TYPE = ("enum",)
MAX_PATTERN = 1000
MAX_ENUM = 10_000
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


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
def compiled(pattern: str) -> Any:
    return re2.compile(pattern, _RE2_OPTIONS)


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
        if c.get("unique_items") and len({dumps(v) for v in value}) != len(value):
            problems.append(Problem("", "unique_items", "items must be distinct", value))
    if "enum" in c and value not in c["enum"]:
        problems.append(Problem("", "enum", f"must be one of {c['enum']}", value))
    return problems


def _invalid(key: str, message: str, value: Any) -> Problem:
    return Problem(f".{key}", "invalid_constraint", message, value)


def _count(c: dict[str, Any], key: str) -> list[Problem]:
    value = c.get(key)
    if key not in c:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**31:
        return [_invalid(key, "a non-negative integer", value)]
    return []


def _shapes(c: dict[str, Any]) -> list[Problem]:
    """Problems of the constraints' own shapes, before any is used."""
    problems = [
        p for key in ("min_length", "max_length", "min_items", "max_items") for p in _count(c, key)
    ]
    for low, high in (("min_length", "max_length"), ("min_items", "max_items")):
        if not problems and low in c and high in c and c[low] > c[high]:
            problems.append(_invalid(low, f"{low} is above {high}", c[low]))
    if "pattern" in c:
        pattern = c["pattern"]
        if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
            problems.append(
                _invalid("pattern", "a regular expression of at most 1000 characters", pattern)
            )
        else:
            try:
                compiled(pattern)
            except (re2.error, UnicodeError) as exc:
                message = f"not a valid RE2 pattern: {exc}"
                problems.append(_invalid("pattern", message, pattern))
    if "unique_items" in c and not isinstance(c["unique_items"], bool):
        problems.append(_invalid("unique_items", "a boolean", c["unique_items"]))
    if "enum" in c and (not isinstance(c["enum"], list) or not 0 < len(c["enum"]) <= MAX_ENUM):
        problems.append(_invalid("enum", "a non-empty list", c["enum"]))
    for key in ("min", "max"):
        if key in c and (c[key] is None or isinstance(c[key], bool | dict | list)):
            problems.append(_invalid(key, "a number, date or date-time", c[key]))
    return problems


def check_definition(ptype: PropertyType, spec: Spec, normalise: Any) -> tuple[Spec, list[Problem]]:
    """Check the constraints of a property definition; return the spec with its bounds and
    choices normalised (so comparisons are between normal forms), and the problems."""
    c = dict(constraints(spec))
    unknown = sorted(set(c) - allowed_keys(ptype))
    problems = [
        Problem(f".{key}", "unknown_constraint", f"not a constraint of {ptype.name}", c.pop(key))
        for key in unknown
    ]
    problems += _shapes(c)
    if ptype.check_params is not None:
        problems += ptype.check_params({**spec, "constraints": c})
    if problems:
        return {**spec, "constraints": c}, problems
    plain = {
        "type": ptype.name,
        "constraints": {k: v for k, v in c.items() if k not in ("min", "max", "enum")},
    }
    for key in ("min", "max"):
        if key in c:
            try:
                c[key] = _bound(ptype.name, plain, c[key], normalise)
            except (ValueError, TypeError):
                problems.append(_invalid(key, f"a bound of {ptype.name}", c[key]))
    if (
        not problems
        and "min" in c
        and "max" in c
        and order_key(ptype.name, c["min"]) > order_key(ptype.name, c["max"])
    ):
        problems.append(_invalid("min", "min is above max", c["min"]))
    if "enum" in c:
        try:
            c["enum"] = [normalise(plain, v) for v in c["enum"]]
        except (ValueError, TypeError):
            problems.append(_invalid("enum", f"values of {ptype.name}", c["enum"]))
    return {**spec, "constraints": c}, problems


def _bound(type_name: str, plain: Spec, raw: Any, normalise: Any) -> Any:
    if type_name == "money":  # bounds are amounts, in whatever currency the value has
        return normalise({"type": "decimal", "constraints": {}}, raw)
    return normalise(plain, raw)
