import {
  Button,
  Callout,
  Card,
  HTMLSelect,
  HTMLTable,
  NonIdealState,
  Radio,
  RadioGroup,
  Spinner,
  Tag,
} from "@blueprintjs/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, ok } from "../api/client";
import type { WriteAnswer } from "../api/client";
import { useBranches } from "../components/BranchPicker";
import { conflictsOf, diffLines, resolutions } from "../history";
import type { Conflict, DiffItem, Side } from "../history";
import { useCommands } from "../state/commands";
import { MAIN, useWhere } from "../state/location";
import { toast } from "../toaster";
import { formatValue } from "../values";

export function HistoryPage() {
  const { t } = useTranslation();
  const { db, branch } = useWhere();
  const branches = useBranches(db ?? "").data?.data.branches ?? [];
  const names = branches.map((b) => b.name);
  const current = branches.find((b) => b.name === branch);
  const [base, setBase] = useState<string>("");
  const [head, setHead] = useState<string>("");
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  // Compare the branch the console is on with the one it came from (or main).
  const into = base || current?.from_branch || MAIN;
  const from = head || branch;
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t("history.title")}</h2>
      <div className="split">
        <div>
          <Card>
            <h3>{t("history.branches")}</h3>
            <ul className="branches" aria-label={t("history.branches")}>
              {branches.map((b) => (
                <li key={b.name}>
                  <strong>{b.name}</strong> {b.from_branch && <span>← {b.from_branch}</span>}{" "}
                  {b.ahead != null && (
                    <Tag minimal>{t("history.aheadBehind", { ahead: b.ahead, behind: b.behind ?? 0 })}</Tag>
                  )}
                </li>
              ))}
            </ul>
          </Card>
          <Commits db={db} branch={branch} />
        </div>
        <div>
          <Card>
            <div className="row">
              <label htmlFor="diff-base">{t("history.into")}</label>
              <HTMLSelect
                id="diff-base"
                value={into}
                onChange={(e) => setBase(e.currentTarget.value)}
                options={names}
              />
              <span>←</span>
              <label htmlFor="diff-head">{t("history.from")}</label>
              <HTMLSelect
                id="diff-head"
                value={from}
                onChange={(e) => setHead(e.currentTarget.value)}
                options={names}
              />
            </div>
          </Card>
          {into !== from ? (
            <Compare db={db} into={into} from={from} />
          ) : (
            <NonIdealState icon="git-branch" title={t("history.same")} />
          )}
        </div>
      </div>
    </section>
  );
}

function Commits({ db, branch }: { db: string; branch: string }) {
  const { t } = useTranslation();
  const { data, isLoading } = useQuery({
    queryKey: ["commits", db, branch],
    queryFn: () =>
      ok(api.GET("/api/v1/databases/{db}/commits", { params: { path: { db }, query: { branch, limit: 50 } } })),
  });
  const commits = data?.data.items ?? [];
  return (
    <Card>
      <h3>
        {t("history.commits")} · {branch}
      </h3>
      {isLoading && <Spinner size={20} />}
      <ol className="commits" aria-label={t("history.commits")}>
        {commits.map((c) => (
          <li key={c.id}>
            <code title={c.id}>{c.id.slice(-8)}</code> <Tag minimal>{c.command_type}</Tag> {c.message ?? ""}
            <div className="muted">
              {c.author} · {new Date(c.time).toLocaleString()} · {c.classes.join(", ")}
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Compare({ db, into, from }: { db: string; into: string; from: string }) {
  const diff = useQuery({
    queryKey: ["diff", db, into, from],
    queryFn: () =>
      ok(
        api.GET("/api/v1/databases/{db}/diff", {
          params: { path: { db }, query: { from: into, to: from, limit: 500 } },
        }),
      ),
  });
  if (diff.isLoading) return <Spinner size={24} />;
  if (diff.error) return <Callout intent="danger">{diff.error.message}</Callout>;
  if (!diff.data) return null;
  return (
    <>
      <DiffView diff={diff.data.data as unknown as DiffAnswer} into={into} from={from} />
      <MergePanel into={into} from={from} send={(resolved) => mergeBranches(db, from, into, resolved)} />
    </>
  );
}

/** What the diff endpoint answers (and a proposal carries): schema and data changes. */
export interface DiffAnswer {
  schema: {
    added: Array<Record<string, unknown>>;
    removed: Array<Record<string, unknown>>;
    changed: Array<Record<string, unknown>>;
  };
  data: { total: number; items: DiffItem[] };
}

/** The schema and data difference of two branches, side by side. */
export function DiffView({ diff, into, from }: { diff: DiffAnswer; into: string; from: string }) {
  const { t } = useTranslation();
  const lines = diffLines(diff.data.items);
  const classChanges = [
    ...diff.schema.added.map((c) => ({ mark: "+", id: String(c["id"]) })),
    ...diff.schema.removed.map((c) => ({ mark: "−", id: String(c["id"]) })),
    ...diff.schema.changed.map((c) => ({ mark: "~", id: String(c["class_id"] ?? c["id"]) })),
  ];
  return (
    <Card>
      <h3>{t("history.schema")}</h3>
      {classChanges.length === 0 ? (
        <p>{t("history.noChange")}</p>
      ) : (
        <ul>
          {classChanges.map((c) => (
            <li key={c.mark + c.id}>
              {c.mark} {c.id}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("history.data", { count: diff.data.total })}</h3>
      {lines.length === 0 ? (
        <p>{t("history.noChange")}</p>
      ) : (
        <HTMLTable compact className="diff" aria-label={t("history.diffTable")}>
          <thead>
            <tr>
              <th>{t("history.instance")}</th>
              <th>{t("ontology.property")}</th>
              <th>{into}</th>
              <th>{from}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.key} data-change={l.change}>
                <td>{l.instance}</td>
                <td>{l.property}</td>
                <td className="left">{l.left === undefined ? "" : formatValue(l.left)}</td>
                <td className="right">{l.right === undefined ? "" : formatValue(l.right)}</td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
    </Card>
  );
}

async function mergeBranches(db: string, from: string, into: string, resolved: Record<string, Side> | null) {
  return ok(
    api.POST("/api/v1/databases/{db}/merge", {
      params: { path: { db }, query: { wait: true } },
      body: { source: from, target: into, strategy: "fail", resolutions: resolved ?? {} } as never,
    }),
  );
}

/** A merge of `from` into `into` sent by `send`: a refused one's conflicts are listed with
 * base, ours and theirs, and it is sent again with one side chosen per conflict. */
export function MergePanel(props: {
  into: string;
  from: string;
  send: (resolved: Record<string, Side> | null) => Promise<WriteAnswer>;
  disabled?: boolean;
}) {
  const { into, from } = props;
  const { t } = useTranslation();
  const queries = useQueryClient();
  const { track } = useCommands();
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [chosen, setChosen] = useState<Record<string, Side>>({});
  const merge = useMutation({
    mutationFn: async (resolved: Record<string, Side> | null) => {
      const answer = await props.send(resolved);
      track(answer, `merge ${from} → ${into}`);
    },
    onSuccess: async () => {
      setConflicts([]);
      setChosen({});
      await queries.invalidateQueries();
      toast(t("history.merged", { from, into }));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setConflicts(conflictsOf(error.details));
    },
  });
  const error = merge.error instanceof ApiError && conflicts.length === 0 ? merge.error : null;
  const resolved = resolutions(conflicts, chosen);
  return (
    <Card>
      <h3>{t("history.merge", { from, into })}</h3>
      {error && <Callout intent="danger">{error.message}</Callout>}
      {conflicts.length > 0 && (
        <>
          <Callout intent="warning">{t("history.conflicts", { count: conflicts.length })}</Callout>
          <HTMLTable compact className="conflicts" aria-label={t("history.conflictTable")}>
            <thead>
              <tr>
                <th>{t("history.conflict")}</th>
                <th>{t("history.base")}</th>
                <th>
                  {t("history.ours")} ({into})
                </th>
                <th>
                  {t("history.theirs")} ({from})
                </th>
                <th>{t("history.keep")}</th>
              </tr>
            </thead>
            <tbody>
              {conflicts.map((c) => (
                <tr key={c.key}>
                  <td>
                    <code>{c.key}</code>
                    {c.message && <div className="muted">{c.message}</div>}
                  </td>
                  <td>{formatValue(c.base)}</td>
                  <td>{formatValue(c.ours)}</td>
                  <td>{formatValue(c.theirs)}</td>
                  <td>
                    <RadioGroup
                      inline
                      name={`keep-${c.key}`}
                      aria-label={`${t("history.keep")} ${c.key}`}
                      selectedValue={chosen[c.key]}
                      onChange={(e) => setChosen({ ...chosen, [c.key]: e.currentTarget.value as Side })}
                    >
                      <Radio value="ours" label={`${t("history.ours")} (${into})`} />
                      <Radio value="theirs" label={`${t("history.theirs")} (${from})`} />
                    </RadioGroup>
                  </td>
                </tr>
              ))}
            </tbody>
          </HTMLTable>
        </>
      )}
      <Button
        intent="primary"
        icon="git-merge"
        loading={merge.isPending}
        disabled={props.disabled || (conflicts.length > 0 && resolved === null)}
        onClick={() => merge.mutate(conflicts.length > 0 ? resolved : null)}
      >
        {conflicts.length > 0 ? t("history.mergeResolved") : t("history.mergeButton")}
      </Button>
    </Card>
  );
}
