import {
  Button,
  Callout,
  Card,
  Dialog,
  DialogBody,
  DialogFooter,
  FormGroup,
  HTMLSelect,
  InputGroup,
  Menu,
  MenuItem,
  NonIdealState,
  Tag,
  TextArea,
} from "@blueprintjs/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, ok } from "../api/client";
import { useBranches } from "../components/BranchPicker";
import type { Side } from "../history";
import { useCommands } from "../state/commands";
import { MAIN, useWhere } from "../state/location";
import { toast } from "../toaster";
import type { DiffAnswer } from "./History";
import { DiffView, MergePanel } from "./History";

const STATUSES = ["open", "merged", "closed"] as const;

interface Note {
  by: string;
  at: string;
  comment: string | null;
  by_author?: boolean;
}

interface Proposal {
  number: number;
  source: string;
  target: string;
  title: string;
  description: string | null;
  status: (typeof STATUSES)[number];
  author: string;
  opened_at: string;
  comments: Note[];
  approvals: Note[];
  approvals_required?: number;
  mergeable?: boolean;
  blocked?: string | null;
  diff?: DiffAnswer;
}

export function ProposalsPage() {
  const { t } = useTranslation();
  const { db, branch } = useWhere();
  const [status, setStatus] = useState<string>("open");
  const [picked, setPicked] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: ["proposals", db, status],
    queryFn: () =>
      ok(
        api.GET("/api/v1/databases/{db}/proposals", {
          params: { path: { db: db ?? "" }, query: { status: status as never, limit: 100 } },
        }),
      ),
    enabled: Boolean(db),
  });
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  const proposals = (list.data?.data.proposals ?? []) as unknown as Proposal[];
  const shown = picked ?? proposals[0]?.number ?? null;
  return (
    <section aria-labelledby="proposals-title">
      <div className="row">
        <h2 id="proposals-title">{t("proposals.title")}</h2>
        <HTMLSelect
          aria-label={t("proposals.status")}
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value);
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
  const queries = useQueryClient();
  const { track } = useCommands();
  const [comment, setComment] = useState("");
  const detail = useQuery({
    queryKey: ["proposal", db, number],
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/proposals/{number}", { params: { path: { db, number } } })),
  });
  const refresh = async () => {
    await queries.invalidateQueries({ queryKey: ["proposal", db, number] });
    await queries.invalidateQueries({ queryKey: ["proposals", db] });
  };
  const act = useMutation({
    mutationFn: async (action: "comments" | "approve" | "close") => {
      const path =
        `/api/v1/databases/{db}/proposals/{number}/${action}` as "/api/v1/databases/{db}/proposals/{number}/approve";
      const body = action === "comments" ? { comment } : action === "approve" && comment ? { comment } : {};
      const answer = await ok(
        api.POST(path, { params: { path: { db, number }, query: { wait: true } }, body: body as never }),
      );
      track(answer, `proposal #${number} ${action}`);
      setComment("");
    },
    onSuccess: refresh,
  });
  if (detail.error) return <Callout intent="danger">{detail.error.message}</Callout>;
  const p = detail.data?.data as unknown as Proposal | undefined;
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
        {p.blocked && <Callout intent="warning">{p.blocked}</Callout>}
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
                loading={act.isPending && act.variables === "comments"}
                onClick={() => act.mutate("comments")}
              >
                {t("proposals.addComment")}
              </Button>
              <Button
                icon="tick"
                intent="success"
                loading={act.isPending && act.variables === "approve"}
                onClick={() => act.mutate("approve")}
              >
                {t("proposals.approve")}
              </Button>
              <Button
                icon="cross"
                loading={act.isPending && act.variables === "close"}
                onClick={() => act.mutate("close")}
              >
                {t("proposals.close")}
              </Button>
            </div>
            {act.error && <Callout intent="danger">{(act.error as ApiError).message}</Callout>}
          </>
        )}
      </Card>
      {p.diff && <DiffView diff={p.diff} into={p.target} from={p.source} />}
      {open && (
        <MergePanel
          into={p.target}
          from={p.source}
          send={async (resolved: Record<string, Side> | null) => {
            const answer = await ok(
              api.POST("/api/v1/databases/{db}/proposals/{number}/merge", {
                params: { path: { db, number }, query: { wait: true } },
                body: { strategy: "fail", resolutions: resolved ?? {} } as never,
              }),
            );
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
  const queries = useQueryClient();
  const { track } = useCommands();
  const names = (useBranches(props.db).data?.data.branches ?? []).map((b) => b.name);
  const [source, setSource] = useState(props.source);
  const [target, setTarget] = useState(MAIN);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const make = useMutation({
    mutationFn: async () => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/proposals", {
          params: { path: { db: props.db }, query: { wait: true } },
          body: { source, target, title, description: description || null } as never,
        }),
      );
      track(answer, `proposal ${title}`);
      return Number((answer.data as { result?: { number?: number } }).result?.number ?? 0);
    },
    onSuccess: async (number) => {
      await queries.invalidateQueries({ queryKey: ["proposals", props.db] });
      toast(t("proposals.opened", { number }));
      props.onMade(number);
      props.onClose();
    },
  });
  const error = make.error instanceof ApiError ? make.error : null;
  const fields = error?.fieldErrors ?? {};
  return (
    <Dialog isOpen onClose={props.onClose} title={t("proposals.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          make.mutate();
        }}
      >
        <DialogBody>
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
        </DialogBody>
        <DialogFooter
          actions={
            <>
              <Button onClick={props.onClose}>{t("common.cancel")}</Button>
              <Button type="submit" intent="primary" loading={make.isPending} disabled={!source || !title}>
                {t("common.create")}
              </Button>
            </>
          }
        />
      </form>
    </Dialog>
  );
}
