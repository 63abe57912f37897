// Graph query answers drawn as graphs, and queries kept in the browser.
import type { ElementDefinition } from "cytoscape";

export interface GraphNode {
  id: string;
  type: string;
  data_status: string;
  index_status?: Record<string, unknown> | null;
  data?: Record<string, unknown> | null;
  provenance?: unknown;
}

export interface GraphEdge {
  from_node: string;
  to_node: string;
  predicate: string;
}

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

export function saveQuery(db: string, query: SavedQuery, storage: Pick<Storage, "getItem" | "setItem"> = localStorage): SavedQuery[] {
  let all: Record<string, SavedQuery[]> = {};
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
