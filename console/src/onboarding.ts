// The onboarding wizard's model, apart from React (tested alone): dataset names from file
// names, and the edits a person makes to a suggested mapping (a property's type, a class's
// key, a link kept or dropped), each applied to both the class definitions and the sources.

export interface PropertyDef {
  name: string;
  type: string;
  primary_key?: boolean | null;
  required?: boolean | null;
  [other: string]: unknown;
}

export interface ClassDef {
  id: string;
  label?: unknown;
  properties: PropertyDef[];
  relationships?: Array<{ predicate: string; target: string; cardinality?: string }> | null;
  [other: string]: unknown;
}

export interface Transform {
  op: string;
  [other: string]: unknown;
}

export interface Source {
  dataset: string;
  class_id: string;
  key: string[];
  properties: Array<{ property: string; column?: string; transforms?: Transform[]; [other: string]: unknown }>;
  links: Array<{ predicate: string; column: string; target: string }>;
  [other: string]: unknown;
}

export type Mapping = {
  classes: ClassDef[];
  sources: Source[];
};

/** The dataset name of an uploaded file, in its own language (`재고.csv` -> `재고`): its stem
 * in NFC and lower case, letters and digits of any script kept, each other run of characters
 * one `_`, and `d_` before a stem that starts with a digit (the server takes names of letters,
 * digits, `_`, `.` and `-`). */
export function datasetName(filename: string): string {
  const stem = filename.replace(/\.[^.]+$/, "").normalize("NFC");
  const cleaned = stem
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, "_")
    .replace(/^_+|_+$/g, "");
  if (!cleaned) return "dataset";
  return (/^\p{L}/u.test(cleaned) ? cleaned : `d_${cleaned}`).slice(0, 64);
}

/** Types whose values the import reads with the `parse` transform. */
const PARSED = new Set([
  "integer",
  "decimal",
  "float",
  "percentage",
  "money",
  "boolean",
  "date",
  "datetime",
  "time",
  "duration",
  "phone",
]);
/** Parameters that belong to one type only, dropped when the type changes. */
const TYPE_PARAMETERS = ["values", "enum", "currency", "default_region", "precision", "scale", "format"];

function copy(mapping: Mapping): Mapping {
  return JSON.parse(JSON.stringify(mapping)) as Mapping;
}

/** The mapping with one property's type changed, its column read accordingly. */
export function withType(mapping: Mapping, classId: string, property: string, type: string): Mapping {
  const next = copy(mapping);
  const cls = next.classes.find((c) => c.id === classId);
  const prop = cls?.properties.find((p) => p.name === property);
  if (!prop) return mapping;
  for (const parameter of TYPE_PARAMETERS) delete prop[parameter];
  prop.type = type;
  for (const source of next.sources.filter((s) => s.class_id === classId)) {
    const column = source.properties.find((p) => p.property === property);
    if (!column) continue;
    const kept = (column.transforms ?? []).filter((t) => t.op !== "parse" && t.op !== "cast");
    column.transforms = PARSED.has(type) ? [...kept, { op: "parse", as: type }] : kept;
  }
  return next;
}

/** The mapping with a class's key (the properties whose values make the instance id). */
export function withKey(mapping: Mapping, classId: string, key: string[]): Mapping {
  const next = copy(mapping);
  const cls = next.classes.find((c) => c.id === classId);
  if (!cls) return mapping;
  for (const p of cls.properties) {
    if (key.includes(p.name)) {
      p.primary_key = true;
      p.required = true;
    } else delete p.primary_key;
  }
  for (const source of next.sources.filter((s) => s.class_id === classId)) source.key = [...key];
  return next;
}

/** The mapping without a link (and the relationship it makes), or with it again. */
export function withoutLink(mapping: Mapping, classId: string, predicate: string): Mapping {
  const next = copy(mapping);
  const cls = next.classes.find((c) => c.id === classId);
  if (cls?.relationships) cls.relationships = cls.relationships.filter((r) => r.predicate !== predicate);
  for (const source of next.sources.filter((s) => s.class_id === classId)) {
    source.links = source.links.filter((l) => l.predicate !== predicate);
  }
  return next;
}

/** The mapping with a class renamed everywhere it is named: its definition, the
 * relationships and parents that point at it, its sources and the links to it. */
export function withClassId(mapping: Mapping, from: string, to: string): Mapping {
  const id = to.trim();
  if (!id || id === from || mapping.classes.some((c) => c.id === id)) return mapping;
  const next = copy(mapping);
  for (const cls of next.classes) {
    if (cls.id === from) cls.id = id;
    if (cls["parent_class"] === from) cls["parent_class"] = id;
    for (const r of cls.relationships ?? []) if (r.target === from) r.target = id;
  }
  for (const source of next.sources) {
    if (source.class_id === from) source.class_id = id;
    for (const link of source.links) if (link.target === from) link.target = id;
  }
  return next;
}

/** The mapping with the sources of `dataset` reading its latest version, not the one they
 * were suggested from (so that a connector's import reads each new version it syncs). */
export function unpinned(mapping: Mapping, dataset: string): Mapping {
  const next = copy(mapping);
  for (const source of next.sources) if (source.dataset === dataset) delete source["version"];
  return next;
}
