import { Checkbox, FormGroup, HTMLSelect, InputGroup, TextArea } from "@blueprintjs/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { KINDS, MODES, secretOf, shownFields } from "../connectors";
import type { ConfigField, ConnectorDraft, ImportMode, Kind, SecretDraft } from "../connectors";

/** Errors by the path the server names (`config.url`, `schedule.cron`, ...): words. */
export type FieldErrors = Record<string, string>;

interface Props {
  draft: ConnectorDraft;
  onChange: (draft: ConnectorDraft) => void;
  errors: FieldErrors;
}

/** One form group, red with its reason when `errors` names its path. */
function Field(props: {
  id: string;
  label: string;
  path: string;
  errors: FieldErrors;
  help?: string;
  children: ReactNode;
}) {
  const error = props.errors[props.path];
  return (
    <FormGroup
      label={props.label}
      labelFor={props.id}
      intent={error ? "danger" : "none"}
      helperText={error ?? props.help}
    >
      {props.children}
    </FormGroup>
  );
}

/** When the connector is synced: on request, every N seconds, or by a cron expression. */
export function ScheduleFields({ draft, onChange, errors }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <Field id="connector-schedule" label={t("connectors.schedule")} path="schedule" errors={errors}>
        <HTMLSelect
          id="connector-schedule"
          value={draft.schedule}
          onChange={(e) => onChange({ ...draft, schedule: e.currentTarget.value as ConnectorDraft["schedule"] })}
          options={(["none", "every", "cron"] as const).map((s) => ({
            value: s,
            label: t(`connectors.scheduleKind.${s}`),
          }))}
        />
      </Field>
      {draft.schedule === "every" && (
        <Field id="connector-every" label={t("connectors.everySeconds")} path="schedule.every_seconds" errors={errors}>
          <InputGroup
            id="connector-every"
            inputMode="numeric"
            value={draft.everySeconds}
            onValueChange={(everySeconds) => onChange({ ...draft, everySeconds })}
          />
        </Field>
      )}
      {draft.schedule === "cron" && (
        <Field
          id="connector-cron"
          label={t("connectors.cronExpression")}
          path="schedule.cron"
          errors={errors}
          help={t("connectors.cronHelp")}
        >
          <InputGroup
            id="connector-cron"
            value={draft.cron}
            placeholder="*/15 * * * *"
            onValueChange={(cron) => onChange({ ...draft, cron })}
          />
        </Field>
      )}
    </>
  );
}

/** The import each new version runs: its mode among `modes`. */
export function ModeField({ draft, onChange, errors, modes = MODES }: Props & { modes?: readonly ImportMode[] }) {
  const { t } = useTranslation();
  return (
    <Field id="connector-mode" label={t("connectors.mode")} path="import.mode" errors={errors}>
      <HTMLSelect
        id="connector-mode"
        value={draft.mode}
        onChange={(e) => onChange({ ...draft, mode: e.currentTarget.value as ImportMode })}
        options={modes.map((m) => ({ value: m, label: t(`connectors.modes.${m}`) }))}
      />
    </Field>
  );
}

function SecretField({ field, draft, onChange, errors }: Props & { field: ConfigField }) {
  const { t } = useTranslation();
  const secret = secretOf(draft, field.key);
  const label = t(`connectors.field.${field.key as "token"}`);
  const set = (next: Partial<SecretDraft>) =>
    onChange({ ...draft, secrets: { ...draft.secrets, [field.key]: { ...secret, ...next } } });
  const id = `connector-${field.key}`;
  return (
    <>
      <Field id={`${id}-mode`} label={t("connectors.secretMode", { field: label })} path="" errors={{}}>
        <HTMLSelect
          id={`${id}-mode`}
          value={secret.mode}
          onChange={(e) => set({ mode: e.currentTarget.value as SecretDraft["mode"] })}
          options={(["none", "value", "ref"] as const).map((m) => ({ value: m, label: t(`connectors.secret.${m}`) }))}
        />
      </Field>
      {secret.mode === "value" && (
        <Field
          id={id}
          label={label}
          path={`config.${field.key}`}
          errors={errors}
          help={secret.sealed ? t("connectors.sealedHelp") : t("connectors.valueHelp")}
        >
          <InputGroup
            id={id}
            type="password"
            autoComplete="new-password"
            value={secret.value}
            onValueChange={(value) => set({ value })}
          />
        </Field>
      )}
      {secret.mode === "ref" && (
        <Field
          id={id}
          label={t("connectors.secretRef", { field: label })}
          path={`config.${field.key}`}
          errors={errors}
          help={t("connectors.refHelp", { ref: secret.ref.trim().toUpperCase() || "NAME" })}
        >
          <InputGroup id={id} value={secret.ref} placeholder="NAME" onValueChange={(ref) => set({ ref })} />
        </Field>
      )}
    </>
  );
}

/** The config fields of the draft's kind (secrets as password inputs or references). */
export function ConfigFields({ draft, onChange, errors }: Props) {
  const { t } = useTranslation();
  const setField = (key: string, value: string) => onChange({ ...draft, fields: { ...draft.fields, [key]: value } });
  return (
    <>
      <Field id="connector-kind" label={t("connectors.kind")} path="kind" errors={errors}>
        <HTMLSelect
          id="connector-kind"
          value={draft.kind}
          onChange={(e) => onChange({ ...draft, kind: e.currentTarget.value as Kind })}
          options={KINDS.map((k) => ({ value: k, label: t(`connectors.kinds.${k}`) }))}
        />
      </Field>
      {draft.kind === "postgresql" && (
        <Field id="connector-pg" label={t("connectors.pgSource")} path="config" errors={errors}>
          <HTMLSelect
            id="connector-pg"
            value={draft.pgSource}
            onChange={(e) => onChange({ ...draft, pgSource: e.currentTarget.value as ConnectorDraft["pgSource"] })}
            options={[
              { value: "table", label: t("connectors.pgTable") },
              { value: "query", label: t("connectors.pgQuery") },
            ]}
          />
        </Field>
      )}
      {shownFields(draft).map((field) => {
        if (field.secret)
          return <SecretField key={field.key} field={field} draft={draft} onChange={onChange} errors={errors} />;
        const id = `connector-${field.key}`;
        const value = draft.fields[field.key] ?? "";
        return (
          <Field
            key={field.key}
            id={id}
            label={t(`connectors.field.${field.key as "url"}`)}
            path={`config.${field.key}`}
            errors={errors}
          >
            {field.long ? (
              <TextArea id={id} fill value={value} onChange={(e) => setField(field.key, e.currentTarget.value)} />
            ) : (
              <InputGroup id={id} value={value} onValueChange={(v) => setField(field.key, v)} />
            )}
          </Field>
        );
      })}
    </>
  );
}

/** The whole definition: name (fixed when editing), kind and config, dataset, schedule
 * and the optional import. */
export function ConnectorFields({ draft, onChange, errors, editing }: Props & { editing: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Field id="connector-name" label={t("common.name")} path="name" errors={errors}>
        <InputGroup
          id="connector-name"
          value={draft.name}
          disabled={editing}
          onValueChange={(name) => onChange({ ...draft, name })}
        />
      </Field>
      <ConfigFields draft={draft} onChange={onChange} errors={errors} />
      <Field
        id="connector-dataset"
        label={t("connectors.dataset")}
        path="dataset"
        errors={errors}
        help={t("connectors.datasetHelp")}
      >
        <InputGroup
          id="connector-dataset"
          value={draft.dataset}
          onValueChange={(dataset) => onChange({ ...draft, dataset })}
        />
      </Field>
      <ScheduleFields draft={draft} onChange={onChange} errors={errors} />
      <Checkbox
        label={t("connectors.withImport")}
        checked={draft.withImport}
        onChange={(e) => onChange({ ...draft, withImport: e.currentTarget.checked })}
      />
      {draft.withImport && (
        <>
          <Field id="connector-mapping" label={t("connectors.mapping")} path="import.mapping" errors={errors}>
            <InputGroup
              id="connector-mapping"
              value={draft.mapping}
              onValueChange={(mapping) => onChange({ ...draft, mapping })}
            />
          </Field>
          <ModeField draft={draft} onChange={onChange} errors={errors} />
          <Field id="connector-branch" label={t("connectors.importBranch")} path="import.branch" errors={errors}>
            <InputGroup
              id="connector-branch"
              value={draft.branch}
              onValueChange={(branch) => onChange({ ...draft, branch })}
            />
          </Field>
          <Checkbox
            label={t("connectors.allowPartial")}
            checked={draft.allowPartial}
            onChange={(e) => onChange({ ...draft, allowPartial: e.currentTarget.checked })}
          />
        </>
      )}
    </>
  );
}
