"""Translating the search query model into Tantivy queries, and the index schema.

Property values live in two indexed JSON fields: `data` (strings, booleans and numbers, for
terms and facets) and `num` (every value `numeric` can read, as an order-preserving string,
for ranges and number order). Encoding numbers as strings keeps one column type per path,
so ranges and sorted term buckets compare numbers exactly, whatever mix of ints and floats
the values were written with. Strings in `data` carry a one-character prefix, because
Tantivy would otherwise turn an RFC 3339 string into a date term. The instance itself is
kept verbatim in the stored `source` field.
"""

from __future__ import annotations

from typing import Any

import tantivy

from spice.application.search.query import Filter, SearchHit, encode_number, numeric
from spice.application.search.text import query_tokens
from spice.domain.canonical import loads

MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("cls", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("iid", stored=True, tokenizer_name="raw")
    sb.add_integer_field("seq", stored=True)
    sb.add_integer_field("position", stored=True)
    sb.add_float_field("indexed_at", stored=True)
    sb.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
    sb.add_json_field("data", fast=True, tokenizer_name="raw")
    sb.add_json_field("num", fast=True, tokenizer_name="raw")
    sb.add_text_field("source", stored=True, index_option="basic", tokenizer_name="raw")
    return sb.build()


STRING_MARK = "s"


def marked(value: Any) -> Any:
    """`value` with every string prefixed by STRING_MARK (see the module docstring)."""
    if isinstance(value, str):
        return STRING_MARK + value
    if isinstance(value, dict):
        return {k: marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [marked(v) for v in value]
    return value


def unmarked(value: Any) -> Any:
    """A term or bucket value read back from `data`."""
    return value[len(STRING_MARK) :] if isinstance(value, str) else value


def encoded_numbers(value: Any) -> Any:
    """`value` with every leaf `numeric` can read replaced by its encoding; None if none."""
    if isinstance(value, dict):
        kept = {k: v for k, item in value.items() if (v := encoded_numbers(item)) is not None}
        return kept or None
    if isinstance(value, list):
        items = [v for item in value if (v := encoded_numbers(item)) is not None]
        return [v for v in items if not isinstance(v, list)] or None
    n = numeric(value)
    return None if n is None else encode_number(n)


def sort_bucket_value(data: dict[str, Any], path: str, as_number: bool) -> Any:
    """The term a document was bucketed under when sorting by `path`."""
    current: Any = data
    for part in path.split("."):
        current = current.get(part) if isinstance(current, dict) else None
    if current is None:
        return None
    if as_number:
        n = numeric(current)
        return None if n is None else encode_number(n)
    return marked(current)


def hit_of(doc: tantivy.Document, score: float | None = None) -> SearchHit:
    return SearchHit(
        cls=doc["cls"][0],
        id=doc["iid"][0],
        seq=int(doc["seq"][0]),
        position=int(doc["position"][0]),
        indexed_at=float(doc["indexed_at"][0]),
        data=loads(doc["source"][0]),
        score=score,
    )


class QueryBuilder:
    """Builds Tantivy queries for one index."""

    def __init__(self, index: tantivy.Index, schema: tantivy.Schema) -> None:
        self.index = index
        self.schema = schema

    def all(self) -> tantivy.Query:
        return tantivy.Query.all_query()

    def both(self, *queries: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query([(MUST, q) for q in queries])

    def minus(self, query: tantivy.Query, excluded: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query([(MUST, query), (MUST_NOT, excluded)])

    def term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def keys(self, keys: list[str]) -> tantivy.Query:
        return tantivy.Query.term_set_query(self.schema, "key", keys)

    def exists(self, path: str) -> tantivy.Query:
        return tantivy.Query.exists_query(path, json_subpaths=True)

    def main(self, text: str, classes: tuple[str, ...] | None, flt: Filter | None) -> tantivy.Query:
        parts = [self.term("text", token) for token in query_tokens(text)]
        if classes is not None:
            parts.append(tantivy.Query.term_set_query(self.schema, "cls", list(classes)))
        if flt is not None:
            parts.append(self.filter(flt))
        return self.both(*parts) if parts else self.all()

    def filter(self, f: Filter) -> tantivy.Query:
        op = f[0]
        if op == "and":
            return self.both(*(self.filter(x) for x in f[1]))
        if op == "or":
            return tantivy.Query.boolean_query([(SHOULD, self.filter(x)) for x in f[1]])
        if op == "not":
            return self.minus(self.all(), self.filter(f[1]))
        if op == "exists":
            return self.all() if f[1] in ("class", "id") else self.exists(f"data.{f[1]}")
        if op == "term":
            return self.value(f[1], f[2])
        if op == "in":
            return tantivy.Query.boolean_query([(SHOULD, self.value(f[1], v)) for v in f[2]])
        if op == "range":
            return self.range(f[1], f[2])
        raise ValueError(f"unknown filter {op!r}")

    def value(self, field: str, value: Any) -> tantivy.Query:
        if field == "class":
            return self.term("cls", value)
        if field == "id":
            return self.term("iid", value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.term(f"num.{field}", encode_number(value))
        return self.term(f"data.{field}", marked(value))

    def range(self, field: str, bounds: dict[str, Any]) -> tantivy.Query:
        low, high = "*", "*"
        open_low, open_high = "[", "]"
        for op, bound in bounds.items():
            n = numeric(bound)
            assert n is not None, "bounds are checked when the query is parsed"
            if op in ("gt", "gte"):
                low, open_low = encode_number(n), "{" if op == "gt" else "["
            else:
                high, open_high = encode_number(n), "}" if op == "lt" else "]"
        text = f"num.{field}:{open_low}{low} TO {high}{open_high}"
        return self.index.parse_query(text, ["text"])
