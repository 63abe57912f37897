// The class graph and the class editor's model, apart from React (tested alone).
import type { ElementDefinition } from "cytoscape";
import type { ClassPublic, Schemas } from "./api/client";
import { labelOf } from "./api/client";

/** A property of a class, as the API answers it (the server's typed ontology). */
export type PropertyDefinition = Schemas["Property"];

/** A relationship of a class, as the API answers it. */
export type RelationshipDefinition = Schemas["Relationship"];

/** A class's properties (none for a class not loaded yet). */
export function propertiesOf(cls: Pick<ClassPublic, "properties"> | undefined): PropertyDefinition[] {
  return cls?.properties ?? [];
}

/** A class's relationships (none for a class not loaded yet). */
export function relationshipsOf(cls: Pick<ClassPublic, "relationships"> | undefined): RelationshipDefinition[] {
  return cls?.relationships ?? [];
}

export interface PropertyRow {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  key?: boolean; // primary key: the instance's id is its value
  /** The type's parameters and constraints as typed (`min`, `max_length`, `values`...). */
  constraints?: Record<string, string>;
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

/** How the instances of a changed class are brought to it (the API's `migration`). */
export interface Migration {
  rename: Record<string, string>;
  defaults: Record<string, string>;
  drop: string[];
}

/** Parameters whose value is a list, typed as comma-separated values. */
const LISTS = new Set(["enum", "values"]);

/** A parameter's value from the text typed: a list for enums, JSON when it reads as JSON
 * (numbers, booleans, objects), the text otherwise. */
export function parameterValue(name: string, text: string): unknown {
  const trimmed = text.trim();
  if (LISTS.has(name) && !trimmed.startsWith("["))
    return trimmed
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return trimmed;
  }
}

function parameterText(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(", ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A draft of an existing class, to edit. */
export function draftFrom(cls: ClassPublic): ClassDraft {
  const label = cls.label;
  // A label is a string or `{"en": ..., "ko": ...}`.
  const labels: Record<string, string> = label && typeof label === "object" ? label : { en: label ?? "" };
  return {
    id: cls.id,
    labelEn: labels["en"] ?? "",
    labelKo: labels["ko"] ?? "",
    parent: cls.parent_class ?? "",
    properties: propertiesOf(cls).map((p) => ({
      name: p.name,
      type: p.type,
      required: Boolean(p.required),
      unique: Boolean(p.unique),
      key: Boolean(p.primary_key),
      constraints: Object.fromEntries(Object.entries(p.constraints ?? {}).map(([k, v]) => [k, parameterText(v)])),
    })),
    relationships: relationshipsOf(cls).map((r) => ({
      predicate: r.predicate,
      target: r.target,
      cardinality: r.cardinality ?? "n:1",
    })),
  };
}

/** The API's migration from the form (empty entries left out; none when all are empty). */
export function migrationBody(migration: Migration): Record<string, unknown> | undefined {
  const rename = Object.fromEntries(Object.entries(migration.rename).filter(([from, to]) => from && to));
  const defaults = Object.fromEntries(
    Object.entries(migration.defaults)
      .filter(([, text]) => text.trim() !== "")
      .map(([name, text]) => [name, parameterValue(name, text)]),
  );
  const body: Record<string, unknown> = {};
  if (Object.keys(rename).length) body["rename"] = rename;
  if (Object.keys(defaults).length) body["defaults"] = defaults;
  if (migration.drop.length) body["drop"] = migration.drop;
  return Object.keys(body).length ? body : undefined;
}

export const CARDINALITIES = ["n:1", "1:n", "1:1", "n:m"] as const;

export function emptyDraft(): ClassDraft {
  return {
    id: "",
    labelEn: "",
    labelKo: "",
    parent: "",
    properties: [{ name: "", type: "string", required: true, unique: false }],
    relationships: [],
  };
}

/** The request body of a class made from a draft (empty rows are left out). */
export function draftBody(draft: ClassDraft): Schemas["ClassDefinition"] {
  const label: Record<string, string> = {};
  if (draft.labelEn.trim()) label["en"] = draft.labelEn.trim();
  if (draft.labelKo.trim()) label["ko"] = draft.labelKo.trim();
  const body: Schemas["ClassDefinition"] = {
    id: draft.id.trim(),
    properties: draft.properties
      .filter((p) => p.name.trim() || p.type !== "string")
      .map((p) => ({
        name: p.name.trim(),
        type: p.type,
        required: p.required,
        unique: p.unique,
        ...(p.key ? { primary_key: true } : {}),
        ...constraintsOf(p.constraints ?? {}),
      })),
    relationships: draft.relationships
      .filter((r) => r.predicate.trim() || r.target)
      .map((r) => ({ predicate: r.predicate.trim(), target: r.target, cardinality: r.cardinality })),
  };
  if (Object.keys(label).length) body.label = label;
  if (draft.parent) body.parent_class = draft.parent;
  return body;
}

function constraintsOf(typed: Record<string, string>): Record<string, unknown> {
  const entries = Object.entries(typed).filter(([, text]) => text.trim() !== "");
  return entries.length ? { constraints: Object.fromEntries(entries.map(([k, v]) => [k, parameterValue(k, v)])) } : {};
}

/** Classes as nodes, relationships as edges, inheritance as dashed edges to the parent. */
export function classGraph(classes: ClassPublic[], language: string): ElementDefinition[] {
  const ids = new Set(classes.map((c) => c.id));
  const elements: ElementDefinition[] = classes.map((c) => ({
    data: { id: c.id, label: labelOf(c.label, language, c.id), color: "#4c90f0" },
  }));
  for (const c of classes) {
    for (const r of relationshipsOf(c)) {
      if (!r.target || !ids.has(r.target)) continue;
      elements.push({
        data: {
          id: `${c.id}-${r.predicate}-${r.target}`,
          source: c.id,
          target: r.target,
          label: labelOf(r.label, language, r.predicate),
        },
      });
    }
    if (c.parent_class && ids.has(c.parent_class)) {
      elements.push({
        data: { id: `${c.id}-inherits-${c.parent_class}`, source: c.id, target: c.parent_class, label: "" },
        classes: "inherits",
      });
    }
  }
  return elements;
}
