// The instance table's exploration, kept in the URL so a link shows the same view: the
// text searched (`q`), the sort (`sort`, `order`) and facet filters (`f`, repeated,
// `property=<JSON value>`), and the search body they make.

export type Filters = Record<string, unknown[]>;

export function filtersFrom(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const entry of params.getAll("f")) {
    const cut = entry.indexOf("=");
    if (cut <= 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(entry.slice(cut + 1));
    } catch {
      continue;
    }
    (filters[entry.slice(0, cut)] ??= []).push(value);
  }
  return filters;
}

/** The parameters with one facet value chosen or not. */
export function withFilter(
  params: URLSearchParams,
  property: string,
  value: unknown,
  chosen: boolean,
): URLSearchParams {
  const entry = `${property}=${JSON.stringify(value)}`;
  const next = new URLSearchParams(params);
  const kept = next.getAll("f").filter((f) => f !== entry);
  next.delete("f");
  for (const f of chosen ? [...kept, entry] : kept) next.append("f", f);
  return next;
}

/** The search API's filter for the chosen values: any of a property's, all properties. */
export function searchFilter(filters: Filters): Record<string, unknown> | undefined {
  const parts = Object.entries(filters)
    .filter(([, values]) => values.length > 0)
    .map(([property, values]) =>
      values.length === 1 ? { term: { [property]: values[0] } } : { in: { [property]: values } },
    );
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** Whether the view needs the search API (text, a sort or filters) rather than the list. */
export function searching(params: URLSearchParams): boolean {
  return Boolean(params.get("q") || params.get("sort") || params.getAll("f").length);
}

/** Properties worth counting in facets: enums and booleans first, then other short values;
 * never a key or a unique property (every value its own bucket). */
export function facetable(
  columns: Array<{ name: string; type: string; relationship?: string; distinct?: boolean }>,
): string[] {
  const rank = (type: string) =>
    type === "enum" || type === "boolean" ? 0 : type === "string" || type === "reference" ? 1 : 2;
  return columns
    .filter((c) => !c.distinct && rank(c.relationship ? "reference" : c.type) < 2)
    .sort((a, b) => rank(a.relationship ? "reference" : a.type) - rank(b.relationship ? "reference" : b.type))
    .slice(0, 4)
    .map((c) => c.name);
}
