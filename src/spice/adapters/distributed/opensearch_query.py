"""The OpenSearch form of instances and of search queries.

Property values are indexed in fields of fixed types, whatever the ontology holds, so two
classes with different types under one property name never conflict in a branch index:
- `terms`: `path=<typed value>` of every scalar (term filters, facets);
- `nums`: `path=<encode_number>` of every value `numeric` reads (number terms and ranges,
  compared as strings whose order is the number order);
- `paths`: the paths that have a value (exists);
- `sorts`: nested `{p: path, n: number, s: string}`, the first value at each path, which a
  nested sort filtered on `p` orders by; nested documents keep the mapping the same size
  however many paths the instances have.
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
)
from spice.application.search.text import query_tokens
from spice.domain.canonical import dumps

KEYWORD_LIMIT = 8191  # characters; longer values are kept but not indexed
MAX_SORT_VALUES = 1000  # paths per instance a sort can use (deeper json is not sortable)
STORED = ["key", "cls", "iid", "seq", "position", "indexed_at", "source"]


# --- documents -------------------------------------------------------------------------------
def values_by_path(data: dict[str, Any]) -> dict[str, list[Any]]:
    """Every path `values_at` can name, with the values it finds there, in the same order, in
    one walk. Keys holding a `.` cannot be named by a path and are left out."""
    found: dict[str, list[Any]] = {}

    def walk(obj: dict[str, Any], prefix: str) -> None:
        for name, value in obj.items():
            if "." in name:
                continue
            path = f"{prefix}.{name}" if prefix else name
            for item in value if isinstance(value, list) else [value]:
                if item is None or item == {}:
                    continue
                found.setdefault(path, []).append(item)
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


def index_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The indexed fields of an instance's properties (see the module docstring)."""
    by_path = values_by_path(data)
    terms: list[str] = []
    nums: list[str] = []
    sorts: list[dict[str, Any]] = []
    for path, values in by_path.items():
        for value in values:
            term = typed(value)
            n = numeric(value) if term is not None else None
            if term is not None:
                terms.append(f"{path}={term}")
            if n is not None:
                nums.append(f"{path}={encode_number(n)}")
        if len(sorts) < MAX_SORT_VALUES:
            sorts.extend(_sort_value(path, values[0]))
    return {
        "terms": list(dict.fromkeys(terms)),
        "nums": list(dict.fromkeys(nums)),
        "paths": list(by_path),
        "sorts": sorts,
    }


def _sort_value(path: str, first: Any) -> list[dict[str, Any]]:
    """What a sort by `path` orders by: the first value, as a number and as a string."""
    n = numeric(first) if typed(first) is not None else None
    value: dict[str, Any] = {"p": path}
    if n is not None:
        value["n"] = n
    if isinstance(first, str):
        value["s"] = first
    return [value] if len(value) > 1 else []


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


def _field_term(name: str, value: Any) -> tuple[str, Any]:
    """The field and term matching property (or `class`, `id`) `name` equal to `value`."""
    if name == "class":
        return "cls", value
    if name == "id":
        return "iid", value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "nums", f"{name}={encode_number(value)}"
    return "terms", f"{name}={typed(value)}"


def _values(name: str, values: list[Any]) -> dict[str, Any]:
    """Any of `values`: one `terms` query per field, so a long list is one clause."""
    by_field: dict[str, list[Any]] = {}
    for value in values:
        field, term = _field_term(name, value)
        by_field.setdefault(field, []).append(term)
    queries = [{"terms": {field: terms}} for field, terms in by_field.items()]
    return queries[0] if len(queries) == 1 else {"bool": {"should": queries}}


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
        field, term = _field_term(f[1], f[2])
        return {"term": {field: term}}
    if op == "in":
        return _values(f[1], f[2])
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
    left_out = [{"terms": {"key": sorted(q.exclude)}}] if q.exclude else []
    if not must and not filters and not left_out:
        return _everything()
    return {"bool": {"must": must, "filter": filters, "must_not": left_out}}


def sort_spec(q: SearchQuery) -> list[Any]:
    if q.sort is not None:
        spec = {
            "order": "desc" if q.sort.descending else "asc",
            "missing": "_last",
            "nested": {"path": "sorts", "filter": {"term": {"sorts.p": q.sort.field}}},
        }
        return [{f"sorts.{'n' if q.sort.numeric else 's'}": spec}, {"key": "asc"}]
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
