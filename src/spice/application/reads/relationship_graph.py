"""The class graph of relationships: cycles, paths between classes, inverse links."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from spice.application.reads.documents import Reader
from spice.domain.errors import NotFound
from spice.domain.ontology.model import OntologyClass


@dataclass(frozen=True)
class Edge:
    """A relationship between two classes, walked forward or by its inverse."""

    source: str
    predicate: str
    target: str
    cardinality: str
    required: bool
    inverse: str | None
    direction: str = "out"  # "in" when walked from target to source (by its inverse)


def edges(classes: list[OntologyClass]) -> list[Edge]:
    return [
        Edge(c.id, r.predicate, r.target, r.cardinality, r.required, r.inverse)
        for c in classes
        for r in c.relationships
    ]


MAX_STEPS = 200_000  # edges walked at most by one search: the answer says when it stopped


def cycles(
    classes: list[OntologyClass], max_length: int = 6, limit: int = 1000
) -> tuple[list[dict[str, Any]], bool]:
    """Elementary cycles of relationships (each once, from its smallest class), and whether
    the search stopped early. A cycle whose links are all required can never get its first
    instance, unless its instances are created together."""
    out_edges: dict[str, list[Edge]] = {}
    for e in edges(classes):
        out_edges.setdefault(e.source, []).append(e)
    found: list[dict[str, Any]] = []
    steps = 0
    for start in sorted(out_edges):
        stack: list[tuple[str, list[Edge]]] = [(start, [])]
        while stack:
            node, path = stack.pop()
            for e in out_edges.get(node, []):
                steps += 1
                if len(found) >= limit or steps > MAX_STEPS:
                    return found, True
                if e.target == start:
                    cycle = [*path, e]
                    found.append(
                        {
                            "classes": [x.source for x in cycle] + [start],
                            "predicates": [x.predicate for x in cycle],
                            "all_required": all(x.required for x in cycle),
                            "length": len(cycle),
                        }
                    )
                elif (
                    e.target > start
                    and len(path) + 1 < max_length
                    and all(x.source != e.target for x in path)
                ):
                    stack.append((e.target, [*path, e]))
    return found, False


def paths(
    classes: list[OntologyClass], start: str, end: str | None, max_depth: int, limit: int
) -> tuple[list[list[Edge]], bool]:
    """Paths of relationships from `start` (to `end`, or anywhere), shortest first,
    following links forward and, through their inverse, backward; no class visited twice.
    Also whether the search stopped early."""
    graph: dict[str, list[Edge]] = {}
    for e in edges(classes):
        graph.setdefault(e.source, []).append(e)
        back = e.inverse or f"^{e.predicate}"
        graph.setdefault(e.target, []).append(
            Edge(e.target, back, e.source, e.cardinality, False, e.predicate, "in")
        )
    for node in graph:  # forward before backward among paths of one length
        graph[node].sort(key=lambda e: e.direction != "out")
    found: list[list[Edge]] = []
    queue: deque[tuple[str, list[Edge]]] = deque([(start, [])])
    steps = 0
    while queue:
        node, path = queue.popleft()
        for e in graph.get(node, []):
            steps += 1
            if len(found) >= limit or steps > MAX_STEPS:
                return found, True
            if e.target == start or any(x.source == e.target for x in path):
                continue
            walked = [*path, e]
            if end is None or e.target == end:
                found.append(walked)
            if len(walked) < max_depth and e.target != end:
                queue.append((e.target, walked))
    return found, False


def describe_path(path: list[Edge]) -> dict[str, Any]:
    return {
        "classes": [path[0].source] + [e.target for e in path],
        "steps": [
            {"from": e.source, "predicate": e.predicate, "to": e.target, "direction": e.direction}
            for e in path
        ],
        "length": len(path),
    }


def class_paths(
    reader: Reader,
    db: str,
    branch: str,
    start: tuple[str, str],
    end: tuple[str, str | None],
    max_depth: int,
    limit: int,
) -> dict[str, Any]:
    """The relationship paths between two classes of a branch, described; `start` and
    `end` are (name of the parameter that named it, class), for the NotFound message."""
    classes = reader.class_definitions(db, branch)
    known = {c.id for c in classes}
    for name, value in (start, end):
        if value is not None and value not in known:
            raise NotFound(f"class {value!r} not found in {db!r}", {name: value})
    found, truncated = paths(classes, start[1], end[1], max_depth, limit)
    described = [describe_path(p) for p in found]
    return {"paths": described, "count": len(described), "truncated": truncated}
