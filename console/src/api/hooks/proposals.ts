// Proposals: the list, one with its notes and diff, opening one, acting on one, merging it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DiffAnswer, Side } from "../../history";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import type { Schemas, WriteAnswer } from "../client";
import { keys } from "../keys";

export const STATUSES = ["open", "merged", "closed"] as const;
export type ProposalStatus = (typeof STATUSES)[number];

/** A proposal as the API answers it; read alone while open, it also says why it is
 * blocked and what merging it would change (`diff`), which the API's schema leaves untyped. */
export type Proposal = Schemas["ProposalPublic"] & {
  blocked?: { code: string; message: string } | null;
  diff?: DiffAnswer | null;
};

export function useProposals(db: string | undefined, status: ProposalStatus) {
  return useQuery({
    queryKey: keys.proposals.list(db ?? "", status),
    queryFn: () =>
      ok(
        api.GET("/api/v1/databases/{db}/proposals", {
          params: { path: { db: db ?? "" }, query: { status, limit: 100 } },
        }),
      ),
    select: (answer): Proposal[] => answer.data.proposals,
    enabled: Boolean(db),
  });
}

export function useProposal(db: string, number: number) {
  return useQuery({
    queryKey: keys.proposals.one(db, number),
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/proposals/{number}", { params: { path: { db, number } } })),
    select: (answer): Proposal => answer.data,
  });
}

/** Read the proposal and the list again (after anything done to it). */
export function useRefreshProposal(db: string, number: number) {
  const queries = useQueryClient();
  return async () => {
    await queries.invalidateQueries({ queryKey: keys.proposals.one(db, number) });
    await queries.invalidateQueries({ queryKey: keys.proposals.all(db) });
  };
}

export type ProposalAction = "comments" | "approve" | "close";

/** Comment on a proposal, approve it (with a comment or none) or close it. */
export function useProposalAction(db: string, number: number, onDone: () => void) {
  const { track } = useCommands();
  const refresh = useRefreshProposal(db, number);
  return useMutation({
    mutationFn: async ({ action, comment }: { action: ProposalAction; comment: string }) => {
      const params = { path: { db, number }, query: { wait: true } };
      const note = comment ? { comment } : {};
      const answer = await ok(
        action === "comments"
          ? api.POST("/api/v1/databases/{db}/proposals/{number}/comments", { params, body: { comment } })
          : action === "approve"
            ? api.POST("/api/v1/databases/{db}/proposals/{number}/approve", { params, body: note })
            : api.POST("/api/v1/databases/{db}/proposals/{number}/close", { params, body: {} }),
      );
      track(answer, `proposal #${number} ${action}`);
      onDone();
    },
    onSuccess: refresh,
  });
}

/** Open a proposal; `onOpened` gets its number once the list is read again. */
export function useOpenProposal(db: string, onOpened: (number: number) => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (body: Schemas["ProposalRequest"]) => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/proposals", { params: { path: { db }, query: { wait: true } }, body }),
      );
      track(answer, `proposal ${body.title}`);
      const result = "result" in answer.data ? answer.data.result : null;
      return Number(result?.["number"] ?? 0);
    },
    onSuccess: async (number) => {
      await queries.invalidateQueries({ queryKey: keys.proposals.all(db) });
      onOpened(number);
    },
  });
}

/** Merge the proposal (a side chosen for each conflict when there were some). */
export function mergeProposal(db: string, number: number, resolved: Record<string, Side> | null): Promise<WriteAnswer> {
  return ok(
    api.POST("/api/v1/databases/{db}/proposals/{number}/merge", {
      params: { path: { db, number }, query: { wait: true } },
      body: { strategy: "fail", resolutions: resolved ?? {} },
    }),
  );
}
