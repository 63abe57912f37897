"""Search requests: checked against the branch's ontology, run on the index, or on the
document store (saying so) when the index cannot be read."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from spice.application.ports.search import SearchIndex
from spice.application.reads.documents import Reader
from spice.application.search.filters import fields_of, special_conditions
from spice.application.search.overlay import IndexedOverlaySearch
from spice.application.search.query import (
    SPECIAL_FIELDS,
    Filter,
    SearchHit,
    SearchPage,
    SearchQuery,
    SortKey,
)
from spice.application.search.scan import DocumentScanSearch
from spice.domain import names
from spice.domain.errors import BadRequest, Unavailable
from spice.domain.ontology.classes import descendants, lineage
from spice.domain.ontology.model import OntologyClass

NUMERIC_TYPES = {
    "integer",
    "float",
    "decimal",
    "percentage",
    "date",
    "datetime",
    "time",
    "boolean",
}
NUMERIC_PARTS = {"money.amount", "coordinate.lat", "coordinate.lon"}
WITH_PARTS = {"money", "coordinate", "address", "object", "file", "image"}
MANY_VALUED = {"array", "json", "links"}  # a sort needs one value per instance
MAX_WINDOW = 10_000


def leaf_type(prop: dict[str, Any], rest: list[str]) -> str | None:
    """The type at a path inside a property: a nested object property's type, `money.amount`
    style names for parts of structured values, None when the path leads nowhere."""
    kind = str(prop["type"]).split("<", 1)[0]
    if not rest or kind in ("array", "json"):
        return kind  # a path into an array or json value still has several values
    if kind == "object":
        nested = (prop.get("constraints") or {}).get("properties") or prop.get("properties") or []
        for inner in nested:
            if inner.get("name") == rest[0]:
                return leaf_type(inner, rest[1:])
        return None
    if kind in WITH_PARTS and len(rest) == 1:
        return f"{kind}.{rest[0]}"
    return None


def leaf_definition(prop: dict[str, Any], rest: list[str]) -> dict[str, Any] | None:
    """The definition of the property at a path inside `prop` (nested object properties)."""
    if not rest:
        return prop
    if str(prop["type"]).split("<", 1)[0] != "object":
        return None
    nested = (prop.get("constraints") or {}).get("properties") or prop.get("properties") or []
    inner = next((p for p in nested if p.get("name") == rest[0]), None)
    return None if inner is None else leaf_definition(inner, rest[1:])


def enum_order(prop: dict[str, Any] | None, field: str) -> bool:
    """Whether an enum sorts as numbers (all its values are) or as text (all are strings);
    an enum of both has no order to sort by."""
    values = ((prop or {}).get("constraints") or {}).get("values") or []
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return True
    if all(isinstance(v, str) for v in values):
        return False
    raise BadRequest(
        f"cannot sort by {field!r}: its enum mixes numbers and strings", {"field": field}
    )


def field_definitions(
    classes: Mapping[str, OntologyClass], scope: list[str]
) -> dict[str, dict[str, Any]]:
    """The specs (type and constraints) of the fields of the classes in `scope` (by id
    among `classes`), inherited ones included; links appear as fields of type `link` (one
    target) or `links` (several)."""
    found: dict[str, dict[str, Any]] = {}
    for cls in scope:
        for owner in lineage(classes, cls):
            for prop in classes[owner].properties:
                found.setdefault(prop.name, prop.spec)
            for rel in classes[owner].relationships:
                found.setdefault(rel.predicate, {"type": "link" if rel.single else "links"})
    return found


def field_types(classes: Mapping[str, OntologyClass], scope: list[str]) -> dict[str, str]:
    """Property (and link) names of the classes in scope, with their types."""
    return {name: str(p["type"]) for name, p in field_definitions(classes, scope).items()}


@dataclass(frozen=True)
class SearchRequest:
    """A search as the API receives it, before it is checked against the ontology."""

    db: str
    branch: str
    text: str = ""
    class_id: str | None = None
    filter: Filter | None = None
    sort: str | None = None
    descending: bool = False
    facets: tuple[str, ...] = ()
    facet_size: int = 20
    limit: int = 20
    offset: int = 0
    cursor: str | None = None
    highlight: bool = True
    as_of: int | None = None

    def fingerprint(self) -> str:
        parts = replace(self, limit=0, offset=0, cursor=None)
        text = json.dumps(parts.__dict__, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(request: SearchRequest, offset: int) -> str:
    raw = json.dumps({"o": offset, "q": request.fingerprint()}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(request: SearchRequest, cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        offset, fingerprint = int(data["o"]), str(data["q"])
    except (ValueError, TypeError, KeyError, OverflowError):
        raise BadRequest("cursor is not one this API gave out", {"cursor": cursor}) from None
    if fingerprint != request.fingerprint() or offset < 0:
        raise BadRequest("cursor belongs to a different query", {"cursor": cursor})
    return offset


def present_hit(hit: SearchHit, branch: str) -> dict[str, Any]:
    return {
        "id": hit.id,
        "instance_id": hit.id,
        "class_id": hit.cls,
        "branch": branch,
        "data": hit.data,
        "sequence_number": hit.seq,
        "position": hit.position,
        "score": hit.score,
        "highlights": hit.highlights,
    }


class SearchService:
    """Checks a search against the branch's ontology and runs it on the index, or on a scan
    of the document store (and says so) when the index cannot be read or lags."""

    def __init__(
        self, reader: Reader, index: SearchIndex, graph_position: Callable[[], int]
    ) -> None:
        self.reader = reader
        self.index = index
        self.scan = DocumentScanSearch(reader.documents)
        self.overlay = IndexedOverlaySearch(reader.documents, index)
        self.graph_position = graph_position

    def _overlaid(self, query: SearchQuery) -> SearchPage | None:
        try:
            return self.overlay.search(query)
        except Unavailable:
            return None  # the scan answers, as it does for main

    def _check_field(self, name: str, types: dict[str, str], role: str) -> str:
        if name in SPECIAL_FIELDS and role != "sort":
            return name
        if not all(names.PROPERTY_NAME.fullmatch(part) for part in name.split(".")):
            raise BadRequest(
                f"invalid {role} field {name!r}: property names joined by '.'", {"field": name}
            )
        head = name.split(".", 1)[0]
        if head not in types:
            known = sorted({*types, *SPECIAL_FIELDS}) if role != "sort" else sorted(types)
            raise BadRequest(
                f"unknown {role} field {name!r}",
                {"field": name, "known_fields": known[:200]},
            )
        return types[head]

    def check_filter(self, flt: Filter, types: dict[str, str]) -> None:
        for name in fields_of(flt):
            self._check_field(name, types, "filter")
        for op, name, value in special_conditions(flt):
            if op == "range" or not all(isinstance(v, str) for v in value):
                raise BadRequest(
                    f"{name!r} takes string terms (its {op} is not one)", {"field": name}
                )

    def _sort(
        self, request: SearchRequest, props: dict[str, dict[str, Any]], types: dict[str, str]
    ) -> SortKey | None:
        if request.sort is None:
            return None
        self._check_field(request.sort, types, "sort")
        head, *rest = request.sort.split(".")
        leaf = leaf_type(props[head], rest)
        if leaf is None:
            raise BadRequest(f"unknown sort field {request.sort!r}", {"field": request.sort})
        if leaf in NUMERIC_TYPES or leaf in NUMERIC_PARTS:
            return SortKey(request.sort, request.descending, True)
        if leaf == "enum":
            numbers = enum_order(leaf_definition(props[head], rest), request.sort)
            return SortKey(request.sort, request.descending, numbers)
        if leaf in MANY_VALUED or leaf in WITH_PARTS:
            raise BadRequest(
                f"cannot sort by {request.sort!r}: a {leaf} property is not one value",
                {"field": request.sort, "type": leaf},
            )
        return SortKey(request.sort, request.descending, False)

    def build(self, request: SearchRequest) -> SearchQuery:
        db, branch, as_of = request.db, request.branch, request.as_of
        if request.class_id is not None:
            self.reader.ontology_class(db, branch, request.class_id, as_of)
        loaded = {c.id: c for c in self.reader.class_definitions(db, branch, as_of)}
        classes = None
        if request.class_id is not None:
            classes = [request.class_id, *descendants(loaded.values(), request.class_id)]
        props = field_definitions(loaded, classes if classes is not None else list(loaded))
        types = {name: str(prop["type"]) for name, prop in props.items()}
        if request.filter is not None:
            self.check_filter(request.filter, types)
        for name in request.facets:
            self._check_field(name, types, "facet")
        offset = request.offset
        if request.cursor:
            offset = decode_cursor(request, request.cursor)
        if offset + request.limit > MAX_WINDOW:
            raise BadRequest(
                f"pages reach at most {MAX_WINDOW} results deep; narrow the query with filters",
                {"offset": offset, "limit": request.limit},
            )
        return SearchQuery(
            request.db,
            request.branch,
            request.text,
            tuple(classes) if classes is not None else None,
            request.filter,
            self._sort(request, props, types),
            request.facets,
            request.facet_size,
            offset,
            request.limit,
            request.highlight,
            as_of,
        )

    def search(self, request: SearchRequest, min_position: int | None = None) -> dict[str, Any]:
        """Answer from the index, or from the document store (saying why) when the index
        cannot be read or has not reached `min_position` (the read waited for the document
        store to reach it, but not for an index that cannot be reached)."""
        query = self.build(request)
        warnings: list[dict[str, Any]] = []
        position: int | None = None
        if query.overlaid:
            # The index holds main as it is now: a branch's search takes what it can from it
            # and the branch's differences from the document read model, else scans that.
            page, source = self._overlaid(query), "search_index_overlay"
            if page is None:
                page, source = self.scan.search(query), "document_store"
        else:
            page, source, position = self._from_index(query, min_position, warnings)
        graph = self.graph_position()
        lag = None if position is None else max(0, graph - position)
        if lag:
            warnings.append(
                {"code": "index_lagging", "message": f"the index is {lag} events behind"}
            )
        end = query.offset + len(page.hits)
        more = end < page.total and end < MAX_WINDOW
        return {
            "hits": [present_hit(h, request.branch) for h in page.hits],
            "total": page.total,
            "facets": page.facets,
            "page": {
                "limit": query.limit,
                "offset": query.offset,
                "next_cursor": encode_cursor(request, end) if more else None,
            },
            "warnings": warnings + page.warnings,
            "index": {
                "source": source,
                "position": position,
                "read_model_position": graph,
                "lag_events": lag,
            },
        }

    def _from_index(
        self, query: SearchQuery, min_position: int | None, warnings: list[dict[str, Any]]
    ) -> tuple[SearchPage, str, int | None]:
        """The page from the index, with its source and the index's position; from the
        document store, with a warning added to `warnings`, when the index cannot be read or
        has not reached `min_position`."""
        try:
            position = self.index.checkpoint()
            if min_position and (position or 0) < min_position:
                raise Unavailable(f"the search index has reached position {position} only")
            return self.index.search(query), "search_index", position
        except Unavailable as exc:
            warnings.append(
                {
                    "code": "search_index_unavailable",
                    "message": f"{exc.message}; answered by scanning the document store",
                }
            )
            return self.scan.search(query), "document_store", None
