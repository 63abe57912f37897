// Connectors' model, apart from React (tested alone): the form a person fills for each kind
// of source, the request body made from it (secrets as a value the server seals or as a
// reference, never the mask `***` sent back), the form made again from a saved connector,
// and how a sync's state and result read.
import type { Schemas } from "./api/client";

export type ConnectorPublic = Schemas["ConnectorPublic"];
export type ConnectorRequest = Schemas["ConnectorRequest"];
export type SyncState = Schemas["SyncStatePublic"];
export type SyncRecord = Schemas["SyncRecord"];
export type Kind = ConnectorRequest["kind"];
export type ImportMode = NonNullable<Schemas["ThenImport"]["mode"]>;

export const KINDS: readonly Kind[] = ["google_sheets", "http_file", "postgresql", "s3"];
export const MODES: readonly ImportMode[] = ["upsert", "snapshot", "append", "create"];
/** What a saved secret shows as (the server sealed it; its value is not given back). */
export const MASK = "***";

/** One field of a kind's config: a text, a long text, or a secret. */
export interface ConfigField {
  key: string;
  required?: boolean;
  secret?: boolean;
  long?: boolean;
  /** Shown only when the PostgreSQL source is read this way. */
  pg?: "table" | "query";
}

export const CONFIG_FIELDS: Record<Kind, readonly ConfigField[]> = {
  google_sheets: [{ key: "url", required: true }],
  http_file: [
    { key: "url", required: true },
    { key: "token", secret: true },
  ],
  postgresql: [
    { key: "dsn", required: true },
    { key: "password", secret: true },
    { key: "schema", pg: "table" },
    { key: "table", pg: "table", required: true },
    { key: "query", pg: "query", required: true, long: true },
    { key: "watermark" },
  ],
  s3: [
    { key: "bucket", required: true },
    { key: "prefix" },
    { key: "endpoint_url" },
    { key: "region" },
    { key: "access_key_id" },
    { key: "secret_access_key", secret: true },
  ],
};

/** A secret as the form holds it: none, a value typed (sealed by the server), or the name
 * of a setting SPICE_SECRET_<NAME>. `sealed`: the saved connector has one already. */
export interface SecretDraft {
  mode: "none" | "value" | "ref";
  value: string;
  ref: string;
  sealed: boolean;
}

export interface ConnectorDraft {
  name: string;
  kind: Kind;
  /** The config's text fields, by key (those of every kind: switching kinds keeps them). */
  fields: Record<string, string>;
  secrets: Record<string, SecretDraft>;
  pgSource: "table" | "query";
  dataset: string;
  schedule: "none" | "every" | "cron";
  everySeconds: string;
  cron: string;
  withImport: boolean;
  mapping: string;
  mode: ImportMode;
  branch: string;
  allowPartial: boolean;
}

const NO_SECRET: SecretDraft = { mode: "none", value: "", ref: "", sealed: false };

export function emptyDraft(kind: Kind = "http_file"): ConnectorDraft {
  return {
    name: "",
    kind,
    fields: {},
    secrets: {},
    pgSource: "table",
    dataset: "",
    schedule: "none",
    everySeconds: "3600",
    cron: "",
    withImport: false,
    mapping: "",
    mode: "upsert",
    branch: "main",
    allowPartial: false,
  };
}

export function secretOf(draft: ConnectorDraft, key: string): SecretDraft {
  return draft.secrets[key] ?? NO_SECRET;
}

/** The fields of the draft's kind that the form shows (PostgreSQL: its table or its query). */
export function shownFields(draft: ConnectorDraft): ConfigField[] {
  return CONFIG_FIELDS[draft.kind].filter((f) => !f.pg || f.pg === draft.pgSource);
}

/** A secret as the body carries it, or undefined for none (a sealed one left blank is
 * dropped: the server cannot be sent it back). */
function secretValue(secret: SecretDraft): string | { secret_ref: string } | undefined {
  if (secret.mode === "ref" && secret.ref.trim()) return { secret_ref: secret.ref.trim().toUpperCase() };
  if (secret.mode === "value" && secret.value && secret.value !== MASK) return secret.value;
  return undefined;
}

/** The draft's config: its kind's fields that are filled, trimmed, and its secrets. */
export function configOf(draft: ConnectorDraft): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of shownFields(draft)) {
    if (field.secret) {
      const value = secretValue(secretOf(draft, field.key));
      if (value !== undefined) config[field.key] = value;
      continue;
    }
    const text = (draft.fields[field.key] ?? "").trim();
    if (text) config[field.key] = text;
  }
  return config;
}

/** The schedule of the draft: every N seconds, a cron expression, or none (on request). */
export function scheduleOf(draft: ConnectorDraft): ConnectorRequest["schedule"] {
  if (draft.schedule === "every") return { every_seconds: Number(draft.everySeconds) };
  if (draft.schedule === "cron") return { cron: draft.cron.trim() };
  return null;
}

/** The body of `PUT .../connectors/{name}` the draft makes. */
export function connectorBody(draft: ConnectorDraft): ConnectorRequest {
  return {
    kind: draft.kind,
    config: configOf(draft),
    dataset: draft.dataset.trim(),
    schedule: scheduleOf(draft),
    import: draft.withImport
      ? {
          mapping: draft.mapping.trim(),
          mode: draft.mode,
          branch: draft.branch.trim() || "main",
          allow_partial: draft.allowPartial,
        }
      : null,
  };
}

/** What the form refuses before anything is sent, by the path the server's errors name
 * (`name`, `dataset`, `config.url`, `schedule.every_seconds`, `import.mapping`). */
export function draftErrors(draft: ConnectorDraft): Record<string, "required" | "whole"> {
  const errors: Record<string, "required" | "whole"> = {};
  if (!draft.name.trim()) errors["name"] = "required";
  if (!draft.dataset.trim()) errors["dataset"] = "required";
  for (const field of shownFields(draft)) {
    if (field.required && !field.secret && !(draft.fields[field.key] ?? "").trim())
      errors[`config.${field.key}`] = "required";
  }
  if (draft.schedule === "every" && !/^[1-9]\d*$/.test(draft.everySeconds.trim()))
    errors["schedule.every_seconds"] = "whole";
  if (draft.schedule === "cron" && !draft.cron.trim()) errors["schedule.cron"] = "required";
  if (draft.withImport && !draft.mapping.trim()) errors["import.mapping"] = "required";
  return errors;
}

function secretDraft(value: unknown): SecretDraft {
  if (value && typeof value === "object" && "secret_ref" in value)
    return { ...NO_SECRET, mode: "ref", ref: String(value.secret_ref) };
  if (value === MASK) return { ...NO_SECRET, mode: "value", sealed: true };
  if (typeof value === "string" && value) return { ...NO_SECRET, mode: "value", value };
  return NO_SECRET;
}

/** The form of a saved connector, to edit it (a sealed secret must be typed again). */
export function draftFrom(connector: ConnectorPublic): ConnectorDraft {
  const draft = emptyDraft(connector.kind);
  for (const [key, value] of Object.entries(connector.config)) {
    const field = CONFIG_FIELDS[connector.kind].find((f) => f.key === key);
    if (field?.secret) draft.secrets[key] = secretDraft(value);
    else if (typeof value === "string" || typeof value === "number") draft.fields[key] = String(value);
  }
  const every = connector.schedule?.["every_seconds"];
  const cron = connector.schedule?.["cron"];
  const then = connector.import;
  return {
    ...draft,
    name: connector.name,
    pgSource: "query" in connector.config ? "query" : "table",
    dataset: connector.dataset,
    schedule: every != null ? "every" : cron != null ? "cron" : "none",
    everySeconds: every != null ? String(every) : draft.everySeconds,
    cron: cron != null ? String(cron) : "",
    withImport: Boolean(then),
    mapping: then?.mapping ?? "",
    mode: then?.mode ?? "upsert",
    branch: then?.branch ?? "main",
    allowPartial: then?.allow_partial ?? false,
  };
}

const SHEETS_LINK = /^https?:\/\/[^/]+\/spreadsheets\/d\/[A-Za-z0-9_-]+/;

/** The kind of connector that reads a URL: a Google Sheets share link, or a file. */
export function kindOfUrl(url: string): Kind {
  return SHEETS_LINK.test(url.trim()) ? "google_sheets" : "http_file";
}

/** The connector the onboarding wizard makes instead of a one-time import: the URL its
 * dataset came from, the mapping it saved, in `mode`, on `branch`. */
export function onboardingDraft(source: { url: string; dataset: string; mapping: string; branch: string }) {
  return {
    ...emptyDraft(kindOfUrl(source.url)),
    name: source.dataset,
    fields: { url: source.url },
    dataset: source.dataset,
    withImport: true,
    mapping: source.mapping,
    mode: "upsert" as ImportMode,
    branch: source.branch,
  };
}

/** A duration in its largest units (at most two), e.g. 5400 s: 1 h 30 min. */
export function durationParts(seconds: number): Array<{ unit: "d" | "h" | "min" | "s"; count: number }> {
  const units = [
    ["d", 86400],
    ["h", 3600],
    ["min", 60],
    ["s", 1],
  ] as const;
  const parts: Array<{ unit: "d" | "h" | "min" | "s"; count: number }> = [];
  let left = Math.max(0, Math.round(seconds));
  for (const [unit, size] of units) {
    const count = Math.floor(left / size);
    if (count > 0 && parts.length < 2) {
      parts.push({ unit, count });
      left -= count * size;
    } else if (parts.length > 0) break;
  }
  return parts.length ? parts : [{ unit: "s", count: 0 }];
}

/** A time of a sync state (seconds since the epoch) as a date and time, and how long ago
 * or how soon from `now` (seconds too); null when it never happened. */
export function whenText(at: number | null | undefined, now: number, language: string): string | null {
  if (at == null) return null;
  const date = new Date(at * 1000).toLocaleString(language);
  const delta = at - now;
  const abs = Math.abs(delta);
  const [unit, size]: [Intl.RelativeTimeFormatUnit, number] =
    abs < 60 ? ["second", 1] : abs < 3600 ? ["minute", 60] : abs < 86400 ? ["hour", 3600] : ["day", 86400];
  const relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" }).format(Math.round(delta / size), unit);
  return `${date} (${relative})`;
}

/** Whether a connector's syncs are well: never run, last succeeded, or failing now. */
export function health(state: SyncState): "never" | "ok" | "failing" {
  if (state.attempts > 0 || (state.last_failure ?? 0) > (state.last_success ?? 0)) return "failing";
  return state.last_success == null ? "never" : "ok";
}

export type SyncCounts = Schemas["SyncCounts"];

/** What a finished sync did, read from its command's result (which the API's schema
 * leaves untyped: a command status carries any command's result). */
export interface SyncOutcome {
  changed: boolean;
  version: number | null;
  imported: boolean;
  byClass: Record<string, SyncCounts>;
  totals: SyncCounts | null;
}

export function syncOutcome(result: Record<string, unknown> | null | undefined): SyncOutcome | null {
  if (!result || typeof result["changed"] !== "boolean") return null;
  return {
    changed: result["changed"],
    version: typeof result["version"] === "number" ? result["version"] : null,
    imported: result["imported"] === true,
    byClass: (result["by_class"] as Record<string, SyncCounts> | undefined) ?? {},
    totals: (result["totals"] as SyncCounts | undefined) ?? null,
  };
}

/** Which sentence says what a sync did: imported what changed, or the source unchanged,
 * or a new version kept without an import. */
export function outcomeKey(outcome: { changed?: boolean | null; imported?: boolean | null }) {
  if (outcome.imported) return "imported" as const;
  return outcome.changed ? ("changed" as const) : ("unchanged" as const);
}

/** A command's error in words: its message (a refusal's answer), else what it is. */
export function errorText(error: unknown): string {
  if (error == null) return "";
  if (typeof error === "string") return error;
  if (typeof error === "object" && "message" in error) return String(error.message);
  return JSON.stringify(error);
}
