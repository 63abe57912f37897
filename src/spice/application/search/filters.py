"""Reading filters from JSON into the filter tree (see `query`), with errors a user can fix.

Forms: {"term": {"field": value}}, {"in": {"field": [values]}},
{"range": {"field": {"gt"|"gte"|"lt"|"lte": bound}}}, {"exists": "field"},
{"and": [filters]}, {"or": [filters]}, {"not": filter}; and the shorthand
{"field": value, ...} for a conjunction of terms.
"""

from __future__ import annotations

import math
from typing import Any

from spice.application.search.query import RANGE_OPS, Filter, numeric
from spice.domain.errors import ValidationFailed, field_error

OPERATORS = ("term", "in", "range", "exists", "and", "or", "not")
MAX_DEPTH = 16
MAX_NODES = 500
MAX_IN_VALUES = 1000


class _Parser:
    def __init__(self) -> None:
        self.nodes = 0

    def fail(self, path: str, message: str, value: Any = None) -> ValidationFailed:
        return ValidationFailed(
            f"invalid filter at {path}: {message}",
            [field_error(path, "invalid_filter", message, value)],
        )

    def parse(self, obj: Any, path: str, depth: int) -> Filter:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise self.fail(path, f"at most {MAX_DEPTH} levels and {MAX_NODES} parts")
        if not isinstance(obj, dict) or not obj:
            raise self.fail(path, "a filter is a non-empty object", obj)
        if not any(k in OPERATORS for k in obj):
            terms = [("term", k, self.scalar(v, f"{path}.{k}")) for k, v in obj.items()]
            return terms[0] if len(terms) == 1 else ("and", terms)
        if len(obj) != 1:
            raise self.fail(path, "one operator per object; combine them with 'and'", obj)
        op, arg = next(iter(obj.items()))
        at = f"{path}.{op}"
        if op in ("and", "or"):
            if not isinstance(arg, list) or not arg:
                raise self.fail(at, "a non-empty list of filters", arg)
            return (op, [self.parse(x, f"{at}[{i}]", depth + 1) for i, x in enumerate(arg)])
        if op == "not":
            return ("not", self.parse(arg, at, depth + 1))
        if op == "exists":
            return ("exists", self.field(arg, at))
        name, value = self.single(arg, at)
        if op == "term":
            return ("term", name, self.scalar(value, f"{at}.{name}"))
        if op == "in":
            if not isinstance(value, list) or not 0 < len(value) <= MAX_IN_VALUES:
                raise self.fail(f"{at}.{name}", f"a list of 1 to {MAX_IN_VALUES} values", value)
            return ("in", name, [self.scalar(v, f"{at}.{name}[{i}]") for i, v in enumerate(value)])
        return ("range", name, self.bounds(value, f"{at}.{name}"))

    def single(self, arg: Any, at: str) -> tuple[str, Any]:
        if not isinstance(arg, dict) or len(arg) != 1:
            raise self.fail(at, "an object with exactly one field", arg)
        name, value = next(iter(arg.items()))
        return self.field(name, at), value

    def field(self, name: Any, at: str) -> str:
        if not isinstance(name, str) or not name:
            raise self.fail(at, "a field name", name)
        return name

    def scalar(self, value: Any, at: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
            raise self.fail(at, "a number within 64-bit integers", value)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(at, "a finite number", str(value))
        if isinstance(value, bool | int | float | str):
            return value
        raise self.fail(at, "a string, number or boolean", value)

    def bounds(self, value: Any, at: str) -> dict[str, Any]:
        if not isinstance(value, dict) or not value or set(value) - set(RANGE_OPS):
            raise self.fail(at, "an object of gt, gte, lt, lte", value)
        if {"gt", "gte"} <= set(value) or {"lt", "lte"} <= set(value):
            raise self.fail(at, "one lower and one upper bound at most", value)
        for op, bound in value.items():
            if isinstance(bound, int) and not isinstance(bound, bool) and abs(bound) >= 2**63:
                raise self.fail(f"{at}.{op}", "a number within 64-bit integers", bound)
            if isinstance(bound, float) and not math.isfinite(bound):
                raise self.fail(f"{at}.{op}", "a finite number", str(bound))
            if isinstance(bound, bool) or numeric(bound) is None:
                raise self.fail(
                    f"{at}.{op}", "a number, decimal string, date, date-time or time", bound
                )
        return dict(value)


def parse_filter(obj: Any, path: str = "filter") -> Filter:
    return _Parser().parse(obj, path, 0)


def fields_of(f: Filter) -> list[str]:
    """The field names a filter tree uses."""
    if f[0] in ("and", "or"):
        return [name for x in f[1] for name in fields_of(x)]
    if f[0] == "not":
        return fields_of(f[1])
    return [f[1]]


def special_conditions(f: Filter) -> list[tuple[str, str, list[Any]]]:
    """(operator, field, values) of the conditions on `class` and `id`."""
    if f[0] in ("and", "or"):
        return [c for x in f[1] for c in special_conditions(x)]
    if f[0] == "not":
        return special_conditions(f[1])
    if f[0] in ("exists",) or f[1] not in ("class", "id"):
        return []
    return [(f[0], f[1], f[2] if f[0] == "in" else [f[2]])]
