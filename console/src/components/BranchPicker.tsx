import { Button, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, InputGroup } from "@blueprintjs/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, ok } from "../api/client";
import { useCommands } from "../state/commands";
import { toast } from "../toaster";

export function useBranches(db: string) {
  return useQuery({
    queryKey: ["branches", db],
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/branches", { params: { path: { db } } })),
  });
}

export function BranchPicker({ db, current, onPick }: { db: string; current: string; onPick: (name: string) => void }) {
  const { t } = useTranslation();
  const { data } = useBranches(db);
  const [open, setOpen] = useState(false);
  const names = (data?.data.branches ?? []).map((b) => b.name);
  if (!names.includes(current)) names.unshift(current);
  return (
    <>
      <HTMLSelect
        aria-label={t("branch.label")}
        value={current}
        onChange={(e) => onPick(e.currentTarget.value)}
        options={names.map((n) => ({ value: n, label: `⎇ ${n}` }))}
        minimal
      />
      <Button
        icon="git-new-branch"
        variant="minimal"
        aria-label={t("branch.new")}
        title={t("branch.new")}
        onClick={() => setOpen(true)}
      />
      {open && <NewBranch db={db} from={current} branches={names} onClose={() => setOpen(false)} onMade={onPick} />}
    </>
  );
}

function NewBranch(props: {
  db: string;
  from: string;
  branches: string[];
  onClose: () => void;
  onMade: (name: string) => void;
}) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const { track } = useCommands();
  const [name, setName] = useState("");
  const [from, setFrom] = useState(props.from);
  const make = useMutation({
    mutationFn: async () => {
      const answer = await ok(
        api.POST("/api/v1/databases/{db}/branches", {
          params: { path: { db: props.db }, query: { wait: true } },
          body: { name, from_branch: from },
        }),
      );
      track(answer, `branch ${name}`);
      return answer;
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ["branches", props.db] });
      toast(t("branch.created", { name }));
      props.onMade(name);
      props.onClose();
    },
  });
  const error = make.error instanceof ApiError ? make.error : null;
  return (
    <Dialog isOpen onClose={props.onClose} title={t("branch.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          make.mutate();
        }}
      >
        <DialogBody>
          <FormGroup
            label={t("common.name")}
            labelFor="branch-name"
            intent={error ? "danger" : "none"}
            helperText={error?.fieldErrors["name"] ?? error?.message}
          >
            <InputGroup id="branch-name" value={name} onValueChange={setName} autoFocus placeholder="feature/whatif" />
          </FormGroup>
          <FormGroup label={t("branch.from")} labelFor="branch-from">
            <HTMLSelect
              id="branch-from"
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              options={props.branches}
            />
          </FormGroup>
        </DialogBody>
        <DialogFooter
          actions={
            <>
              <Button onClick={props.onClose}>{t("common.cancel")}</Button>
              <Button type="submit" intent="primary" loading={make.isPending} disabled={!name}>
                {t("common.create")}
              </Button>
            </>
          }
        />
      </form>
    </Dialog>
  );
}
