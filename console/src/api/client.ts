// The API client: every call is typed by the paths of the server's own OpenAPI document
// (schema.d.ts is generated from it at build time), so a change of the API's shape breaks
// the console's build, not its users.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
/** `T` without the properties `K` (unlike Omit, keeping the others beside an index signature). */
export type Without<T, K extends string> = { [P in keyof T as P extends K ? never : P]: T[P] };
export type DatabasePublic = Schemas["DatabasePublic"];
export type ClassPublic = Schemas["ClassPublic"];
export type InstancePublic = Schemas["InstancePublic"];
export type SearchHit = Schemas["SearchHit"];
/** A row of the instance table: an instance listed, or one a search found. */
export type InstanceRow = InstancePublic | SearchHit;
export type BranchPublic = Schemas["BranchPublic"];
export type GraphResult = Schemas["GraphResult"];
export type TypeInfo = Schemas["TypeList"]["types"][number];

// The console is served by the API's own server: calls go to the origin it came from.
// `fetch` is looked up at each call, not when the client is made (tests replace it).
export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  fetch: (request: Request) => globalThis.fetch(request),
});

/** One entry of a 422's `details.errors`: the field, and why its value was refused. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
  value?: unknown;
}

/** The API's one error shape, `{status: "error", code, message, details}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The refused fields of a 422, by path (the first reason of each). */
  get fieldErrors(): Record<string, string> {
    const errors = this.details["errors"];
    const byPath: Record<string, string> = {};
    if (Array.isArray(errors)) {
      for (const e of errors as FieldError[]) {
        if (e && typeof e.path === "string" && !(e.path in byPath)) byPath[e.path] = e.message;
      }
    }
    return byPath;
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === "object" && "code" in body && "message" in body) {
    const b = body as { code: unknown; message: unknown; details?: unknown };
    const details = b.details && typeof b.details === "object" ? (b.details as Record<string, unknown>) : {};
    return new ApiError(status, String(b.code), String(b.message), details);
  }
  return new ApiError(status, "HTTP_" + status, `the server answered ${status}`);
}

/** The body of a successful answer, or the answer's `ApiError`. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw toApiError(response.status, error);
  return data as T;
}

/** What a write answers: at once (202, PENDING) or, with `?wait=true`, its final status. */
export interface WriteAnswer {
  command_id?: string | null;
  status?: string;
  data?: { command_id?: string; status?: string; error?: unknown; result?: Record<string, unknown> | null } | null;
}

/** The command id of a write's answer, wherever the seed's shapes put it. */
export function commandIdOf(answer: WriteAnswer): string | undefined {
  return answer.data?.command_id ?? answer.command_id ?? undefined;
}

/** A label given as a string or as `{"en": ..., "ko": ...}`, in the language asked for. */
export function labelOf(label: unknown, language: string, fallback: string): string {
  if (typeof label === "string" && label) return label;
  if (label && typeof label === "object") {
    const byLanguage = label as Record<string, unknown>;
    const found = byLanguage[language] ?? byLanguage["en"] ?? Object.values(byLanguage)[0];
    if (typeof found === "string" && found) return found;
  }
  return fallback;
}

/** A failure as the API's `ApiError` (null for none, or for one that is not an answer). */
export function apiErrorOf(error: unknown): ApiError | null {
  return error instanceof ApiError ? error : null;
}
