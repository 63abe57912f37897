// The search API: the instance table's rows when it searches, and the facets' counts.
import { useQuery } from "@tanstack/react-query";
import { searchFilter } from "../../explore";
import type { Filters } from "../../explore";
import { readQuery } from "../../state/location";
import { api, ok } from "../client";
import type { SearchHit } from "../client";
import { keys } from "../keys";
import type { InstanceView, Place } from "../keys";

const FACET_SIZE = 12; // values counted per facet

/** Instances of `cls` the view finds, from `offset`. */
export async function searchInstances(
  db: string,
  where: Place,
  cls: string,
  view: InstanceView,
  offset: number,
  limit: number,
): Promise<{ items: SearchHit[]; total: number }> {
  const found = await ok(
    api.POST("/api/v1/database/{db}/search", {
      params: { path: { db }, query: readQuery(where) },
      body: {
        query: view.q,
        class_id: cls,
        filter: searchFilter(view.filters) ?? null,
        sort: view.sort || null,
        order: view.order,
        offset,
        limit,
      },
    }),
  );
  return { items: found.data.hits, total: found.data.total };
}

/** How many instances have each value, for each facet. */
export type Facets = Record<string, Array<{ value: unknown; count: number }>>;

/** The counts of the `names` properties' values among the instances the text and filters find. */
export function useFacets(db: string, where: Place, cls: string, q: string, filters: Filters, names: string[]) {
  return useQuery({
    queryKey: keys.facets(db, where, cls, q, filters, names),
    queryFn: () =>
      ok(
        api.POST("/api/v1/database/{db}/search", {
          params: { path: { db }, query: readQuery(where) },
          body: {
            query: q,
            class_id: cls,
            filter: searchFilter(filters) ?? null,
            facets: names,
            facet_size: FACET_SIZE,
            limit: 1,
          },
        }),
      ),
    select: (answer): Facets => answer.data.facets,
    enabled: names.length > 0,
  });
}
