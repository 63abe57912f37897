import { Button, Callout, Card, HTMLTable, NonIdealState, Spinner, Tag } from "@blueprintjs/core";
import { useState } from "react";
import type { ReactNode } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useConnector, useConnectors, useDeleteConnector, useSyncConnector } from "../api/hooks/connectors";
import { ConnectorForm } from "../components/ConnectorForm";
import { FormDialog } from "../components/FormDialog";
import { SyncResult } from "../components/SyncResult";
import { draftFrom, durationParts, emptyDraft, health, outcomeKey, whenText } from "../connectors";
import type { ConnectorDraft, ConnectorPublic, SyncRecord, SyncState } from "../connectors";
import { useNow } from "../state/now";
import { pagePath, useWhere } from "../state/location";
import { toast } from "../toaster";

/** A schedule in words: on request, every N (in units), or its cron expression. */
function scheduleText(t: TFunction, schedule: ConnectorPublic["schedule"]): string {
  const every = schedule?.["every_seconds"];
  if (typeof every === "number") {
    const duration = durationParts(every)
      .map((p) => t(`connectors.unit.${p.unit}`, { count: p.count }))
      .join(" ");
    return t("connectors.every", { duration });
  }
  if (schedule?.["cron"] != null) return t("connectors.cron", { cron: schedule["cron"] });
  return t("connectors.onRequest");
}

export function ConnectorsPage() {
  const { t } = useTranslation();
  const { db, branch } = useWhere();
  const { name } = useParams();
  const navigate = useNavigate();
  const list = useConnectors(db ?? "");
  const [form, setForm] = useState<{ draft: ConnectorDraft; editing: boolean } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [sync, setSync] = useState<{ name: string; commandId: string | null } | null>(null);
  const start = useSyncConnector(db ?? "", (synced, commandId) => setSync({ name: synced, commandId }));
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  const connectors = list.data ?? [];
  const open = (to?: string) =>
    void navigate(pagePath(db, to ? `connectors/${encodeURIComponent(to)}` : "connectors", branch));
  const actions = {
    sync: (c: string) => start.mutate(c),
    edit: (c: ConnectorPublic) => setForm({ draft: draftFrom(c), editing: true }),
    remove: (c: string) => setDeleting(c),
  };
  return (
    <section aria-labelledby="connectors-title">
      <div className="row">
        <h2 id="connectors-title">{t("connectors.title")}</h2>
        <Button icon="add" intent="primary" onClick={() => setForm({ draft: emptyDraft(), editing: false })}>
          {t("connectors.new")}
        </Button>
      </div>
      {list.isLoading && <Spinner size={24} />}
      {list.error && <Callout intent="danger">{t("common.failed", { message: list.error.message })}</Callout>}
      {start.error && <Callout intent="danger">{t("common.failed", { message: start.error.message })}</Callout>}
      {sync && (
        <Card>
          <SyncResult key={sync.commandId} db={db} name={sync.name} commandId={sync.commandId} />
        </Card>
      )}
      {list.data && connectors.length === 0 && <NonIdealState icon="data-connection" title={t("connectors.none")} />}
      {connectors.length > 0 && (
        <Card>
          <ConnectorTable db={db} branch={branch} connectors={connectors} busy={start.isPending} actions={actions} />
        </Card>
      )}
      {name && <ConnectorDetail db={db} name={name} busy={start.isPending} actions={actions} />}
      {form && (
        <ConnectorForm
          db={db}
          initial={form.draft}
          editing={form.editing}
          onClose={() => setForm(null)}
          onSaved={(saved) => {
            toast(t("connectors.saved", { name: saved }));
            setForm(null);
            open(saved);
          }}
        />
      )}
      {deleting && (
        <DeleteConnector
          db={db}
          name={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            if (deleting === name) open();
          }}
        />
      )}
    </section>
  );
}

interface Actions {
  sync: (name: string) => void;
  edit: (connector: ConnectorPublic) => void;
  remove: (name: string) => void;
}

function ConnectorButtons({ c, busy, actions }: { c: ConnectorPublic; busy: boolean; actions: Actions }) {
  const { t } = useTranslation();
  return (
    <div className="row">
      <Button
        icon="refresh"
        small
        loading={busy}
        onClick={() => actions.sync(c.name)}
        aria-label={`${t("connectors.syncNow")} ${c.name}`}
      >
        {t("connectors.syncNow")}
      </Button>
      <Button
        icon="edit"
        small
        variant="minimal"
        onClick={() => actions.edit(c)}
        aria-label={`${t("common.edit")} ${c.name}`}
      />
      <Button
        icon="trash"
        small
        variant="minimal"
        intent="danger"
        onClick={() => actions.remove(c.name)}
        aria-label={`${t("common.delete")} ${c.name}`}
      />
    </div>
  );
}

function ConnectorTable(props: {
  db: string;
  branch: string;
  connectors: ConnectorPublic[];
  busy: boolean;
  actions: Actions;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const never = t("connectors.never");
  return (
    <HTMLTable striped className="full-width" aria-label={t("connectors.title")}>
      <thead>
        <tr>
          <th>{t("common.name")}</th>
          <th>{t("connectors.kind")}</th>
          <th>{t("connectors.dataset")}</th>
          <th>{t("connectors.schedule")}</th>
          <th>{t("connectors.lastSuccess")}</th>
          <th>{t("connectors.lastFailure")}</th>
          <th>{t("connectors.actions")}</th>
        </tr>
      </thead>
      <tbody>
        {props.connectors.map((c) => (
          <tr key={c.name}>
            <td>
              <Link to={pagePath(props.db, `connectors/${encodeURIComponent(c.name)}`, props.branch)}>{c.name}</Link>{" "}
              <HealthTag state={c.state} />
            </td>
            <td>{t(`connectors.kinds.${c.kind}`)}</td>
            <td>{c.dataset}</td>
            <td>{scheduleText(t, c.schedule)}</td>
            <td>{whenText(c.state.last_success, now, i18n.language) ?? never}</td>
            <td>{whenText(c.state.last_failure, now, i18n.language) ?? never}</td>
            <td>
              <ConnectorButtons c={c} busy={props.busy} actions={props.actions} />
            </td>
          </tr>
        ))}
      </tbody>
    </HTMLTable>
  );
}

function HealthTag({ state }: { state: SyncState }) {
  const { t } = useTranslation();
  const now = health(state);
  return (
    <Tag minimal intent={now === "ok" ? "success" : now === "failing" ? "danger" : "none"}>
      {t(`connectors.health.${now}`)}
    </Tag>
  );
}

function ConnectorDetail(props: { db: string; name: string; busy: boolean; actions: Actions }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const { data: c, isLoading, error } = useConnector(props.db, props.name);
  if (isLoading) return <Spinner size={24} />;
  if (error) return <Callout intent="danger">{error.message}</Callout>;
  if (!c) return null;
  const when = (at: number | null | undefined) => whenText(at, now, i18n.language) ?? t("connectors.never");
  const s = c.state;
  const state: Array<[string, string]> = [
    [t("connectors.lastPoll"), when(s.last_poll)],
    [t("connectors.lastChange"), when(s.last_change)],
    [t("connectors.lastSuccess"), when(s.last_success)],
    [t("connectors.lastFailure"), when(s.last_failure)],
    [t("connectors.attempts"), String(s.attempts)],
    [t("connectors.nextRun"), when(s.next_run)],
    [t("connectors.nextRetry"), when(s.next_retry)],
    [t("connectors.lastCommand"), s.last_command ?? "—"],
  ];
  return (
    <Card aria-labelledby="connector-title" className="spaced">
      <div className="row">
        <h3 id="connector-title">{c.name}</h3>
        <HealthTag state={s} />
        <ConnectorButtons c={c} busy={props.busy} actions={props.actions} />
      </div>
      {s.last_error && (
        <Callout intent="danger" title={t("connectors.lastError")} aria-label={t("connectors.lastError")}>
          <p>{s.last_error}</p>
          {s.failing_since != null && (
            <p>{t("connectors.failingWords", { attempts: s.attempts, since: when(s.failing_since) })}</p>
          )}
          {s.next_retry != null && <p>{t("connectors.retryWords", { when: when(s.next_retry) })}</p>}
        </Callout>
      )}
      <div className="admin-grid">
        <dl aria-label={t("connectors.definition")} className="facts">
          <dt>{t("connectors.kind")}</dt>
          <dd>{t(`connectors.kinds.${c.kind}`)}</dd>
          <dt>{t("connectors.version")}</dt>
          <dd>{c.version}</dd>
          {Object.entries(c.config).map(([key, value]) => (
            <Fact key={key} term={t(`connectors.field.${key as "url"}`, { defaultValue: key })}>
              <code>{typeof value === "string" ? value : JSON.stringify(value)}</code>
            </Fact>
          ))}
          <dt>{t("connectors.dataset")}</dt>
          <dd>{c.dataset}</dd>
          <dt>{t("connectors.schedule")}</dt>
          <dd>{scheduleText(t, c.schedule)}</dd>
          <dt>{t("connectors.import")}</dt>
          <dd>
            {c.import
              ? t("connectors.importWith", { mapping: c.import.mapping, mode: c.import.mode, branch: c.import.branch })
              : t("connectors.noImport")}
          </dd>
        </dl>
        <dl aria-label={t("connectors.state")} className="facts">
          {state.map(([term, value]) => (
            <Fact key={term} term={term}>
              {value}
            </Fact>
          ))}
        </dl>
      </div>
      <History history={s.history} />
    </Card>
  );
}

/** A term and its description, in a `<dl>`. */
function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** What a sync of the history did, in words. */
function recordWords(t: TFunction, h: SyncRecord): string {
  const counts = h.totals;
  return t(`connectors.outcome.${outcomeKey(h)}`, {
    version: h.version ?? "—",
    created: counts?.created ?? 0,
    updated: counts?.updated ?? 0,
    deleted: counts?.deleted ?? 0,
    unchanged: counts?.unchanged ?? 0,
  });
}

function History({ history }: { history: SyncRecord[] }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const yes = (v: boolean | null | undefined) => (v == null ? "—" : v ? t("connectors.yes") : t("connectors.no"));
  return (
    <>
      <h4>{t("connectors.history")}</h4>
      {history.length === 0 ? (
        <p className="muted">{t("connectors.noHistory")}</p>
      ) : (
        <HTMLTable compact striped aria-label={t("connectors.history")}>
          <thead>
            <tr>
              <th>{t("connectors.at")}</th>
              <th>{t("connectors.trigger")}</th>
              <th>{t("connectors.result")}</th>
              <th>{t("connectors.changed")}</th>
              <th>{t("connectors.version")}</th>
              <th>{t("connectors.imported")}</th>
              <th>{t("connectors.totals")}</th>
              <th>{t("connectors.error")}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={`${h.at}-${i}`}>
                <td>{whenText(h.at, now, i18n.language)}</td>
                <td>{h.trigger ?? "—"}</td>
                <td>
                  <Tag minimal intent={h.ok ? "success" : "danger"} title={h.ok ? recordWords(t, h) : undefined}>
                    {h.ok ? t("connectors.ok") : t("connectors.failed")}
                  </Tag>
                </td>
                <td>{yes(h.changed)}</td>
                <td>{h.version ?? "—"}</td>
                <td>{yes(h.imported)}</td>
                <td>
                  {h.totals
                    ? `${h.totals.created} / ${h.totals.updated} / ${h.totals.deleted} / ${h.totals.unchanged}`
                    : "—"}
                </td>
                <td>{h.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
    </>
  );
}

function DeleteConnector(props: { db: string; name: string; onClose: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const remove = useDeleteConnector(props.db, () => {
    toast(t("connectors.removed", { name: props.name }));
    props.onDeleted();
    props.onClose();
  });
  return (
    <FormDialog
      title={t("common.delete")}
      onClose={props.onClose}
      onSubmit={() => remove.mutate(props.name)}
      submit={t("common.delete")}
      intent="danger"
      busy={remove.isPending}
    >
      <p>{t("connectors.confirmDelete", { name: props.name })}</p>
      {remove.error && <Callout intent="danger">{remove.error.message}</Callout>}
    </FormDialog>
  );
}
