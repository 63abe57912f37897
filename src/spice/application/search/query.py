"""The search query model, shared by every search backend, and its reference evaluation.

Filters are a small tree: ("term", field, value), ("in", field, values),
("range", field, {"gt"|"gte"|"lt"|"lte": bound}), ("exists", field), ("and", [f...]),
("or", [f...]), ("not", f). A field is `class`, `id`, or a property path (`price.amount`).
Range bounds and numeric values compare as numbers; dates, date-times and times compare
by time (see `numeric`).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from spice.domain.names import MAIN_BRANCH

Filter = tuple[Any, ...]

SPECIAL_FIELDS = ("class", "id")
RANGE_OPS = ("gt", "gte", "lt", "lte")
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})?")
TIME = re.compile(r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")


def numeric(value: Any) -> float | None:
    """The number a value sorts and ranges by: numbers themselves, booleans as 0/1,
    decimal strings, dates and date-times as seconds since 1970 (UTC), times as seconds
    since midnight. None for anything else."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    try:
        if DECIMAL.fullmatch(value):
            return float(value)
        if DATE.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), time(), UTC).timestamp()
        if DATETIME.fullmatch(value):
            moment = datetime.fromisoformat(value)
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
        if TIME.fullmatch(value):
            t = time.fromisoformat(value)
            return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
    except (ValueError, OverflowError):
        return None
    return None


def encode_number(value: float) -> str:
    """A string whose byte order is the number order (IEEE 754 bits, sign-adjusted)."""
    bits = struct.unpack(">Q", struct.pack(">d", float(value) + 0.0))[0]
    bits = (~bits & 0xFFFFFFFFFFFFFFFF) if bits >> 63 else bits | (1 << 63)
    return f"n{bits:016x}"


@dataclass(frozen=True)
class SortKey:
    """Sort by a property path; `numeric` (from the property's type) picks number order,
    else the string order of the stored normal form. Missing values sort last."""

    field: str
    descending: bool = False
    numeric: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A checked search: text, filter, sort, facets and page, for one database and branch."""

    db: str
    branch: str
    text: str = ""
    classes: tuple[str, ...] | None = None
    filter: Filter | None = None
    sort: SortKey | None = None
    facets: tuple[str, ...] = ()
    facet_size: int = 20
    offset: int = 0
    limit: int = 20
    highlight: bool = True
    as_of: int | None = None  # a log position: search the branch as it was then
    # Instances ("Class/id") left out: a branch's search takes these from its overlay.
    exclude: frozenset[str] = frozenset()

    @property
    def overlaid(self) -> bool:
        """Whether the query reads more than `main` as it is now (a branch, or a past
        position), which only the document read model can answer."""
        return self.branch != MAIN_BRANCH or self.as_of is not None


@dataclass
class SearchHit:
    """One instance as the index holds it, with its score and highlights."""

    cls: str
    id: str
    seq: int
    position: int
    indexed_at: float
    data: dict[str, Any]
    score: float | None = None
    highlights: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.cls}/{self.id}"


@dataclass
class SearchPage:
    """A page of hits with the total, facet counts and warnings."""

    hits: list[SearchHit]
    total: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def values_at(data: dict[str, Any], path: str) -> list[Any]:
    """The values at a property path (arrays give each item; None and {} count as none)."""
    current: list[Any] = [data]
    for part in path.split("."):
        nxt: list[Any] = []
        for item in current:
            if isinstance(item, dict) and part in item:
                value = item[part]
                nxt.extend(value if isinstance(value, list) else [value])
        current = nxt
    return [v for v in current if v is not None and v != {}]


def _field_values(hit_cls: str, hit_id: str, data: dict[str, Any], name: str) -> list[Any]:
    if name == "class":
        return [hit_cls]
    if name == "id":
        return [hit_id]
    return values_at(data, name)


def _same(value: Any, wanted: Any) -> bool:
    """Booleans match booleans; numbers match by `numeric`; strings match exactly."""
    if isinstance(wanted, bool):
        return value is wanted
    if isinstance(wanted, int | float):
        return numeric(value) == float(wanted)
    return isinstance(value, str) and value == wanted


def _in_range(value: Any, bounds: dict[str, Any]) -> bool:
    n = numeric(value)
    if n is None:
        return False
    checks = {
        "gt": lambda b: n > b,
        "gte": lambda b: n >= b,
        "lt": lambda b: n < b,
        "lte": lambda b: n <= b,
    }
    return all(checks[op](numeric(bound)) for op, bound in bounds.items())


def evaluate(f: Filter, cls: str, iid: str, data: dict[str, Any]) -> bool:
    """Whether one instance passes a filter tree (the reference semantics)."""
    op = f[0]
    if op == "and":
        return all(evaluate(x, cls, iid, data) for x in f[1])
    if op == "or":
        return any(evaluate(x, cls, iid, data) for x in f[1])
    if op == "not":
        return not evaluate(f[1], cls, iid, data)
    values = _field_values(cls, iid, data, f[1])
    if op == "exists":
        return bool(values)
    if op == "term":
        return any(_same(v, f[2]) for v in values)
    if op == "in":
        return any(_same(v, w) for v in values for w in f[2])
    if op == "range":
        return any(_in_range(v, f[2]) for v in values)
    raise ValueError(f"unknown filter {op!r}")
