// The data of the history page, apart from React (tested alone): diff items as rows of
// two sides, and the conflicts of a refused merge with their chosen sides.

import type { Schemas } from "./api/client";

/** One instance's change in a diff: added, removed (with its values) or changed. */
export type DiffItem = Schemas["DataDiff"]["items"][number];

/** One line of a side-by-side diff: an instance's property as it is on each side
 * (undefined: absent on that side). */
/** What the diff endpoint answers (and a proposal carries). */
export type DiffAnswer = Schemas["Diff"];

export interface DiffLine {
  key: string;
  instance: string;
  property: string;
  change: DiffItem["change"];
  left: unknown;
  right: unknown;
}

export function diffLines(items: DiffItem[]): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const item of items) {
    const instance = `${item.class_id}/${item.instance_id}`;
    if (item.change === "changed") {
      for (const p of item.properties ?? []) {
        lines.push({
          key: `${instance}.${p.property}`,
          instance,
          property: p.property,
          change: "changed",
          left: p.old,
          right: p.new,
        });
      }
      continue;
    }
    for (const [property, value] of Object.entries(item.values ?? {})) {
      const added = item.change === "added";
      lines.push({
        key: `${instance}.${property}`,
        instance,
        property,
        change: item.change,
        left: added ? undefined : value,
        right: added ? value : undefined,
      });
    }
  }
  return lines;
}

export interface Conflict {
  key: string;
  kind: string;
  property?: string;
  base?: unknown;
  ours?: unknown;
  theirs?: unknown;
  message?: string;
}

export type Side = "ours" | "theirs";

/** The conflicts of a 409 from a merge (none when the refusal was something else). */
export function conflictsOf(details: Record<string, unknown>): Conflict[] {
  const found = details["conflicts"];
  return Array.isArray(found) ? (found as Conflict[]).filter((c) => c && typeof c.key === "string") : [];
}

/** The resolutions to send: every conflict must have a side. */
export function resolutions(conflicts: Conflict[], chosen: Record<string, Side>): Record<string, Side> | null {
  const out: Record<string, Side> = {};
  for (const c of conflicts) {
    const side = chosen[c.key];
    if (!side) return null;
    out[c.key] = side;
  }
  return out;
}
