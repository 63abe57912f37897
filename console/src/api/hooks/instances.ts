// Instances: blocks of the table's rows, one instance with its changes and blame, and
// making or changing one.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { readQuery } from "../../state/location";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import type { InstanceRow, Schemas } from "../client";
import { keys } from "../keys";
import type { InstanceView, Place } from "../keys";
import { searchInstances } from "./search";

export const BLOCK = 200; // rows fetched at a time as the table scrolls
const SEARCH_DEPTH = 10_000; // how deep the search API pages

/** A block of rows: from the list in id order, or (with a `view`) from the search for text,
 * sort or filters, which pages 10,000 results deep. */
export function instanceBlock(db: string, where: Place, cls: string, view: InstanceView | null, n: number) {
  return queryOptions({
    queryKey: keys.instances.block(db, where, cls, view, n),
    queryFn: async (): Promise<{ items: InstanceRow[]; total: number }> => {
      if (!view) {
        const page = await ok(
          api.GET("/api/v1/database/{db}/instances/{class_id}", {
            params: { path: { db, class_id: cls }, query: { ...readQuery(where), offset: n * BLOCK, limit: BLOCK } },
          }),
        );
        return { items: page.data.items, total: page.data.total };
      }
      const found = await searchInstances(db, where, cls, view, n * BLOCK, BLOCK);
      return { items: found.items, total: Math.min(found.total, SEARCH_DEPTH) };
    },
    staleTime: 5_000,
  });
}

function instancePath(db: string, cls: string, id: string) {
  return { db, class_id: cls, instance_id: id };
}

export function useInstance(db: string, where: Place, cls: string, id: string) {
  return useQuery({
    queryKey: keys.instanceAt("instance", db, where, cls, id),
    queryFn: () =>
      ok(
        api.GET("/api/v1/database/{db}/instances/{class_id}/{instance_id}", {
          params: { path: instancePath(db, cls, id), query: readQuery(where) },
        }),
      ),
  });
}

/** Every change of an instance, oldest first. */
export function useTimeline(db: string, where: Place, cls: string, id: string) {
  return useQuery({
    queryKey: keys.instanceAt("timeline", db, where, cls, id),
    queryFn: () =>
      ok(
        api.GET("/api/v1/database/{db}/instances/{class_id}/{instance_id}/history", {
          params: { path: instancePath(db, cls, id), query: { ...readQuery(where), limit: 200 } },
        }),
      ),
  });
}

/** Where a value came from when an import wrote it: the dataset's cell. */
export type SourceCell = Schemas["DatasetCell"];

/** Who set a value, when and why. */
export type BlameLine = Schemas["BlameLine"];

export function useBlame(db: string, where: Place, cls: string, id: string) {
  return useQuery({
    queryKey: keys.instanceAt("blame", db, where, cls, id),
    queryFn: () =>
      ok(
        api.GET("/api/v1/database/{db}/instances/{class_id}/{instance_id}/blame", {
          params: { path: instancePath(db, cls, id), query: readQuery(where) },
        }),
      ),
    select: (answer) => answer.data.blame,
  });
}

/** Make an instance of `cls`, or change `editing` (only the values given are sent). */
export function useSaveInstance(
  db: string,
  branch: string,
  cls: string,
  editing: InstanceRow | undefined,
  onSaved: () => void,
) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (data: Record<string, unknown>) => {
      const answer = editing
        ? await ok(
            api.PUT("/api/v1/database/{db}/instances/{class_id}/{instance_id}/update", {
              params: {
                path: instancePath(db, cls, editing.id),
                query: { branch, wait: true, expected_seq: editing.sequence_number },
              },
              body: { data },
            }),
          )
        : await ok(
            api.POST("/api/v1/database/{db}/instances/{class_id}/create", {
              params: { path: { db, class_id: cls }, query: { branch, wait: true } },
              body: { data },
            }),
          );
      track(answer, `${editing ? "update" : "create"} ${cls}`);
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: keys.instances.ofClass(db, branch, cls) });
      for (const kind of ["instance", "timeline", "blame"] as const) {
        await queries.invalidateQueries({ queryKey: keys.instance(kind, db, branch, cls) });
      }
      onSaved();
    },
  });
}
