// Classes and the property types: reading them, checking a change, saving one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { readQuery } from "../../state/location";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import type { Schemas, Without } from "../client";
import { keys } from "../keys";
import type { Place } from "../keys";

export function useClasses(db: string, where: Place) {
  return useQuery({
    queryKey: keys.classes.list(db, where),
    queryFn: () =>
      ok(
        api.GET("/api/v1/database/{db}/ontology", {
          params: { path: { db }, query: { ...readQuery(where), limit: 1000 } },
        }),
      ),
  });
}

/** A property type and the parameters it takes (name to description). */
export type TypeInfo = Schemas["TypeInfo"];

/** The property types the server knows (they do not change while it runs). */
export function useTypes() {
  return useQuery({
    queryKey: keys.types(),
    queryFn: () => ok(api.GET("/api/v1/types")),
    select: (answer) => answer.data.types,
    staleTime: Infinity,
  });
}

/** What a change to a class would do to its instances (of the violations, the page's
 * items and their total: a refused write's error carries no more). */
export type Impact = Without<Schemas["Impact"], "violations"> & {
  violations: Pick<Schemas["Impact"]["violations"], "items" | "total">;
};

/** Check a changed class against its instances; nothing is written. */
export function useAnalyzeClass(db: string, branch: string) {
  return useMutation({
    mutationFn: async (definition: Schemas["ClassDefinition"]) => {
      const answer = await ok(
        api.POST("/api/v1/database/{db}/ontology/{class_id}/analyze", {
          params: { path: { db, class_id: definition.id }, query: { branch } },
          body: definition,
        }),
      );
      return answer.data.impact;
    },
  });
}

/** Make a class, or (`editing`) replace one; classes and instances are read again after. */
export function useSaveClass(db: string, branch: string, editing: boolean, onSaved: () => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (definition: Schemas["ClassDefinition"]) => {
      const answer = editing
        ? await ok(
            api.PUT("/api/v1/database/{db}/ontology/{class_id}", {
              params: { path: { db, class_id: definition.id }, query: { branch, wait: true } },
              body: definition,
            }),
          )
        : await ok(
            api.POST("/api/v1/database/{db}/ontology", {
              params: { path: { db }, query: { branch, wait: true } },
              body: definition,
            }),
          );
      track(answer, `class ${definition.id}`);
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: keys.classes.all(db) });
      await queries.invalidateQueries({ queryKey: keys.instances.all(db) });
      onSaved();
    },
  });
}
