import { Button, Callout, Card, Checkbox, FormGroup, HTMLSelect, HTMLTable, InputGroup, Tag } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { apiErrorOf } from "../api/client";
import type { Schemas } from "../api/client";
import {
  useAudit,
  useCreateUser,
  useGrantRole,
  useHealth,
  useIssueKey,
  useReady,
  useRevokeKey,
  useRevokeRole,
  useRoles,
  useSaveSettings,
  useSettings,
} from "../api/hooks/admin";
import type { Role } from "../api/hooks/admin";
import { useDatabases } from "../api/hooks/databases";
import { toast } from "../toaster";

const ROLES: Role[] = ["viewer", "editor", "owner"];

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
  const h = useHealth().data?.data;
  const log = h?.log_position ?? 0;
  const lag = (position: number | null | undefined) => (position == null ? "—" : String(log - position));
  const checks = useReady().data?.data.checks ?? [];
  return (
    <Card aria-label={t("admin.health")}>
      <h3>{t("admin.health")}</h3>
      {h && (
        <>
          <Tag intent={h.status === "healthy" ? "success" : h.status === "degraded" ? "warning" : "danger"} large>
            {h.status}
          </Tag>
          <HTMLTable compact aria-label={t("admin.lag")}>
            <tbody>
              <tr>
                <th>{t("admin.logPosition")}</th>
                <td>{log}</td>
              </tr>
              <tr>
                <th>{t("admin.workerLag")}</th>
                <td>{lag(h.command_worker_position)}</td>
              </tr>
              <tr>
                <th>{t("admin.readModelLag")}</th>
                <td>{lag(h.projection_position)}</td>
              </tr>
              <tr>
                <th>{t("admin.searchLag")}</th>
                <td>{lag(h.search_position)}</td>
              </tr>
            </tbody>
          </HTMLTable>
          {h.problems.map((p, i) => (
            <Callout key={i} intent="warning">
              {p}
            </Callout>
          ))}
        </>
      )}
      <ul aria-label={t("admin.checks")}>
        {checks.map((c) => (
          <li key={c.name}>
            {c.ok ? "✓" : "✗"} {c.name} {c.reason ? <span className="muted">{c.reason}</span> : null}
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
  const create = useCreateUser((made) => {
    toast(t("admin.userCreated", { username: made }));
    setUsername("");
    setPassword("");
    setAdmin(false);
  });
  const fields = apiErrorOf(create.error)?.fieldErrors ?? {};
  return (
    <Card aria-label={t("admin.users")}>
      <h3>{t("admin.users")}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ username, password, admin });
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
  const [issued, setIssued] = useState<Schemas["IssuedKey"] | null>(null);
  const issue = useIssueKey(setIssued);
  const remove = useRevokeKey(() => {
    toast(t("admin.keyRevoked"));
    setRevoke("");
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
        <Button
          icon="key"
          disabled={!name}
          loading={issue.isPending}
          onClick={() => issue.mutate({ name, ...(username ? { username } : {}) })}
        >
          {t("admin.issueKey")}
        </Button>
      </div>
      {issued && (
        <Callout intent="success" title={t("admin.keyOnce")}>
          <code className="secret">{issued.key}</code>
          <div className="muted">id {issued.key_id}</div>
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
          onClick={() => remove.mutate(revoke)}
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
  const names = (useDatabases().data?.data.items ?? []).map((d) => d.name);
  const [db, setDb] = useState("");
  const shown = db || names[0] || "";
  const roles = useRoles(shown);
  const settings = useSettings(shown);
  const [user, setUser] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const grant = useGrantRole(shown);
  const drop = useRevokeRole(shown);
  const current = settings.data?.data;
  const [branches, setBranches] = useState<string | null>(null);
  const [approvals, setApprovals] = useState<string | null>(null);
  const save = useSaveSettings(shown, () => toast(t("admin.settingsSaved")));
  const settingsGiven = () => ({
    protected_branches: (branches ?? (current?.protected_branches ?? []).join(", "))
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
    required_approvals: Number(approvals ?? current?.required_approvals ?? 0),
  });
  const granted = Object.entries(roles.data ?? {});
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
          onChange={(e) => setRole(e.currentTarget.value as Role)} // one of the options
          options={[...ROLES]}
        />
        <Button
          disabled={!user || !shown}
          loading={grant.isPending}
          onClick={() => grant.mutate({ username: user, role })}
        >
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
      <Button disabled={!shown} loading={save.isPending} onClick={() => save.mutate(settingsGiven())}>
        {t("common.save")}
      </Button>
      {save.error && <Callout intent="danger">{save.error.message}</Callout>}
    </Card>
  );
}

function Audit() {
  const { t } = useTranslation();
  const audit = useAudit();
  // The API lists the trail oldest first; the page shows the newest first.
  const entries = [...(audit.data?.data.entries ?? [])].reverse();
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
            <tr key={e.command_id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{e.command_type}</td>
              <td>{e.database ?? ""}</td>
              <td>
                <Tag
                  minimal
                  intent={e.outcome === "COMPLETED" ? "success" : e.outcome === "FAILED" ? "danger" : "none"}
                >
                  {e.outcome}
                </Tag>
              </td>
            </tr>
          ))}
        </tbody>
      </HTMLTable>
    </Card>
  );
}
