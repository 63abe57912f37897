// Onboarding: datasets uploaded or fetched, the types inferred for their columns, the
// suggested mapping, its dry run, the import and its progress.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { datasetName } from "../../onboarding";
import type { Mapping } from "../../onboarding";
import { useCommands } from "../../state/commands";
import { api, ok } from "../client";
import type { Schemas, WriteAnswer } from "../client";
import { keys } from "../keys";

/** A dataset as an upload answers it: its tables' names, columns and row counts. */
export interface Uploaded {
  name: string;
  /** The URL it was fetched from (none: uploaded from a file). */
  url?: string;
  tables: Array<{ name: string; columns: string[]; rows: number }>;
}

/** The dataset a write made (the API's schema leaves a command's result untyped). */
function uploadedOf(answer: WriteAnswer): Uploaded | null {
  const result = answer.data?.result as { dataset?: string; tables?: Uploaded["tables"] } | null | undefined;
  return result?.dataset ? { name: result.dataset, tables: result.tables ?? [] } : null;
}

/** Upload files, a dataset each (named after the file); `onUploaded` gets each. */
export function useUploadFiles(db: string, onUploaded: (dataset: Uploaded) => void) {
  const queries = useQueryClient();
  const { track } = useCommands();
  return useMutation({
    mutationFn: async (files: File[]) => {
      for (const file of files) {
        const form = new FormData();
        form.append("file", file, file.name);
        const name = datasetName(file.name);
        const answer = await ok(
          api.POST("/api/v1/databases/{db}/datasets/{name}/versions", {
            params: { path: { db, name }, query: { wait: true } },
            // A multipart body: the schema's `{file: string}` is what the FormData carries.
            body: form as never,
            bodySerializer: (body: unknown) => body as FormData,
          }),
        );
        track(answer, `dataset ${name}`);
        const uploaded = uploadedOf(answer);
        if (uploaded) onUploaded(uploaded);
      }
      await queries.invalidateQueries({ queryKey: keys.datasets(db) });
    },
  });
}

/** Fetch a dataset from a URL (a published sheet, a CSV). */
export function useFetchUrl(db: string, onUploaded: (dataset: Uploaded) => void) {
  const { track } = useCommands();
  return useMutation({
    mutationFn: async ({ url, name }: { url: string; name: string }) => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/datasets/{name}/versions/from-url", {
          params: { path: { db, name }, query: { wait: true } },
          body: { url },
        }),
      );
      track(answer, `dataset ${name}`);
      const uploaded = uploadedOf(answer);
      if (uploaded) onUploaded({ ...uploaded, url });
    },
  });
}

/** What an import does (a dry run: would do): rows counted per class, the refused rows. */
export type ImportReport = Schemas["ImportReport"];

export function useInference(db: string, dataset: string) {
  return useQuery({
    queryKey: keys.inference(db, dataset),
    queryFn: () =>
      ok(api.GET("/api/v1/databases/{db}/datasets/{name}/inference", { params: { path: { db, name: dataset } } })),
    select: (answer) => answer.data,
    enabled: Boolean(dataset),
  });
}

/** The classes and mapping the server suggests for the datasets; `onSuggested` gets it. */
export function useSuggestedMapping(db: string, datasets: string[], onSuggested: (mapping: Mapping) => void) {
  return useQuery({
    queryKey: keys.suggestion(db, datasets),
    queryFn: async () => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/datasets/suggest-ontology", { params: { path: { db } }, body: { datasets } }),
      );
      const mapping = answer.data.mapping;
      onSuggested(mapping);
      return mapping;
    },
    staleTime: Infinity,
  });
}

/** Save `mapping` as the mapping `name` (its next version), waiting for it. */
export function saveMapping(db: string, name: string, mapping: Mapping): Promise<WriteAnswer> {
  return ok(
    api.PUT("/api/v1/databases/{db}/mappings/{name}", {
      params: { path: { db, name }, query: { wait: true } },
      body: mapping,
    }),
  );
}

/** Save the mapping as `name` (then `onSaved`) and run it dry on the branch. */
export function useDryRun(db: string, branch: string, name: string, mapping: Mapping, onSaved: (name: string) => void) {
  return useQuery({
    queryKey: keys.dryRun(db, branch, mapping),
    queryFn: async () => {
      await saveMapping(db, name, mapping);
      onSaved(name);
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/mappings/{name}/dry-run", {
          params: { path: { db, name }, query: { branch } },
        }),
      );
      return answer.data;
    },
  });
}

/** Start importing with the mapping `name`; `onStarted` gets the command's id. */
export function useStartImport(db: string, branch: string, onStarted: (commandId: string | null) => void) {
  const { track } = useCommands();
  return useMutation({
    mutationFn: async ({ mapping, allowPartial }: { mapping: string; allowPartial: boolean }) => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/imports", {
          params: { path: { db }, query: { branch } },
          body: { mapping, allow_partial: allowPartial },
        }),
      );
      onStarted(track(answer, `import ${mapping}`) ?? null);
    },
  });
}

export const FINISHED: ReadonlySet<string | undefined> = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/** A command's status, asked every half second until it finished. */
export function useCommandStatus(commandId: string | null) {
  return useQuery({
    queryKey: keys.command(commandId),
    queryFn: () =>
      ok(api.GET("/api/v1/commands/{command_id}/status", { params: { path: { command_id: commandId ?? "" } } })),
    enabled: Boolean(commandId),
    refetchInterval: (query) => (FINISHED.has(query.state.data?.status) ? false : 500),
  });
}

/** The report of a finished import: its command's result, which the API's schema leaves
 * untyped (a command status carries any command's result), is the dry run's report. */
export function importReportOf(result: Record<string, unknown> | null): ImportReport | null {
  return result as ImportReport | null;
}
