import {
  Button,
  Callout,
  Card,
  Checkbox,
  FormGroup,
  HTMLSelect,
  HTMLTable,
  InputGroup,
  Menu,
  MenuItem,
  NonIdealState,
  Spinner,
} from "@blueprintjs/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import type { ClassPublic } from "../api/client";
import { apiErrorOf, labelOf } from "../api/client";
import { useAnalyzeClass, useClasses, useSaveClass, useTypes } from "../api/hooks/ontology";
import type { Impact } from "../api/hooks/ontology";
import { CytoscapeView } from "../components/CytoscapeView";
import { FormDialog } from "../components/FormDialog";
import {
  CARDINALITIES,
  classGraph,
  draftBody,
  draftFrom,
  emptyDraft,
  migrationBody,
  propertiesOf,
  relationshipsOf,
} from "../ontology";
import type { ClassDraft, Migration } from "../ontology";
import { pagePath, useWhere } from "../state/location";
import { toast } from "../toaster";

export function OntologyPage() {
  const { t, i18n } = useTranslation();
  const where = useWhere();
  const { db, branch, asOf } = where;
  const navigate = useNavigate();
  const { data, isLoading, error } = useClasses(db ?? "", where);
  const [editing, setEditing] = useState<{ cls?: ClassPublic } | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const classes = useMemo(() => data?.data.items ?? [], [data]);
  const elements = useMemo(() => classGraph(classes, i18n.language), [classes, i18n.language]);
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  const shown = classes.find((c) => c.id === picked) ?? classes[0];
  return (
    <section aria-labelledby="ontology-title">
      <div className="row">
        <h2 id="ontology-title">
          {t("ontology.title")} · {db}
        </h2>
        {!asOf && (
          <Button icon="add" intent="primary" onClick={() => setEditing({})}>
            {t("ontology.newClass")}
          </Button>
        )}
      </div>
      {isLoading && <Spinner size={24} />}
      {error && <Callout intent="danger">{t("common.failed", { message: error.message })}</Callout>}
      {data && classes.length === 0 && <NonIdealState icon="diagram-tree" title={t("common.none")} />}
      {classes.length > 0 && (
        <div className="split">
          <Menu aria-label={t("ontology.classes")}>
            {classes.map((c) => (
              <MenuItem
                key={c.id}
                text={labelOf(c.label, i18n.language, c.id)}
                label={c.id}
                active={shown?.id === c.id}
                onClick={() => setPicked(c.id)}
              />
            ))}
          </Menu>
          <div>
            <CytoscapeView elements={elements} label={t("ontology.graph")} onPick={setPicked} />
            {shown && (
              <ClassCard
                cls={shown}
                onOpen={() => void navigate(pagePath(db, `instances/${encodeURIComponent(shown.id)}`, branch, asOf))}
                onEdit={asOf ? undefined : () => setEditing({ cls: shown })}
              />
            )}
          </div>
        </div>
      )}
      {editing && (
        <ClassEditor db={db} branch={branch} classes={classes} editing={editing.cls} onClose={() => setEditing(null)} />
      )}
    </section>
  );
}

function ClassCard({ cls, onOpen, onEdit }: { cls: ClassPublic; onOpen: () => void; onEdit?: () => void }) {
  const { t, i18n } = useTranslation();
  const properties = propertiesOf(cls);
  const relationships = relationshipsOf(cls);
  return (
    <Card className="class-card">
      <div className="row">
        <h3>{labelOf(cls.label, i18n.language, cls.id)}</h3>
        <code>{cls.id}</code>
        {cls.parent_class && <span>⊂ {cls.parent_class}</span>}
        <Button icon="th" variant="minimal" onClick={onOpen}>
          {t("nav.instances")}
        </Button>
        {onEdit && (
          <Button icon="edit" variant="minimal" onClick={onEdit}>
            {t("ontology.editButton")}
          </Button>
        )}
      </div>
      <HTMLTable compact striped aria-label={t("ontology.properties")}>
        <thead>
          <tr>
            <th>{t("ontology.property")}</th>
            <th>{t("ontology.type")}</th>
            <th>{t("ontology.required")}</th>
            <th>{t("ontology.unique")}</th>
          </tr>
        </thead>
        <tbody>
          {properties.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{p.type}</td>
              <td>{p.required ? "✓" : ""}</td>
              <td>{p.unique ? "✓" : ""}</td>
            </tr>
          ))}
          {relationships.map((r) => (
            <tr key={`rel-${r.predicate}`}>
              <td>{r.predicate}</td>
              <td>
                → {r.target} ({r.cardinality ?? ""})
              </td>
              <td />
              <td />
            </tr>
          ))}
        </tbody>
      </HTMLTable>
    </Card>
  );
}

function ClassEditor(props: {
  db: string;
  branch: string;
  classes: ClassPublic[];
  editing?: ClassPublic;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const typeList = useTypes().data ?? [];
  const types = typeList.length ? typeList.map((ty) => ty.name) : ["string"];
  const parametersOf = (type: string) => Object.keys(typeList.find((ty) => ty.name === type)?.parameters ?? {});
  const editing = props.editing;
  const [draft, setDraft] = useState<ClassDraft>(() => (editing ? draftFrom(editing) : emptyDraft()));
  const [open, setOpen] = useState<number | null>(null); // the property whose constraints show
  const [migration, setMigration] = useState<Migration>({ rename: {}, defaults: {}, drop: [] });
  const body = () => {
    const definition = draftBody(draft);
    const migrate = editing ? migrationBody(migration) : undefined;
    return migrate ? { ...definition, migration: migrate } : definition;
  };
  // A change to a class with instances is checked against them first (nothing is written).
  const analyze = useAnalyzeClass(props.db, props.branch);
  const save = useSaveClass(props.db, props.branch, Boolean(editing), () => {
    toast(`${editing ? t("ontology.saved") : t("ontology.newClass")}: ${draft.id}`);
    props.onClose();
  });
  const error = apiErrorOf(save.error);
  const fields = error?.fieldErrors ?? {};
  const general = error && (Object.keys(fields).length === 0 || fields["relationships"]) ? error.message : undefined;
  const change = (update: Partial<ClassDraft>) => setDraft((d) => ({ ...d, ...update }));
  return (
    <FormDialog
      title={editing ? t("ontology.editClass", { id: editing.id }) : t("ontology.newClass")}
      onClose={props.onClose}
      onSubmit={() => {
        analyze.reset();
        save.mutate(body());
      }}
      submit={t("common.save")}
      busy={save.isPending}
      disabled={!draft.id}
      style={{ width: 820 }}
      actions={
        editing && (
          <Button
            icon="search-template"
            loading={analyze.isPending}
            onClick={() => {
              save.reset(); // one account of the impact at a time
              analyze.mutate(body());
            }}
          >
            {t("ontology.check")}
          </Button>
        )
      }
    >
      {general && <Callout intent="danger">{general}</Callout>}
      <div className="row">
        <FormGroup
          label={t("ontology.id")}
          labelFor="class-id"
          intent={fields["id"] ? "danger" : "none"}
          helperText={fields["id"]}
        >
          <InputGroup
            id="class-id"
            value={draft.id}
            onValueChange={(id) => change({ id })}
            autoFocus={!editing}
            disabled={Boolean(editing)}
            placeholder="Customer"
          />
        </FormGroup>
        <FormGroup label={t("ontology.label")} labelFor="class-label-en">
          <InputGroup id="class-label-en" value={draft.labelEn} onValueChange={(labelEn) => change({ labelEn })} />
        </FormGroup>
        <FormGroup label={t("ontology.labelKo")} labelFor="class-label-ko">
          <InputGroup
            id="class-label-ko"
            value={draft.labelKo}
            onValueChange={(labelKo) => change({ labelKo })}
            placeholder="고객"
          />
        </FormGroup>
        <FormGroup label={t("ontology.parent")} labelFor="class-parent">
          <HTMLSelect
            id="class-parent"
            value={draft.parent}
            onChange={(e) => change({ parent: e.currentTarget.value })}
            options={["", ...props.classes.map((c) => c.id)]}
          />
        </FormGroup>
      </div>
      <h4>{t("ontology.properties")}</h4>
      {draft.properties.map((p, i) => {
        const problem =
          fields[`properties[${i}].name`] ?? fields[`properties[${i}].type`] ?? fields[`properties[${i}]`];
        const set = (update: Partial<typeof p>) =>
          change({ properties: draft.properties.map((q, j) => (j === i ? { ...q, ...update } : q)) });
        return (
          <div key={i}>
            <div className="row">
              <InputGroup
                aria-label={`${t("ontology.property")} ${i + 1}`}
                value={p.name}
                onValueChange={(name) => set({ name })}
                placeholder="customer_id"
                intent={problem ? "danger" : "none"}
              />
              <HTMLSelect
                aria-label={`${t("ontology.type")} ${i + 1}`}
                value={p.type}
                onChange={(e) => set({ type: e.currentTarget.value })}
                options={types}
              />
              <Checkbox
                label={t("ontology.required")}
                checked={p.required}
                onChange={(e) => set({ required: e.currentTarget.checked })}
              />
              <Checkbox
                label={t("ontology.unique")}
                checked={p.unique}
                onChange={(e) => set({ unique: e.currentTarget.checked })}
              />
              <Checkbox
                label={t("ontology.key")}
                checked={Boolean(p.key)}
                onChange={(e) => set({ key: e.currentTarget.checked })}
              />
              <Button
                icon="settings"
                variant="minimal"
                aria-label={`${t("ontology.constraints")} ${i + 1}`}
                aria-expanded={open === i}
                active={open === i || Object.values(p.constraints ?? {}).some((v) => v.trim())}
                onClick={() => setOpen(open === i ? null : i)}
              />
              <Button
                icon="cross"
                variant="minimal"
                aria-label={`${t("common.remove")} ${i + 1}`}
                onClick={() => change({ properties: draft.properties.filter((_, j) => j !== i) })}
              />
            </div>
            {open === i && (
              <div
                className="row constraints"
                aria-label={`${t("ontology.constraints")} ${p.name || i + 1}`}
                role="group"
              >
                {parametersOf(p.type).map((parameter) => (
                  <InputGroup
                    key={parameter}
                    aria-label={`${p.name || i + 1} ${parameter}`}
                    placeholder={parameter}
                    value={p.constraints?.[parameter] ?? ""}
                    onValueChange={(v) => set({ constraints: { ...(p.constraints ?? {}), [parameter]: v } })}
                    small
                  />
                ))}
              </div>
            )}
            {problem && (
              <div className="field-error" role="alert">
                {problem}
              </div>
            )}
          </div>
        );
      })}
      <Button
        icon="add"
        variant="minimal"
        onClick={() =>
          change({
            properties: [...draft.properties, { name: "", type: "string", required: false, unique: false }],
          })
        }
      >
        {t("ontology.addProperty")}
      </Button>
      <h4>{t("ontology.relationships")}</h4>
      {draft.relationships.map((r, i) => {
        const set = (update: Partial<typeof r>) =>
          change({ relationships: draft.relationships.map((q, j) => (j === i ? { ...q, ...update } : q)) });
        const problem = fields[`relationships[${i}].predicate`] ?? fields[`relationships[${i}]`];
        return (
          <div key={i}>
            <div className="row">
              <InputGroup
                aria-label={`${t("ontology.predicate")} ${i + 1}`}
                value={r.predicate}
                onValueChange={(predicate) => set({ predicate })}
                placeholder="owned_by"
              />
              <HTMLSelect
                aria-label={`${t("ontology.target")} ${i + 1}`}
                value={r.target}
                onChange={(e) => set({ target: e.currentTarget.value })}
                options={["", ...props.classes.map((c) => c.id), ...(draft.id ? [draft.id] : [])]}
              />
              <HTMLSelect
                aria-label={`${t("ontology.cardinality")} ${i + 1}`}
                value={r.cardinality}
                onChange={(e) => set({ cardinality: e.currentTarget.value })}
                options={[...CARDINALITIES]}
              />
              <Button
                icon="cross"
                variant="minimal"
                aria-label={`${t("common.remove")} ${t("ontology.predicate")} ${i + 1}`}
                onClick={() => change({ relationships: draft.relationships.filter((_, j) => j !== i) })}
              />
            </div>
            {problem && (
              <div className="field-error" role="alert">
                {problem}
              </div>
            )}
          </div>
        );
      })}
      <Button
        icon="add"
        variant="minimal"
        onClick={() =>
          change({ relationships: [...draft.relationships, { predicate: "", target: "", cardinality: "n:1" }] })
        }
      >
        {t("ontology.addRelationship")}
      </Button>
      {editing && <MigrationForm before={editing} draft={draft} migration={migration} setMigration={setMigration} />}
      {analyze.error && <Callout intent="danger">{analyze.error.message}</Callout>}
      {analyze.data && <ImpactView impact={analyze.data} />}
      {error?.status === 409 && Array.isArray(error.details["violations"]) && (
        <ImpactView
          impact={{
            checked: Number(error.details["checked"] ?? 0),
            would_migrate: 0,
            schema_changes: { added: [], removed: [], renamed: [], changed: [] },
            violations: {
              items: error.details["violations"] as Impact["violations"]["items"],
              total: Number(error.details["total"] ?? 0),
            },
          }}
        />
      )}
    </FormDialog>
  );
}

/** How the instances follow a changed class: a removed property renamed to an added one,
 * a default for a property they lack, removed properties dropped. */
function MigrationForm(props: {
  before: ClassPublic;
  draft: ClassDraft;
  migration: Migration;
  setMigration: (m: Migration) => void;
}) {
  const { t } = useTranslation();
  const { migration, setMigration } = props;
  const old = propertiesOf(props.before).map((p) => p.name);
  const now = props.draft.properties.map((p) => p.name.trim()).filter(Boolean);
  const removed = old.filter((n) => !now.includes(n));
  const added = now.filter((n) => !old.includes(n));
  if (removed.length === 0 && added.length === 0) return null;
  return (
    <fieldset className="migration" aria-label={t("ontology.migration")}>
      <legend>{t("ontology.migration")}</legend>
      {removed.map((name) => (
        <div className="row" key={name}>
          <span>{name} →</span>
          <HTMLSelect
            aria-label={`${t("ontology.renameTo")} ${name}`}
            value={migration.rename[name] ?? ""}
            onChange={(e) =>
              setMigration({ ...migration, rename: { ...migration.rename, [name]: e.currentTarget.value } })
            }
            options={[{ value: "", label: t("ontology.notRenamed") }, ...added.map((a) => ({ value: a, label: a }))]}
          />
          <Checkbox
            label={t("ontology.dropValues")}
            checked={migration.drop.includes(name)}
            onChange={(e) =>
              setMigration({
                ...migration,
                drop: e.currentTarget.checked ? [...migration.drop, name] : migration.drop.filter((d) => d !== name),
              })
            }
          />
        </div>
      ))}
      {added.map((name) => (
        <div className="row" key={name}>
          <label htmlFor={`default-${name}`}>{t("ontology.defaultFor", { name })}</label>
          <InputGroup
            id={`default-${name}`}
            small
            value={migration.defaults[name] ?? ""}
            onValueChange={(v) => setMigration({ ...migration, defaults: { ...migration.defaults, [name]: v } })}
          />
        </div>
      ))}
    </fieldset>
  );
}

/** What a change would do to the instances: changed properties, how many would migrate,
 * and the instances that would not fit, with why. */
function ImpactView({ impact }: { impact: Impact }) {
  const { t } = useTranslation();
  const changes = impact.schema_changes;
  const bad = impact.violations.total;
  return (
    <Callout
      intent={bad ? "warning" : "success"}
      title={
        bad
          ? t("ontology.wouldRefuse", { count: bad, checked: impact.checked })
          : t("ontology.wouldFit", { checked: impact.checked, migrated: impact.would_migrate })
      }
      aria-label={t("ontology.impact")}
    >
      <div className="muted">
        {[
          ...changes.added.map((n) => `+ ${n}`),
          ...changes.removed.map((n) => `− ${n}`),
          ...changes.renamed.map((r) => `${r.from} → ${r.to}`),
          ...changes.changed.map((n) => `~ ${n}`),
        ].join(" · ")}
      </div>
      <ul aria-label={t("ontology.violations")}>
        {impact.violations.items.slice(0, 20).map((v) => (
          <li key={v.instance}>
            <code>{v.instance}</code>: {v.errors.map((e) => `${e.path} ${e.message}`).join("; ")}
          </li>
        ))}
      </ul>
    </Callout>
  );
}
