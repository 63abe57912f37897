// Branches, their commits, the difference of two, and merging one into another.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DiffAnswer, Side } from "../../history";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import type { Schemas, WriteAnswer } from "../client";
import { keys } from "../keys";

export function useBranches(db: string) {
  return useQuery({
    queryKey: keys.branches(db),
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/branches", { params: { path: { db } } })),
  });
}

/** Make a branch; `onMade` runs once the branches are read again. */
export function useCreateBranch(db: string, onMade: (name: string) => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (body: Schemas["BranchCreate"]) => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/branches", { params: { path: { db }, query: { wait: true } }, body }),
      );
      track(answer, `branch ${body.name}`);
      return answer;
    },
    onSuccess: async (_, body) => {
      await queries.invalidateQueries({ queryKey: keys.branches(db) });
      onMade(body.name);
    },
  });
}

export function useCommits(db: string, branch: string) {
  return useQuery({
    queryKey: keys.commits(db, branch),
    queryFn: () =>
      ok(api.GET("/api/v1/databases/{db}/commits", { params: { path: { db }, query: { branch, limit: 50 } } })),
  });
}

/** What merging `from` into `into` would change. */
export function useDiff(db: string, into: string, from: string) {
  return useQuery({
    queryKey: keys.diff(db, into, from),
    queryFn: async (): Promise<DiffAnswer> => {
      const answer = await ok(
        api.GET("/api/v1/databases/{db}/diff", {
          params: { path: { db }, query: { from: into, to: from, limit: 500 } },
        }),
      );
      return answer.data;
    },
  });
}

/** Merge `from` into `into`, with a side chosen for each conflict when there were some. */
export function mergeBranches(
  db: string,
  from: string,
  into: string,
  resolved: Record<string, Side> | null,
): Promise<WriteAnswer> {
  return ok(
    api.POST("/api/v1/databases/{db}/merge", {
      params: { path: { db }, query: { wait: true } },
      body: { source: from, target: into, strategy: "fail", resolutions: resolved ?? {} },
    }),
  );
}

/** A merge sent by `send`, tracked: `onMerged` runs once it went through, `onReread` once
 * every query was read again after it. */
export function useMerge(
  label: string,
  send: (resolved: Record<string, Side> | null) => Promise<WriteAnswer>,
  handlers: { onMerged: () => void; onReread: () => void; onError: (error: Error) => void },
) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (resolved: Record<string, Side> | null) => {
      track(await send(resolved), label);
    },
    onSuccess: async () => {
      handlers.onMerged();
      await queries.invalidateQueries();
      handlers.onReread();
    },
    onError: handlers.onError,
  });
}
