import {
  Button,
  Callout,
  Card,
  FormGroup,
  HTMLSelect,
  InputGroup,
  Menu,
  MenuItem,
  NonIdealState,
  Tag,
  TextArea,
} from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { apiErrorOf } from "../api/client";
import { useBranches } from "../api/hooks/branches";
import {
  mergeProposal,
  STATUSES,
  useOpenProposal,
  useProposal,
  useProposalAction,
  useProposals,
  useRefreshProposal,
} from "../api/hooks/proposals";
import type { ProposalStatus } from "../api/hooks/proposals";
import { DiffView } from "../components/DiffView";
import { FormDialog } from "../components/FormDialog";
import { MergePanel } from "../components/MergePanel";
import { MAIN, useWhere } from "../state/location";
import { toast } from "../toaster";

export function ProposalsPage() {
  const { t } = useTranslation();
  const { db, branch } = useWhere();
  const [status, setStatus] = useState<ProposalStatus>("open");
  const [picked, setPicked] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useProposals(db, status);
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  const proposals = list.data ?? [];
  const shown = picked ?? proposals[0]?.number ?? null;
  return (
    <section aria-labelledby="proposals-title">
      <div className="row">
        <h2 id="proposals-title">{t("proposals.title")}</h2>
        <HTMLSelect
          aria-label={t("proposals.status")}
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value as ProposalStatus); // one of the options
            setPicked(null);
          }}
          options={STATUSES.map((s) => ({ value: s, label: t(`proposals.statuses.${s}`) }))}
        />
        <Button icon="git-pull" intent="primary" onClick={() => setCreating(true)}>
          {t("proposals.new")}
        </Button>
      </div>
      {list.error && <Callout intent="danger">{list.error.message}</Callout>}
      {list.data && proposals.length === 0 && <NonIdealState icon="git-pull" title={t("common.none")} />}
      {proposals.length > 0 && (
        <div className="split">
          <Menu aria-label={t("proposals.title")}>
            {proposals.map((p) => (
              <MenuItem
                key={p.number}
                active={p.number === shown}
                text={`#${p.number} ${p.title}`}
                label={`${p.source} → ${p.target}`}
                onClick={() => setPicked(p.number)}
              />
            ))}
          </Menu>
          {shown != null && <ProposalView db={db} number={shown} />}
        </div>
      )}
      {creating && (
        <NewProposal
          db={db}
          source={branch === MAIN ? "" : branch}
          onClose={() => setCreating(false)}
          onMade={(n) => {
            setStatus("open");
            setPicked(n);
          }}
        />
      )}
    </section>
  );
}

function ProposalView({ db, number }: { db: string; number: number }) {
  const { t } = useTranslation();
  const [comment, setComment] = useState("");
  const detail = useProposal(db, number);
  const refresh = useRefreshProposal(db, number);
  const act = useProposalAction(db, number, () => setComment(""));
  if (detail.error) return <Callout intent="danger">{detail.error.message}</Callout>;
  const p = detail.data;
  if (!p) return null;
  const open = p.status === "open";
  return (
    <div aria-label={`${t("proposals.proposal")} #${p.number}`}>
      <Card>
        <div className="row">
          <h3>
            #{p.number} {p.title}
          </h3>
          <Tag intent={p.status === "merged" ? "success" : p.status === "closed" ? "none" : "primary"}>
            {t(`proposals.statuses.${p.status}`)}
          </Tag>
          <Tag minimal>
            {p.source} → {p.target}
          </Tag>
        </div>
        <p className="muted">
          {p.author} · {new Date(p.opened_at).toLocaleString()}
        </p>
        {p.description && <p>{p.description}</p>}
        <p>
          {t("proposals.approvals", { count: p.approvals.length, required: p.approvals_required ?? 0 })}{" "}
          {p.approvals.map((a) => (
            <Tag key={a.by + a.at} minimal intent="success" icon="tick">
              {a.by}
            </Tag>
          ))}
        </p>
        {p.blocked && <Callout intent="warning">{p.blocked.message}</Callout>}
        <ul className="comments" aria-label={t("proposals.comments")}>
          {[...p.comments, ...p.approvals.filter((a) => a.comment)].map((c) => (
            <li key={c.by + c.at}>
              <strong>{c.by}</strong> <span className="muted">{new Date(c.at).toLocaleString()}</span>
              <div>{c.comment}</div>
            </li>
          ))}
        </ul>
        {open && (
          <>
            <FormGroup label={t("proposals.comment")} labelFor="proposal-comment">
              <TextArea
                id="proposal-comment"
                fill
                value={comment}
                onChange={(e) => setComment(e.currentTarget.value)}
              />
            </FormGroup>
            <div className="row">
              <Button
                icon="comment"
                disabled={!comment.trim()}
                loading={act.isPending && act.variables.action === "comments"}
                onClick={() => act.mutate({ action: "comments", comment })}
              >
                {t("proposals.addComment")}
              </Button>
              <Button
                icon="tick"
                intent="success"
                loading={act.isPending && act.variables.action === "approve"}
                onClick={() => act.mutate({ action: "approve", comment })}
              >
                {t("proposals.approve")}
              </Button>
              <Button
                icon="cross"
                loading={act.isPending && act.variables.action === "close"}
                onClick={() => act.mutate({ action: "close", comment })}
              >
                {t("proposals.close")}
              </Button>
            </div>
            {act.error && <Callout intent="danger">{act.error.message}</Callout>}
          </>
        )}
      </Card>
      {p.diff && <DiffView diff={p.diff} into={p.target} from={p.source} />}
      {open && (
        <MergePanel
          into={p.target}
          from={p.source}
          send={async (resolved) => {
            const answer = await mergeProposal(db, number, resolved);
            await refresh();
            return answer;
          }}
        />
      )}
    </div>
  );
}

function NewProposal(props: { db: string; source: string; onClose: () => void; onMade: (number: number) => void }) {
  const { t } = useTranslation();
  const names = (useBranches(props.db).data?.data.branches ?? []).map((b) => b.name);
  const [source, setSource] = useState(props.source);
  const [target, setTarget] = useState(MAIN);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const make = useOpenProposal(props.db, (number) => {
    toast(t("proposals.opened", { number }));
    props.onMade(number);
    props.onClose();
  });
  const error = apiErrorOf(make.error);
  const fields = error?.fieldErrors ?? {};
  return (
    <FormDialog
      title={t("proposals.new")}
      onClose={props.onClose}
      onSubmit={() => make.mutate({ source, target, title, description: description || null })}
      submit={t("common.create")}
      busy={make.isPending}
      disabled={!source || !title}
    >
      {error && !Object.keys(fields).length && <Callout intent="danger">{error.message}</Callout>}
      <div className="row">
        <FormGroup label={t("history.from")} labelFor="proposal-source">
          <HTMLSelect
            id="proposal-source"
            value={source}
            onChange={(e) => setSource(e.currentTarget.value)}
            options={["", ...names]}
          />
        </FormGroup>
        <FormGroup label={t("history.into")} labelFor="proposal-target">
          <HTMLSelect
            id="proposal-target"
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
            options={names.length ? names : [MAIN]}
          />
        </FormGroup>
      </div>
      <FormGroup
        label={t("proposals.titleField")}
        labelFor="proposal-title"
        intent={fields["title"] ? "danger" : "none"}
        helperText={fields["title"]}
      >
        <InputGroup id="proposal-title" value={title} onValueChange={setTitle} />
      </FormGroup>
      <FormGroup label={t("common.description")} labelFor="proposal-description">
        <TextArea
          id="proposal-description"
          fill
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
      </FormGroup>
    </FormDialog>
  );
}
