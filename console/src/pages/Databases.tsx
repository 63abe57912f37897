import {
  Button,
  Callout,
  Card,
  Dialog,
  DialogBody,
  DialogFooter,
  FormGroup,
  HTMLTable,
  InputGroup,
  NonIdealState,
  Spinner,
} from "@blueprintjs/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError, api, ok } from "../api/client";
import { useDatabases } from "../components/DatabasePicker";
import { useCommands } from "../state/commands";
import { pagePath } from "../state/location";
import { toast } from "../toaster";

export function DatabasesPage() {
  const { t } = useTranslation();
  const { data, isLoading, error } = useDatabases();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const items = data?.data.items ?? [];
  return (
    <section aria-labelledby="databases-title">
      <div className="row">
        <h2 id="databases-title">{t("databases.title")}</h2>
        <Button icon="add" intent="primary" onClick={() => setCreating(true)}>
          {t("databases.new")}
        </Button>
      </div>
      {isLoading && <Spinner size={24} />}
      {error && <Callout intent="danger">{t("common.failed", { message: error.message })}</Callout>}
      {data && items.length === 0 && <NonIdealState icon="database" title={t("common.none")} />}
      {items.length > 0 && (
        <Card>
          <p>{t("databases.count", { count: data?.data.total ?? items.length })}</p>
          <HTMLTable striped interactive className="full-width">
            <thead>
              <tr>
                <th>{t("common.name")}</th>
                <th>{t("common.description")}</th>
                <th>{t("databases.created")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.name}>
                  <td>
                    <Link to={pagePath(d.name, "ontology", "main")}>{d.name}</Link>
                  </td>
                  <td>{String((d as Record<string, unknown>)["description"] ?? "")}</td>
                  <td>{new Date(d.created_at).toLocaleString()}</td>
                  <td>
                    <Button
                      icon="trash"
                      variant="minimal"
                      intent="danger"
                      aria-label={`${t("common.delete")} ${d.name}`}
                      onClick={() => setDeleting(d.name)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </HTMLTable>
        </Card>
      )}
      {creating && <CreateDatabase onClose={() => setCreating(false)} />}
      {deleting && <DeleteDatabase name={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}

function CreateDatabase({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const { track } = useCommands();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation({
    mutationFn: async () => {
      const answer = await ok(
        api.POST("/api/v1/databases", { params: { query: { wait: true } }, body: { name, description } }),
      );
      track(answer, `database ${name}`);
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ["databases"] });
      toast(`${t("databases.created")}: ${name}`);
      onClose();
    },
  });
  const error = create.error instanceof ApiError ? create.error : null;
  const fields = error?.fieldErrors ?? {};
  return (
    <Dialog isOpen onClose={onClose} title={t("databases.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <DialogBody>
          <FormGroup
            label={t("common.name")}
            labelFor="db-name"
            intent={fields["name"] || (error && !Object.keys(fields).length) ? "danger" : "none"}
            helperText={fields["name"] ?? (Object.keys(fields).length ? undefined : error?.message)}
          >
            <InputGroup id="db-name" value={name} onValueChange={setName} autoFocus />
          </FormGroup>
          <FormGroup label={t("common.description")} labelFor="db-description" helperText={fields["description"]}>
            <InputGroup id="db-description" value={description} onValueChange={setDescription} />
          </FormGroup>
        </DialogBody>
        <DialogFooter
          actions={
            <>
              <Button onClick={onClose}>{t("common.cancel")}</Button>
              <Button type="submit" intent="primary" loading={create.isPending} disabled={!name}>
                {t("common.create")}
              </Button>
            </>
          }
        />
      </form>
    </Dialog>
  );
}

function DeleteDatabase({ name, onClose }: { name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const { track } = useCommands();
  const [typed, setTyped] = useState("");
  const remove = useMutation({
    mutationFn: async () => {
      const answer = await ok(
        api.DELETE("/api/v1/databases/{db}", { params: { path: { db: name }, query: { confirm: typed, wait: true } } }),
      );
      track(answer, `delete ${name}`);
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ["databases"] });
      toast(t("databases.deleted", { name }));
      onClose();
    },
  });
  return (
    <Dialog isOpen onClose={onClose} title={t("common.delete")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          remove.mutate();
        }}
      >
        <DialogBody>
          <FormGroup
            label={t("databases.confirmDelete", { name })}
            labelFor="db-confirm"
            intent={remove.error ? "danger" : "none"}
            helperText={remove.error?.message}
          >
            <InputGroup id="db-confirm" value={typed} onValueChange={setTyped} autoFocus />
          </FormGroup>
        </DialogBody>
        <DialogFooter
          actions={
            <>
              <Button onClick={onClose}>{t("common.cancel")}</Button>
              <Button type="submit" intent="danger" loading={remove.isPending} disabled={typed !== name}>
                {t("common.delete")}
              </Button>
            </>
          }
        />
      </form>
    </Dialog>
  );
}
