// Connectors: the list, one with its sync state, saving one (a new version), deleting one,
// and syncing one now with the sync's status followed until it finished.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { ConnectorRequest } from "../../connectors";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import { keys } from "../keys";
import type { Mapping } from "../../onboarding";
import { FINISHED, saveMapping, useCommandStatus } from "./datasets";

export function useConnectors(db: string) {
  return useQuery({
    queryKey: keys.connectors.all(db),
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/connectors", { params: { path: { db } } })),
    select: (answer) => answer.data.connectors,
    enabled: Boolean(db),
  });
}

export function useConnector(db: string, name: string | undefined) {
  return useQuery({
    queryKey: keys.connectors.one(db, name ?? ""),
    queryFn: () =>
      ok(api.GET("/api/v1/databases/{db}/connectors/{name}", { params: { path: { db, name: name ?? "" } } })),
    select: (answer) => answer.data,
    enabled: Boolean(db && name),
  });
}

/** Save `body` as connector `name`'s next version (waiting for it); `onSaved` gets the name.
 * With `mapping`, the mapping its import names is saved first (the onboarding wizard's). */
export function useSaveConnector(db: string, onSaved: (name: string) => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async ({ name, body, mapping }: { name: string; body: ConnectorRequest; mapping?: Mapping }) => {
      if (mapping && body.import) await saveMapping(db, body.import.mapping, mapping);
      const answer = await ok(
        api.PUT("/api/v1/databases/{db}/connectors/{name}", {
          params: { path: { db, name }, query: { wait: true } },
          body,
        }),
      );
      track(answer, `connector ${name}`);
      return name;
    },
    onSuccess: async (name) => {
      await queries.invalidateQueries({ queryKey: keys.connectors.all(db) });
      onSaved(name);
    },
  });
}

export function useDeleteConnector(db: string, onDeleted: () => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (name: string) => {
      const answer = await ok(
        api.DELETE("/api/v1/databases/{db}/connectors/{name}", {
          params: { path: { db, name }, query: { wait: true } },
        }),
      );
      track(answer, `delete connector ${name}`);
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: keys.connectors.all(db) });
      onDeleted();
    },
  });
}

/** Sync connector `name` now; `onStarted` gets the sync command's id (it runs on its own). */
export function useSyncConnector(db: string, onStarted: (name: string, commandId: string | null) => void) {
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (name: string) => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/connectors/{name}/sync", { params: { path: { db, name } } }),
      );
      onStarted(name, track(answer, `sync ${name}`) ?? null);
    },
  });
}

/** A sync's status until it finished; then the connectors are read again (their state and
 * history changed). */
export function useSyncStatus(db: string, commandId: string | null) {
  const queries = useQueryClient();
  const status = useCommandStatus(commandId);
  const finished = FINISHED.has(status.data?.status);
  useEffect(() => {
    if (finished) void queries.invalidateQueries({ queryKey: keys.connectors.all(db) });
  }, [finished, db, queries, commandId]);
  return status;
}
