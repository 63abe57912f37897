"""The OpenSearch form of instances and of search queries.

Property values are indexed in fields of fixed types, whatever the ontology holds, so two
classes with different types under one property name never conflict in a branch index:
- `terms`: `path=<typed value>` of every scalar (term filters, facets);
- `nums`: `path=<encode_number>` of every value `numeric` reads (number terms and ranges,
  compared as strings whose order is the number order);
- `paths`: the paths that have a value (exists);
- `sn.<path>` / `ss.<path>`: the first value at a path as a number and as a string (sorts).
The instance itself is kept verbatim in `source`, which is stored and not indexed.
"""

from __future__ import annotations

import re
from typing import Any

from spice.application.search.query import (
    Filter,
    SearchHit,
    SearchQuery,
    encode_number,
    numeric,
    values_at,
)
from spice.application.search.text import query_tokens
from spice.application.serialization import dumps

KEYWORD_LIMIT = 8191  # characters; longer values are kept but not indexed
STORED = ["key", "cls", "iid", "seq", "position", "indexed_at", "source"]


# --- documents -------------------------------------------------------------------------------
def present_paths(data: dict[str, Any]) -> list[str]:
    """Every path `values_at` finds a value at (what `exists` matches)."""
    found: list[str] = []

    def walk(obj: dict[str, Any], prefix: str) -> None:
        for name, value in obj.items():
            path = f"{prefix}.{name}" if prefix else name
            for item in value if isinstance(value, list) else [value]:
                if item is None or item == {}:
                    continue
                if path not in found:
                    found.append(path)
                if isinstance(item, dict):
                    walk(item, path)

    walk(data, "")
    return found


def typed(value: Any) -> str | None:
    """A scalar as a term that keeps its type: `s` strings, `b` booleans, `d` numbers."""
    if isinstance(value, bool):
        return "btrue" if value else "bfalse"
    if isinstance(value, str):
        return "s" + value
    if isinstance(value, int | float):
        return "d" + dumps(value)
    return None


def untyped(term: str) -> Any:
    kind, rest = term[0], term[1:]
    if kind == "b":
        return rest == "true"
    if kind == "d":
        return float(rest) if any(c in rest for c in ".eE") else int(rest)
    return rest


def flat(path: str) -> str:
    """A property path as one field name: `-` cannot occur in property names."""
    return path.replace(".", "-")


def index_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The indexed fields of an instance's properties (see the module docstring)."""
    terms: list[str] = []
    nums: list[str] = []
    sort_numbers: dict[str, float] = {}
    sort_strings: dict[str, str] = {}
    paths = present_paths(data)
    for path in paths:
        values = values_at(data, path)
        for value in values:
            term = typed(value)
            if term is not None and f"{path}={term}" not in terms:
                terms.append(f"{path}={term}")
            n = numeric(value) if term is not None else None
            if n is not None and f"{path}={encode_number(n)}" not in nums:
                nums.append(f"{path}={encode_number(n)}")
        first = values[0]
        n = numeric(first) if typed(first) is not None else None
        if n is not None:
            sort_numbers[flat(path)] = n
        if isinstance(first, str):
            sort_strings[flat(path)] = first
    return {"terms": terms, "nums": nums, "paths": paths, "sn": sort_numbers, "ss": sort_strings}


def hit_of(source: dict[str, Any], score: float | None = None) -> SearchHit:
    return SearchHit(
        cls=source["cls"],
        id=source["iid"],
        seq=int(source["seq"]),
        position=int(source["position"]),
        indexed_at=float(source["indexed_at"]),
        data=source["source"],
        score=score,
    )


# --- queries ---------------------------------------------------------------------------------
def _everything() -> dict[str, Any]:
    return {"match_all": {}}


def _nothing_but(query: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"must_not": [query]}}


def _value(name: str, value: Any) -> dict[str, Any]:
    if name == "class":
        return {"term": {"cls": value}}
    if name == "id":
        return {"term": {"iid": value}}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"term": {"nums": f"{name}={encode_number(value)}"}}
    return {"term": {"terms": f"{name}={typed(value)}"}}


def _range(name: str, bounds: dict[str, Any]) -> dict[str, Any]:
    # Without a lower (upper) bound the range starts (ends) at the path's own terms:
    # `path=` sorts before every `path=n...`, `path>` after them.
    spec: dict[str, str] = {"gte": f"{name}=", "lt": f"{name}>"}
    for op, bound in bounds.items():
        n = numeric(bound)
        assert n is not None, "bounds are checked when the query is parsed"
        spec.pop("gte" if op in ("gt", "gte") else "lt")
        spec[op] = f"{name}={encode_number(n)}"
    return {"range": {"nums": spec}}


def filter_query(f: Filter) -> dict[str, Any]:
    """A filter tree (see `spice.application.search.query`) as an OpenSearch query."""
    op = f[0]
    if op == "and":
        return {"bool": {"filter": [filter_query(x) for x in f[1]]}}
    if op == "or":
        return {"bool": {"should": [filter_query(x) for x in f[1]], "minimum_should_match": 1}}
    if op == "not":
        return _nothing_but(filter_query(f[1]))
    if op == "exists":
        return _everything() if f[1] in ("class", "id") else {"term": {"paths": f[1]}}
    if op == "term":
        return _value(f[1], f[2])
    if op == "in":
        return {"bool": {"should": [_value(f[1], v) for v in f[2]], "minimum_should_match": 1}}
    if op == "range":
        return _range(f[1], f[2])
    raise ValueError(f"unknown filter {op!r}")


def main_query(q: SearchQuery) -> dict[str, Any]:
    must = [{"term": {"text": token}} for token in query_tokens(q.text)]
    filters: list[dict[str, Any]] = []
    if q.classes is not None:
        filters.append({"terms": {"cls": list(q.classes)}})
    if q.filter is not None:
        filters.append(filter_query(q.filter))
    if not must and not filters:
        return _everything()
    return {"bool": {"must": must, "filter": filters}}


def sort_spec(q: SearchQuery) -> list[Any]:
    if q.sort is not None:
        field = f"{'sn' if q.sort.numeric else 'ss'}.{flat(q.sort.field)}"
        spec = {
            "order": "desc" if q.sort.descending else "asc",
            "missing": "_last",
            "unmapped_type": "double" if q.sort.numeric else "keyword",
        }
        return [{field: spec}, {"key": "asc"}]
    if q.text:
        return [{"_score": "desc"}, {"key": "asc"}]
    return [{"key": "asc"}]


def facet_spec(name: str, size: int) -> dict[str, Any]:
    order = [{"_count": "desc"}, {"_key": "asc"}]
    if name == "class":
        return {"terms": {"field": "cls", "size": size, "order": order}}
    include = re.sub(r"([^A-Za-z0-9_])", r"\\\1", name) + "=.*"
    return {"terms": {"field": "terms", "size": size, "order": order, "include": include}}


def facet_buckets(name: str, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if name == "class":
        return [{"value": b["key"], "count": b["doc_count"]} for b in buckets]
    cut = len(name) + 1
    return [{"value": untyped(b["key"][cut:]), "count": b["doc_count"]} for b in buckets]
