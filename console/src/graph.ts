// Graph query answers drawn as graphs, and queries kept in the browser.
import type { ElementDefinition } from "cytoscape";

/** Who last wrote a node's instance, and when. */
export type Provenance = {
  sequence_number?: number;
  created_by?: string;
  updated_by?: string;
  updated_at?: string;
  last_command_id?: string;
};

// Nodes as the console draws them: the API's graph nodes (which these accept), and the
// nodes a link reaches that are not read yet (LINKED).
export type GraphNode = {
  id: string;
  type: string;
  data_status: string;
  index_status?: Record<string, unknown> | null;
  data?: Record<string, unknown> | null;
  provenance?: Provenance | null;
};

export type GraphEdge = {
  from_node: string;
  to_node: string;
  predicate: string;
};

export interface Hop {
  predicate: string;
  target_class: string;
  reverse?: boolean;
}

export interface SavedQuery {
  name: string;
  start_class: string;
  hops: Hop[];
  filters: Record<string, string>;
}

export const STATUS_COLOURS: Record<string, string> = {
  FULL: "#32a467",
  PARTIAL: "#ec9a3c",
  MISSING: "#abb3bf",
  LINKED: "#4c90f0", // reached by expanding a node's links, not read yet
};

export function answerGraph(nodes: GraphNode[], edges: GraphEdge[]): ElementDefinition[] {
  const elements: ElementDefinition[] = nodes.map((n) => ({
    data: { id: n.id, label: n.id, color: STATUS_COLOURS[n.data_status] ?? "#abb3bf", status: n.data_status },
  }));
  const ids = new Set(nodes.map((n) => n.id));
  edges.forEach((e, i) => {
    if (ids.has(e.from_node) && ids.has(e.to_node)) {
      elements.push({ data: { id: `e${i}`, source: e.from_node, target: e.to_node, label: e.predicate } });
    }
  });
  return elements;
}

const KEY = "spice.savedQueries";

export function loadSaved(db: string, storage: Pick<Storage, "getItem"> = localStorage): SavedQuery[] {
  try {
    const all = JSON.parse(storage.getItem(KEY) ?? "{}") as Record<string, SavedQuery[]>;
    return Array.isArray(all[db]) ? all[db] : [];
  } catch {
    return [];
  }
}

export function saveQuery(
  db: string,
  query: SavedQuery,
  storage: Pick<Storage, "getItem" | "setItem"> = localStorage,
): SavedQuery[] {
  let all: Record<string, SavedQuery[]>;
  try {
    all = JSON.parse(storage.getItem(KEY) ?? "{}") as Record<string, SavedQuery[]>;
  } catch {
    all = {};
  }
  const kept = (all[db] ?? []).filter((q) => q.name !== query.name);
  all[db] = [...kept, query];
  storage.setItem(KEY, JSON.stringify(all));
  return all[db];
}

export type Links = {
  outgoing: Array<{ predicate: string; target: string }>;
  incoming: Array<{ predicate: string; via: string; source: string }>;
};

/** The graph with `id`'s links added: the instances they reach (not read yet: LINKED) and
 * the edges, each once. */
export function linked(found: { nodes: GraphNode[]; edges: GraphEdge[] }, id: string, links: Links) {
  const nodes = [...found.nodes];
  const edges = [...found.edges];
  const addNode = (ref: string) => {
    if (!nodes.some((n) => n.id === ref)) nodes.push({ id: ref, type: ref.split("/")[0] ?? "", data_status: "LINKED" });
  };
  const addEdge = (edge: GraphEdge) => {
    if (
      !edges.some((e) => e.from_node === edge.from_node && e.to_node === edge.to_node && e.predicate === edge.predicate)
    )
      edges.push(edge);
  };
  for (const out of links.outgoing ?? []) {
    addNode(out.target);
    addEdge({ from_node: id, to_node: out.target, predicate: out.predicate });
  }
  for (const into of links.incoming ?? []) {
    addNode(into.source);
    addEdge({ from_node: into.source, to_node: id, predicate: into.via });
  }
  return { nodes, edges };
}

/** The query's nodes, then those added by expanding that it did not have. */
export function mergeNodes(answered: GraphNode[], added: GraphNode[]): GraphNode[] {
  const known = new Set(answered.map((n) => n.id));
  return [...answered, ...added.filter((n) => !known.has(n.id))];
}
