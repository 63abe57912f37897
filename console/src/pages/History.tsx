import { Card, Callout, HTMLSelect, NonIdealState, Spinner, Tag } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { mergeBranches, useBranches, useCommits, useDiff } from "../api/hooks/branches";
import { DiffView } from "../components/DiffView";
import { MergePanel } from "../components/MergePanel";
import { MAIN, useWhere } from "../state/location";

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
  const { data, isLoading } = useCommits(db, branch);
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
  const diff = useDiff(db, into, from);
  if (diff.isLoading) return <Spinner size={24} />;
  if (diff.error) return <Callout intent="danger">{diff.error.message}</Callout>;
  if (!diff.data) return null;
  return (
    <>
      <DiffView diff={diff.data} into={into} from={from} />
      <MergePanel into={into} from={from} send={(resolved) => mergeBranches(db, from, into, resolved)} />
    </>
  );
}
