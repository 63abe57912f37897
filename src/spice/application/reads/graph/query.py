"""A graph query, its plan and the paths it finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spice.application.ports.documents import NodeRef
from spice.application.search.query import Filter
from spice.domain.names import MAIN_BRANCH


@dataclass(frozen=True)
class Hop:
    """One step of a graph query: a relationship followed forward, or backward with `reverse`."""

    predicate: str
    target_class: str | None = None
    reverse: bool = False


@dataclass(frozen=True)
class Plan:
    """A checked query: the start classes (subclasses included) and, per hop, the classes
    it may land on."""

    start: list[str]
    hops: list[tuple[Hop, set[str]]]


@dataclass(frozen=True)
class GraphQuery:
    """A multi-hop query as the API receives it, with its limits."""

    db: str
    branch: str
    start_class: str
    hops: tuple[Hop, ...] = ()
    filter: Filter | None = None
    limit: int = 100
    offset: int = 0
    max_nodes: int = 1000
    max_edges: int = 5000
    no_cycles: bool = True
    include_paths: bool = False
    max_paths: int = 100
    include_documents: bool = True
    include_provenance: bool = False
    as_of: int | None = None  # a log position: the graph as it was then
    include_audit: bool = False

    @property
    def overlaid(self) -> bool:
        """Whether the query reads more than `main` as it is now (see SearchQuery)."""
        return self.branch != MAIN_BRANCH or self.as_of is not None


PATH_BUDGET = 100_000  # paths followed per request, over all start nodes


def ref_name(ref: NodeRef) -> str:
    return f"{ref[0]}/{ref[1]}"


Step = dict[NodeRef, list[tuple[NodeRef, tuple[NodeRef, str, NodeRef]]]]
Path = tuple[list[NodeRef], list[tuple[NodeRef, str, NodeRef]]]


@dataclass
class Warnings:
    """What a query's answer says it left out, each code once."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, code: str, message: str) -> None:
        if all(w["code"] != code for w in self.items):
            self.items.append({"code": code, "message": message})
