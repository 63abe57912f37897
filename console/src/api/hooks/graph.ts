// The graph query (run on demand, its answer kept by the page: a mutation, with no key), and
// the links of one instance (to expand a node).
import { useMutation } from "@tanstack/react-query";
import type { GraphEdge, GraphNode, Hop, Links } from "../../graph";
import { referenceOf } from "../../values";
import { readQuery } from "../../state/location";
import { api, ok } from "../client";
import type { Place } from "../keys";

/** A graph query: a start class, hops along relationships, filters on the start. */
export interface GraphQuery {
  start_class: string;
  hops: Hop[];
  filters: Record<string, string>;
  limit: number;
}

/** The query's nodes and edges (the API's schema types them only as objects). */
export type GraphAnswer = { nodes: GraphNode[]; edges: GraphEdge[] };

export function useGraphQuery(db: string, where: Place) {
  return useMutation({
    mutationFn: async (query: GraphQuery): Promise<GraphAnswer> => {
      const answer = await ok(
        api.POST("/api/v1/graph-query/{db}", {
          params: { path: { db }, query: readQuery(where) },
          body: {
            start_class: query.start_class,
            hops: query.hops.map((h) => ({ predicate: h.predicate, target_class: h.target_class || null })),
            filters: query.filters,
            include_documents: true,
            include_provenance: true,
            limit: query.limit,
            max_nodes: 1000,
            max_edges: 2000,
          },
        }),
      );
      return { nodes: answer.nodes, edges: answer.edges };
    },
  });
}

/** Read the links of the instance `id` (`Class/id`); `onLinks` gets them. */
export function useInstanceLinks(db: string, where: Place, onLinks: (id: string, links: Links) => void) {
  return useMutation({
    mutationFn: async (id: string) => {
      const reference = referenceOf(id);
      if (!reference || !db) return;
      const answer = await ok(
        api.GET("/api/v1/database/{db}/instances/{class_id}/{instance_id}/links", {
          params: { path: { db, class_id: reference.cls, instance_id: reference.id }, query: readQuery(where) },
        }),
      );
      onLinks(id, answer.data);
    },
  });
}
