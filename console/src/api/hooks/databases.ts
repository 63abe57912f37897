// Databases: the list, and making and deleting one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import type { Schemas } from "../client";
import { keys } from "../keys";

export function useDatabases() {
  return useQuery({
    queryKey: keys.databases(),
    queryFn: () => ok(api.GET("/api/v1/databases", { params: { query: { limit: 1000 } } })),
  });
}

/** Make a database; `onCreated` runs once the list is read again. */
export function useCreateDatabase(onCreated: (name: string) => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (body: Schemas["DatabaseCreate"]) => {
      const answer = await ok(api.POST("/api/v1/databases", { params: { query: { wait: true } }, body }));
      track(answer, `database ${body.name}`);
    },
    onSuccess: async (_, body) => {
      await queries.invalidateQueries({ queryKey: keys.databases() });
      onCreated(body.name);
    },
  });
}

/** Delete the database `name`, confirmed by its name typed again. */
export function useDeleteDatabase(name: string, onDeleted: () => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (confirm: string) => {
      const answer = await ok(
        api.DELETE("/api/v1/databases/{db}", { params: { path: { db: name }, query: { confirm, wait: true } } }),
      );
      track(answer, `delete ${name}`);
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: keys.databases() });
      onDeleted();
    },
  });
}
