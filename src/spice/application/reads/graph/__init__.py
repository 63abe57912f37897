"""Multi-hop graph queries over the instance graph, with each node's index status.

`query` holds the request and its types, `plan` checks it against the ontology, `run`
finds the page of paths, `present` turns them into nodes and edges with their index status;
`service.GraphQueries` puts the three together.

A query names a start class (its subclasses included), optional filters on the start
nodes, and hops (a predicate to follow forward, or backward with `reverse`, to a target
class). It matches paths; `limit` and `offset` page over the start nodes that have at least
one complete path, in key order. The graph comes from the document read model (edges are
written with their documents); node payloads come from the search index, and
`data_status` says how each payload relates to the graph: FULL (same sequence), PARTIAL
(the index holds an older state), MISSING (not indexed yet, or the instance is deleted).
"""
