import { Button, FormGroup, HTMLSelect, InputGroup } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { apiErrorOf } from "../api/client";
import { useBranches, useCreateBranch } from "../api/hooks/branches";
import { toast } from "../toaster";
import { FormDialog } from "./FormDialog";

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
  const [name, setName] = useState("");
  const [from, setFrom] = useState(props.from);
  const make = useCreateBranch(props.db, (made) => {
    toast(t("branch.created", { name: made }));
    props.onMade(made);
    props.onClose();
  });
  const error = apiErrorOf(make.error);
  return (
    <FormDialog
      title={t("branch.new")}
      onClose={props.onClose}
      onSubmit={() => make.mutate({ name, from_branch: from })}
      submit={t("common.create")}
      busy={make.isPending}
      disabled={!name}
    >
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
    </FormDialog>
  );
}
