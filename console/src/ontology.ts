// The class graph and the class editor's model, apart from React (tested alone).
import type { ElementDefinition } from "cytoscape";
import type { ClassPublic } from "./api/client";
import { labelOf } from "./api/client";

export interface PropertyRow {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  key?: boolean; // primary key: the instance's id is its value
}

export interface RelationshipRow {
  predicate: string;
  target: string;
  cardinality: string;
}

export interface ClassDraft {
  id: string;
  labelEn: string;
  labelKo: string;
  parent: string;
  properties: PropertyRow[];
  relationships: RelationshipRow[];
}

export const CARDINALITIES = ["n:1", "1:n", "1:1", "n:m"] as const;

export function emptyDraft(): ClassDraft {
  return { id: "", labelEn: "", labelKo: "", parent: "", properties: [{ name: "", type: "string", required: true, unique: false }], relationships: [] };
}

/** The request body of a class made from a draft (empty rows are left out). */
export function draftBody(draft: ClassDraft): Record<string, unknown> {
  const label: Record<string, string> = {};
  if (draft.labelEn.trim()) label["en"] = draft.labelEn.trim();
  if (draft.labelKo.trim()) label["ko"] = draft.labelKo.trim();
  const body: Record<string, unknown> = {
    id: draft.id.trim(),
    properties: draft.properties
      .filter((p) => p.name.trim() || p.type !== "string")
      .map((p) => ({ name: p.name.trim(), type: p.type, required: p.required, unique: p.unique, ...(p.key ? { primary_key: true } : {}) })),
    relationships: draft.relationships
      .filter((r) => r.predicate.trim() || r.target)
      .map((r) => ({ predicate: r.predicate.trim(), target: r.target, cardinality: r.cardinality })),
  };
  if (Object.keys(label).length) body["label"] = label;
  if (draft.parent) body["parent_class"] = draft.parent;
  return body;
}

interface Relationship {
  predicate?: string;
  target?: string;
  label?: unknown;
}

/** Classes as nodes, relationships as edges, inheritance as dashed edges to the parent. */
export function classGraph(classes: ClassPublic[], language: string): ElementDefinition[] {
  const ids = new Set(classes.map((c) => c.id));
  const elements: ElementDefinition[] = classes.map((c) => ({
    data: { id: c.id, label: labelOf(c.label, language, c.id), color: "#4c90f0" },
  }));
  for (const c of classes) {
    for (const r of (c.relationships ?? []) as Relationship[]) {
      if (!r.target || !ids.has(r.target)) continue;
      elements.push({
        data: { id: `${c.id}-${r.predicate}-${r.target}`, source: c.id, target: r.target, label: labelOf(r.label, language, r.predicate ?? "") },
      });
    }
    if (c.parent_class && ids.has(c.parent_class)) {
      elements.push({ data: { id: `${c.id}-inherits-${c.parent_class}`, source: c.id, target: c.parent_class, label: "" }, classes: "inherits" });
    }
  }
  return elements;
}
