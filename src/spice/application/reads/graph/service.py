"""Graph queries as the API asks for them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spice.application.ports.graph import GraphReads
from spice.application.ports.search import SearchIndex
from spice.application.reads.documents import Reader
from spice.application.reads.graph.plan import plan_query
from spice.application.reads.graph.present import GraphPresenter
from spice.application.reads.graph.query import GraphQuery, Plan, Warnings
from spice.application.reads.graph.run import GraphQueryRunner, GraphSources
from spice.application.reads.search import SearchService


class GraphQueries:
    """Plans a query against the branch's ontology, runs it over the graph of the document
    read model and presents the nodes with their search-index payloads."""

    def __init__(
        self,
        documents: GraphReads,
        reader: Reader,
        index: SearchIndex,
        graph_position: Callable[[], int],
        searches: SearchService,
    ) -> None:
        self.reader = reader
        self.searches = searches
        # Start nodes are found by the search service's own scan while the index lags.
        self.sources = GraphSources(documents, index, searches.scan, graph_position)

    def plan(self, q: GraphQuery) -> Plan:
        return plan_query(self.reader, self.searches, q)

    def run(self, q: GraphQuery) -> dict[str, Any]:
        """The answer: nodes, edges, paths, page, warnings and the index summary."""
        plan = self.plan(q)
        warnings = Warnings()
        paths, more = GraphQueryRunner(self.sources, q, warnings).page(plan)
        return GraphPresenter(self.sources, q, warnings).respond(paths, more)
