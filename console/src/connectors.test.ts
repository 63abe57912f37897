import {
  connectorBody,
  draftErrors,
  draftFrom,
  durationParts,
  emptyDraft,
  errorText,
  health,
  kindOfUrl,
  onboardingDraft,
  outcomeKey,
  syncOutcome,
  whenText,
} from "./connectors";
import type { ConnectorDraft, ConnectorPublic, SyncState } from "./connectors";
import { unpinned } from "./onboarding";
import type { Mapping } from "./onboarding";

const STATE: SyncState = {
  last_poll: null,
  last_change: null,
  last_success: null,
  last_failure: null,
  last_error: null,
  failing_since: null,
  attempts: 0,
  next_run: null,
  next_retry: null,
  cursor: {},
  last_command: null,
  history: [],
};

function draft(change: Partial<ConnectorDraft>): ConnectorDraft {
  return { ...emptyDraft(), name: "items", dataset: "items", ...change };
}

describe("a connector's request body", () => {
  it("carries a file's URL, no schedule and no import when none is asked", () => {
    expect(connectorBody(draft({ fields: { url: " http://files/items.csv " } }))).toEqual({
      kind: "http_file",
      config: { url: "http://files/items.csv" },
      dataset: "items",
      schedule: null,
      import: null,
    });
  });

  it("gives a secret in clear for the server to seal, or as a reference in capitals", () => {
    const typed = draft({
      fields: { url: "http://a/b" },
      secrets: { token: { mode: "value", value: "s3cret", ref: "", sealed: false } },
    });
    expect(connectorBody(typed).config).toEqual({ url: "http://a/b", token: "s3cret" });
    const named = draft({
      fields: { url: "http://a/b" },
      secrets: { token: { mode: "ref", value: "x", ref: " api_token ", sealed: false } },
    });
    expect(connectorBody(named).config).toEqual({ url: "http://a/b", token: { secret_ref: "API_TOKEN" } });
  });

  it("never sends the mask of a sealed secret back, nor a secret left out", () => {
    const sealed = draft({
      kind: "postgresql",
      fields: { dsn: "host=db", table: "items" },
      secrets: { password: { mode: "value", value: "***", ref: "", sealed: true } },
    });
    expect(connectorBody(sealed).config).toEqual({ dsn: "host=db", table: "items" });
    const none = draft({
      kind: "postgresql",
      fields: { dsn: "host=db", table: "t" },
      secrets: { password: { mode: "none", value: "pw", ref: "", sealed: false } },
    });
    expect(connectorBody(none).config).not.toHaveProperty("password");
  });

  it("reads PostgreSQL by its table (and schema) or by its query, never both", () => {
    const fields = { dsn: "host=db", schema: "public", table: "items", query: "select 1", watermark: "updated_at" };
    expect(connectorBody(draft({ kind: "postgresql", fields })).config).toEqual({
      dsn: "host=db",
      schema: "public",
      table: "items",
      watermark: "updated_at",
    });
    expect(connectorBody(draft({ kind: "postgresql", pgSource: "query", fields })).config).toEqual({
      dsn: "host=db",
      query: "select 1",
      watermark: "updated_at",
    });
  });

  it("keeps only the fields of its kind when the kind changed", () => {
    const s3 = draft({ kind: "s3", fields: { url: "http://left/over", bucket: "b", prefix: "in/", region: "" } });
    expect(connectorBody(s3).config).toEqual({ bucket: "b", prefix: "in/" });
  });

  it("has the schedule asked for, and the import with its mapping, mode and branch", () => {
    const every = draft({ fields: { url: "http://a/b" }, schedule: "every", everySeconds: "60" });
    expect(connectorBody(every).schedule).toEqual({ every_seconds: 60 });
    const cron = draft({ fields: { url: "http://a/b" }, schedule: "cron", cron: " */15 * * * * " });
    expect(connectorBody(cron).schedule).toEqual({ cron: "*/15 * * * *" });
    const then = draft({ fields: { url: "http://a/b" }, withImport: true, mapping: "m", mode: "snapshot", branch: "" });
    expect(connectorBody(then).import).toEqual({
      mapping: "m",
      mode: "snapshot",
      branch: "main",
      allow_partial: false,
    });
  });
});

describe("a connector form's own checks", () => {
  it("names each missing or wrong field by the path the server would", () => {
    const errors = draftErrors({
      ...emptyDraft("postgresql"),
      pgSource: "query",
      schedule: "every",
      everySeconds: "1.5",
      withImport: true,
    });
    expect(errors).toEqual({
      name: "required",
      dataset: "required",
      "config.dsn": "required",
      "config.query": "required",
      "schedule.every_seconds": "whole",
      "import.mapping": "required",
    });
    expect(draftErrors(draft({ fields: { url: "http://a/b" } }))).toEqual({});
    expect(draftErrors(draft({ fields: { url: "x" }, schedule: "cron", cron: " " }))).toEqual({
      "schedule.cron": "required",
    });
  });
});

describe("a saved connector edited again", () => {
  const saved: ConnectorPublic = {
    name: "pg",
    database: "shop",
    version: 3,
    kind: "postgresql",
    config: { dsn: "host=db", query: "select * from t", password: "***" },
    dataset: "rows",
    schedule: { cron: "0 * * * *" },
    import: { mapping: "m", mode: "append", branch: "dev", allow_partial: true },
    state: STATE,
  };

  it("fills the form from its definition, its sealed secret to be typed again", () => {
    const d = draftFrom(saved);
    expect(d).toMatchObject({
      name: "pg",
      kind: "postgresql",
      pgSource: "query",
      dataset: "rows",
      schedule: "cron",
      cron: "0 * * * *",
      withImport: true,
      mapping: "m",
      mode: "append",
      branch: "dev",
      allowPartial: true,
    });
    expect(d.secrets["password"]).toEqual({ mode: "value", value: "", ref: "", sealed: true });
    expect(connectorBody(d).config).toEqual({ dsn: "host=db", query: "select * from t" });
  });

  it("keeps a secret reference as it was, and an every-N schedule", () => {
    const d = draftFrom({
      ...saved,
      kind: "http_file",
      config: { url: "http://a/b", token: { secret_ref: "TOKEN" } },
      schedule: { every_seconds: 300 },
      import: null,
    });
    expect(connectorBody(d)).toEqual({
      kind: "http_file",
      config: { url: "http://a/b", token: { secret_ref: "TOKEN" } },
      dataset: "rows",
      schedule: { every_seconds: 300 },
      import: null,
    });
  });
});

describe("the onboarding wizard's connector", () => {
  it("is a Google Sheets connector for a share link, a file by URL otherwise", () => {
    expect(kindOfUrl("https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0")).toBe("google_sheets");
    expect(kindOfUrl("https://example.com/items.csv")).toBe("http_file");
  });

  it("reads the wizard's URL into its dataset and imports it with the mapping saved", () => {
    const d = onboardingDraft({
      url: "http://127.0.0.1:9/items.csv",
      dataset: "items",
      mapping: "onboarding_shop",
      branch: "main",
    });
    expect(connectorBody(d)).toEqual({
      kind: "http_file",
      config: { url: "http://127.0.0.1:9/items.csv" },
      dataset: "items",
      schedule: null,
      import: { mapping: "onboarding_shop", mode: "upsert", branch: "main", allow_partial: false },
    });
    expect(d.name).toBe("items");
  });
});

describe("the mapping a wizard's connector imports with", () => {
  it("reads the connector's dataset at its latest version, other sources as they were", () => {
    const source = { class_id: "Item", key: ["item_id"], properties: [], links: [] };
    const mapping: Mapping = {
      classes: [],
      sources: [
        { ...source, dataset: "items", version: 1, table: "items" },
        { ...source, dataset: "other", version: 3 },
      ],
    };
    const next = unpinned(mapping, "items");
    expect(next.sources[0]).toEqual({ ...source, dataset: "items", table: "items" });
    expect(next.sources[1]?.["version"]).toBe(3);
    expect(mapping.sources[0]?.["version"]).toBe(1);
  });
});

describe("a connector's state in words", () => {
  it("gives durations in their two largest units", () => {
    expect(durationParts(5400)).toEqual([
      { unit: "h", count: 1 },
      { unit: "min", count: 30 },
    ]);
    expect(durationParts(86400 + 5)).toEqual([{ unit: "d", count: 1 }]);
    expect(durationParts(45)).toEqual([{ unit: "s", count: 45 }]);
    expect(durationParts(0)).toEqual([{ unit: "s", count: 0 }]);
  });

  it("says when a time was, and how long ago or how soon, or nothing for never", () => {
    const now = Date.UTC(2026, 0, 2, 12, 0, 0) / 1000;
    expect(whenText(null, now, "en")).toBeNull();
    expect(whenText(now - 120, now, "en")).toMatch(/\(2 minutes ago\)$/);
    expect(whenText(now + 30, now, "en")).toMatch(/\(in 30 seconds\)$/);
    expect(whenText(now - 3 * 86400, now, "en")).toMatch(/\(3 days ago\)$/);
    expect(whenText(now - 7200, now, "ko")).toMatch(/2시간 전\)$/);
  });

  it("is failing after a failure not yet followed by a success", () => {
    expect(health(STATE)).toBe("never");
    expect(health({ ...STATE, last_success: 10 })).toBe("ok");
    expect(health({ ...STATE, last_success: 10, last_failure: 20, attempts: 1 })).toBe("failing");
    expect(health({ ...STATE, last_success: 30, last_failure: 20 })).toBe("ok");
  });

  it("reads a sync's result, and which sentence tells it", () => {
    const result = {
      changed: true,
      version: 2,
      imported: true,
      by_class: { Item: { created: 1, updated: 1, deleted: 1, unchanged: 1, skipped: 0, refused: 0 } },
      totals: { created: 1, updated: 1, deleted: 1, unchanged: 1, skipped: 0, refused: 0 },
    };
    const outcome = syncOutcome(result);
    expect(outcome).toMatchObject({ changed: true, version: 2, imported: true });
    expect(outcome?.byClass["Item"]?.deleted).toBe(1);
    expect(syncOutcome({ dataset: "x" })).toBeNull();
    expect(syncOutcome(null)).toBeNull();
    expect(outcomeKey({ changed: false, imported: true })).toBe("imported");
    expect(outcomeKey({ changed: true, imported: false })).toBe("changed");
    expect(outcomeKey({ changed: false, imported: false })).toBe("unchanged");
  });

  it("gives a failed command's error as its message", () => {
    expect(errorText({ code: "BAD_REQUEST", message: "http://x/gone.csv answered 404" })).toBe(
      "http://x/gone.csv answered 404",
    );
    expect(errorText("timed out")).toBe("timed out");
    expect(errorText(null)).toBe("");
    expect(errorText({ reason: 1 })).toBe('{"reason":1}');
  });
});
