"""The class graph of relationships: cycles, paths between classes, inverse links."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Edge:
    source: str
    predicate: str
    target: str
    cardinality: str
    required: bool
    inverse: str | None
    direction: str = "out"  # "in" when walked from target to source (by its inverse)


def edges(classes: list[dict[str, Any]]) -> list[Edge]:
    return [
        Edge(
            c["id"],
            r["predicate"],
            r["target"],
            r["cardinality"],
            bool(r.get("required")),
            r.get("inverse"),
        )
        for c in classes
        for r in c.get("relationships", [])
    ]


def cycles(classes: list[dict[str, Any]], max_length: int = 10) -> list[dict[str, Any]]:
    """Every elementary cycle of relationships (each once, from its smallest class). A cycle
    whose links are all required can never get its first instance, unless created together."""
    out_edges: dict[str, list[Edge]] = {}
    for e in edges(classes):
        out_edges.setdefault(e.source, []).append(e)
    found: list[dict[str, Any]] = []

    def walk(start: str, node: str, path: list[Edge]) -> None:
        for e in out_edges.get(node, []):
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
                walk(start, e.target, [*path, e])

    for start in sorted(out_edges):
        walk(start, start, [])
    return found


def paths(
    classes: list[dict[str, Any]], start: str, end: str | None, max_depth: int = 3
) -> Iterator[list[Edge]]:
    """Paths of relationships from `start` (to `end`, or anywhere), following links forward
    and, through their inverse, backward; no class visited twice."""
    graph: dict[str, list[Edge]] = {}
    for e in edges(classes):
        graph.setdefault(e.source, []).append(e)
        back = e.inverse or f"^{e.predicate}"
        graph.setdefault(e.target, []).append(
            Edge(e.target, back, e.source, e.cardinality, False, e.predicate, "in")
        )
    stack: list[tuple[str, list[Edge]]] = [(start, [])]
    while stack:
        node, path = stack.pop()
        for e in graph.get(node, []):
            if e.target == start or any(x.source == e.target for x in path):
                continue
            walked = [*path, e]
            if end is None or e.target == end:
                yield walked
            if len(walked) < max_depth and e.target != end:
                stack.append((e.target, walked))


def describe_path(path: list[Edge]) -> dict[str, Any]:
    return {
        "classes": [path[0].source] + [e.target for e in path],
        "steps": [
            {"from": e.source, "predicate": e.predicate, "to": e.target, "direction": e.direction}
            for e in path
        ],
        "length": len(path),
    }
