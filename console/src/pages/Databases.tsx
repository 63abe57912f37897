import { Button, Callout, Card, FormGroup, HTMLTable, InputGroup, NonIdealState, Spinner } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { apiErrorOf } from "../api/client";
import { useCreateDatabase, useDatabases, useDeleteDatabase } from "../api/hooks/databases";
import { FormDialog } from "../components/FormDialog";
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
                  <td>{d.description ?? ""}</td>
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
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useCreateDatabase((made) => {
    toast(`${t("databases.created")}: ${made}`);
    onClose();
  });
  const error = apiErrorOf(create.error);
  const fields = error?.fieldErrors ?? {};
  return (
    <FormDialog
      title={t("databases.new")}
      onClose={onClose}
      onSubmit={() => create.mutate({ name, description })}
      submit={t("common.create")}
      busy={create.isPending}
      disabled={!name}
    >
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
    </FormDialog>
  );
}

function DeleteDatabase({ name, onClose }: { name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const remove = useDeleteDatabase(name, () => {
    toast(t("databases.deleted", { name }));
    onClose();
  });
  return (
    <FormDialog
      title={t("common.delete")}
      onClose={onClose}
      onSubmit={() => remove.mutate(typed)}
      submit={t("common.delete")}
      intent="danger"
      busy={remove.isPending}
      disabled={typed !== name}
    >
      <FormGroup
        label={t("databases.confirmDelete", { name })}
        labelFor="db-confirm"
        intent={remove.error ? "danger" : "none"}
        helperText={remove.error?.message}
      >
        <InputGroup id="db-confirm" value={typed} onValueChange={setTyped} autoFocus />
      </FormGroup>
    </FormDialog>
  );
}
