import { Button, Callout, Card, Checkbox, FormGroup, HTMLSelect, HTMLTable, InputGroup, Tag } from "@blueprintjs/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, ok } from "../api/client";
import { useDatabases } from "../components/DatabasePicker";
import { toast } from "../toaster";

const ROLES = ["viewer", "editor", "owner"] as const;

/** Health and lag, users and API keys, roles and settings per database, and the audit
 * trail: as far as the API offers them (it lists neither users nor keys). */
export function AdminPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">{t("admin.title")}</h2>
      <div className="admin-grid">
        <Health />
        <Users />
        <Keys />
        <Databases />
      </div>
      <Audit />
    </section>
  );
}

function Health() {
  const { t } = useTranslation();
  const health = useQuery({ queryKey: ["health"], queryFn: () => ok(api.GET("/health")), refetchInterval: 5_000 });
  const ready = useQuery({ queryKey: ["ready"], queryFn: () => ok(api.GET("/ready")), refetchInterval: 5_000 });
  const h = health.data?.data as Record<string, unknown> | undefined;
  const log = Number(h?.["log_position"] ?? 0);
  const lag = (key: string) => (h?.[key] == null ? "—" : String(log - Number(h[key])));
  const checks = ((ready.data?.data as Record<string, unknown> | undefined)?.["checks"] ?? []) as Array<
    Record<string, unknown>
  >;
  return (
    <Card aria-label={t("admin.health")}>
      <h3>{t("admin.health")}</h3>
      {h && (
        <>
          <Tag intent={h["status"] === "healthy" ? "success" : h["status"] === "degraded" ? "warning" : "danger"} large>
            {String(h["status"])}
          </Tag>
          <HTMLTable compact aria-label={t("admin.lag")}>
            <tbody>
              <tr>
                <th>{t("admin.logPosition")}</th>
                <td>{log}</td>
              </tr>
              <tr>
                <th>{t("admin.workerLag")}</th>
                <td>{lag("command_worker_position")}</td>
              </tr>
              <tr>
                <th>{t("admin.readModelLag")}</th>
                <td>{lag("projection_position")}</td>
              </tr>
              <tr>
                <th>{t("admin.searchLag")}</th>
                <td>{lag("search_position")}</td>
              </tr>
            </tbody>
          </HTMLTable>
          {((h["problems"] ?? []) as unknown[]).map((p, i) => (
            <Callout key={i} intent="warning">
              {typeof p === "string" ? p : JSON.stringify(p)}
            </Callout>
          ))}
        </>
      )}
      <ul aria-label={t("admin.checks")}>
        {checks.map((c) => (
          <li key={String(c["name"])}>
            {c["ok"] ? "✓" : "✗"} {String(c["name"])}{" "}
            {c["reason"] ? <span className="muted">{String(c["reason"])}</span> : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Users() {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [admin, setAdmin] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/auth/users", {
          params: { query: { wait: true } },
          body: { username, password, admin } as never,
        }),
      ),
    onSuccess: () => {
      toast(t("admin.userCreated", { username }));
      setUsername("");
      setPassword("");
      setAdmin(false);
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fieldErrors : {};
  return (
    <Card aria-label={t("admin.users")}>
      <h3>{t("admin.users")}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <FormGroup
          label={t("auth.username")}
          labelFor="new-user"
          intent={fields["username"] ? "danger" : "none"}
          helperText={fields["username"]}
        >
          <InputGroup id="new-user" value={username} onValueChange={setUsername} autoComplete="off" />
        </FormGroup>
        <FormGroup
          label={t("auth.password")}
          labelFor="new-user-password"
          intent={fields["password"] ? "danger" : "none"}
          helperText={fields["password"]}
        >
          <InputGroup
            id="new-user-password"
            type="password"
            value={password}
            onValueChange={setPassword}
            autoComplete="new-password"
          />
        </FormGroup>
        <Checkbox label={t("admin.isAdmin")} checked={admin} onChange={(e) => setAdmin(e.currentTarget.checked)} />
        {create.error && !Object.keys(fields).length && <Callout intent="danger">{create.error.message}</Callout>}
        <Button type="submit" intent="primary" disabled={!username || !password} loading={create.isPending}>
          {t("admin.createUser")}
        </Button>
      </form>
    </Card>
  );
}

function Keys() {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [username, setUsername] = useState("");
  const [revoke, setRevoke] = useState("");
  const [issued, setIssued] = useState<Record<string, unknown> | null>(null);
  const issue = useMutation({
    mutationFn: () => ok(api.POST("/api/v1/auth/keys", { body: { name, ...(username ? { username } : {}) } as never })),
    onSuccess: (answer) => setIssued(answer.data as Record<string, unknown>),
  });
  const remove = useMutation({
    mutationFn: () =>
      ok(api.DELETE("/api/v1/auth/keys/{key_id}", { params: { path: { key_id: revoke }, query: { wait: true } } })),
    onSuccess: () => {
      toast(t("admin.keyRevoked"));
      setRevoke("");
    },
  });
  return (
    <Card aria-label={t("admin.keys")}>
      <h3>{t("admin.keys")}</h3>
      <div className="row">
        <InputGroup
          aria-label={t("admin.keyName")}
          placeholder={t("admin.keyName")}
          value={name}
          onValueChange={setName}
        />
        <InputGroup
          aria-label={t("admin.keyUser")}
          placeholder={t("admin.keyUser")}
          value={username}
          onValueChange={setUsername}
        />
        <Button icon="key" disabled={!name} loading={issue.isPending} onClick={() => issue.mutate()}>
          {t("admin.issueKey")}
        </Button>
      </div>
      {issued && (
        <Callout intent="success" title={t("admin.keyOnce")}>
          <code className="secret">{String(issued["key"] ?? issued["api_key"] ?? JSON.stringify(issued))}</code>
          <div className="muted">id {String(issued["key_id"] ?? issued["id"] ?? "")}</div>
        </Callout>
      )}
      {issue.error && <Callout intent="danger">{issue.error.message}</Callout>}
      <div className="row spaced">
        <InputGroup
          aria-label={t("admin.keyId")}
          placeholder={t("admin.keyId")}
          value={revoke}
          onValueChange={setRevoke}
        />
        <Button
          icon="trash"
          intent="danger"
          disabled={!revoke}
          loading={remove.isPending}
          onClick={() => remove.mutate()}
        >
          {t("admin.revokeKey")}
        </Button>
      </div>
      {remove.error && <Callout intent="danger">{remove.error.message}</Callout>}
    </Card>
  );
}

function Databases() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const names = (useDatabases().data?.data.items ?? []).map((d) => d.name);
  const [db, setDb] = useState("");
  const shown = db || names[0] || "";
  const roles = useQuery({
    queryKey: ["roles", shown],
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/roles", { params: { path: { db: shown } } })),
    enabled: Boolean(shown),
  });
  const settings = useQuery({
    queryKey: ["settings", shown],
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/settings", { params: { path: { db: shown } } })),
    enabled: Boolean(shown),
  });
  const [user, setUser] = useState("");
  const [role, setRole] = useState<string>("viewer");
  const grant = useMutation({
    mutationFn: () =>
      ok(
        api.PUT("/api/v1/databases/{db}/roles/{username}", {
          params: { path: { db: shown, username: user }, query: { wait: true } },
          body: { role } as never,
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["roles", shown] }),
  });
  const drop = useMutation({
    mutationFn: (username: string) =>
      ok(
        api.DELETE("/api/v1/databases/{db}/roles/{username}", {
          params: { path: { db: shown, username }, query: { wait: true } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["roles", shown] }),
  });
  const current = settings.data?.data as { protected_branches?: string[]; required_approvals?: number } | undefined;
  const [branches, setBranches] = useState<string | null>(null);
  const [approvals, setApprovals] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PUT("/api/v1/databases/{db}/settings", {
          params: { path: { db: shown }, query: { wait: true } },
          body: {
            protected_branches: (branches ?? (current?.protected_branches ?? []).join(", "))
              .split(",")
              .map((b) => b.trim())
              .filter(Boolean),
            required_approvals: Number(approvals ?? current?.required_approvals ?? 0),
          } as never,
        }),
      ),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ["settings", shown] });
      toast(t("admin.settingsSaved"));
    },
  });
  const granted = Object.entries(
    ((roles.data?.data as Record<string, unknown> | undefined)?.["roles"] ?? {}) as Record<string, string>,
  );
  return (
    <Card aria-label={t("admin.databases")}>
      <h3>{t("admin.databases")}</h3>
      <HTMLSelect
        aria-label={t("nav.databases")}
        value={shown}
        onChange={(e) => setDb(e.currentTarget.value)}
        options={names}
      />
      <h4>{t("admin.roles")}</h4>
      <HTMLTable compact aria-label={t("admin.roles")}>
        <tbody>
          {granted.map(([username, r]) => (
            <tr key={username}>
              <td>{username}</td>
              <td>{r}</td>
              <td>
                <Button
                  variant="minimal"
                  icon="cross"
                  aria-label={`${t("common.remove")} ${username}`}
                  onClick={() => drop.mutate(username)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </HTMLTable>
      <div className="row">
        <InputGroup
          aria-label={t("auth.username")}
          placeholder={t("auth.username")}
          value={user}
          onValueChange={setUser}
        />
        <HTMLSelect
          aria-label={t("admin.role")}
          value={role}
          onChange={(e) => setRole(e.currentTarget.value)}
          options={[...ROLES]}
        />
        <Button disabled={!user || !shown} loading={grant.isPending} onClick={() => grant.mutate()}>
          {t("admin.grant")}
        </Button>
      </div>
      {(grant.error ?? drop.error) && <Callout intent="danger">{(grant.error ?? drop.error)?.message}</Callout>}
      <h4>{t("admin.settings")}</h4>
      <FormGroup label={t("admin.protected")} labelFor="protected-branches">
        <InputGroup
          id="protected-branches"
          value={branches ?? (current?.protected_branches ?? []).join(", ")}
          onValueChange={setBranches}
        />
      </FormGroup>
      <FormGroup label={t("admin.requiredApprovals")} labelFor="required-approvals">
        <InputGroup
          id="required-approvals"
          type="number"
          min={0}
          value={approvals ?? String(current?.required_approvals ?? 0)}
          onValueChange={setApprovals}
        />
      </FormGroup>
      <Button disabled={!shown} loading={save.isPending} onClick={() => save.mutate()}>
        {t("common.save")}
      </Button>
      {save.error && <Callout intent="danger">{save.error.message}</Callout>}
    </Card>
  );
}

function Audit() {
  const { t } = useTranslation();
  const audit = useQuery({
    queryKey: ["audit"],
    queryFn: () => ok(api.GET("/api/v1/audit", { params: { query: { limit: 100 } } })),
    refetchInterval: 10_000,
  });
  const data = audit.data?.data as Record<string, unknown> | undefined;
  // The API lists the trail oldest first; the page shows the newest first.
  const entries = [...((data?.["items"] ?? data?.["entries"] ?? []) as Array<Record<string, unknown>>)].reverse();
  return (
    <Card aria-label={t("admin.audit")}>
      <h3>{t("admin.audit")}</h3>
      {audit.error && <Callout intent="warning">{audit.error.message}</Callout>}
      <HTMLTable compact striped aria-label={t("admin.audit")}>
        <thead>
          <tr>
            <th>{t("instances.when")}</th>
            <th>{t("instances.who")}</th>
            <th>{t("admin.command")}</th>
            <th>{t("nav.databases")}</th>
            <th>{t("admin.outcome")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={String(e["command_id"])}>
              <td>{new Date(String(e["at"])).toLocaleString()}</td>
              <td>{String(e["actor"])}</td>
              <td>{String(e["command_type"])}</td>
              <td>{String(e["database"] ?? "")}</td>
              <td>
                <Tag
                  minimal
                  intent={e["outcome"] === "COMPLETED" ? "success" : e["outcome"] === "FAILED" ? "danger" : "none"}
                >
                  {String(e["outcome"])}
                </Tag>
              </td>
            </tr>
          ))}
        </tbody>
      </HTMLTable>
    </Card>
  );
}
