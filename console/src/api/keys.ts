// Every query's key, made here and only here, so that a write invalidates exactly what it
// changed. A key starts with its resource, then the database (then the branch and the
// class where there is one): a shorter key is the prefix that matches all the longer ones,
// e.g. `keys.classes.all(db)` every branch and point in time of the database's classes.
import type { Filters } from "../explore";

/** Where a read looks: a branch, and a point in time (none: now). */
export interface Place {
  branch: string;
  asOf?: string | undefined;
}

/** What the instance table shows when it searches: text, sort and facet filters. */
export interface InstanceView {
  q: string;
  sort: string;
  order: "asc" | "desc";
  filters: Filters;
}

export const keys = {
  me: (signedIn: boolean) => ["me", signedIn] as const,
  databases: () => ["databases"] as const,
  branches: (db: string) => ["branches", db] as const,
  commits: (db: string, branch: string) => ["commits", db, branch] as const,
  diff: (db: string, into: string, from: string) => ["diff", db, into, from] as const,
  classes: {
    all: (db: string) => ["classes", db] as const,
    list: (db: string, where: Place) => ["classes", db, where.branch, where.asOf] as const,
  },
  types: () => ["types"] as const,
  instances: {
    all: (db: string) => ["instances", db] as const,
    ofClass: (db: string, branch: string, cls: string) => ["instances", db, branch, cls] as const,
    /** A block of the table's rows: from the list (`view` null) or from the search. */
    block: (db: string, where: Place, cls: string, view: InstanceView | null, n: number) =>
      ["instances", db, where.branch, cls, where.asOf, view, n] as const,
  },
  /** One instance's values, changes or blame; without `id`, every instance of the class. */
  instance: (kind: "instance" | "timeline" | "blame", db: string, branch: string, cls: string) =>
    [kind, db, branch, cls] as const,
  instanceAt: (kind: "instance" | "timeline" | "blame", db: string, where: Place, cls: string, id: string) =>
    [kind, db, where.branch, cls, id, where.asOf] as const,
  facets: (db: string, where: Place, cls: string, q: string, filters: Filters, names: string[]) =>
    ["facets", db, where.branch, where.asOf, cls, q, filters, names] as const,
  proposals: {
    all: (db: string) => ["proposals", db] as const,
    list: (db: string, status: string) => ["proposals", db, status] as const,
    one: (db: string, number: number) => ["proposal", db, number] as const,
  },
  datasets: (db: string) => ["datasets", db] as const,
  connectors: {
    all: (db: string) => ["connectors", db] as const,
    one: (db: string, name: string) => ["connectors", db, name] as const,
  },
  inference: (db: string, dataset: string) => ["inference", db, dataset] as const,
  suggestion: (db: string, datasets: string[]) => ["suggest", db, datasets.join(",")] as const,
  dryRun: (db: string, branch: string, mapping: unknown) => ["dry-run", db, branch, JSON.stringify(mapping)] as const,
  command: (id: string | null) => ["command", id] as const,
  health: () => ["health"] as const,
  ready: () => ["ready"] as const,
  roles: (db: string) => ["roles", db] as const,
  settings: (db: string) => ["settings", db] as const,
  audit: () => ["audit"] as const,
};
