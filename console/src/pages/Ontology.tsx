import {
  Button,
  Callout,
  Card,
  Checkbox,
  Dialog,
  DialogBody,
  DialogFooter,
  FormGroup,
  HTMLSelect,
  HTMLTable,
  InputGroup,
  Menu,
  MenuItem,
  NonIdealState,
  Spinner,
} from "@blueprintjs/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import type { ClassPublic } from "../api/client";
import { ApiError, api, commandIdOf, labelOf, ok } from "../api/client";
import { CytoscapeView } from "../components/CytoscapeView";
import { CARDINALITIES, classGraph, draftBody, emptyDraft } from "../ontology";
import type { ClassDraft } from "../ontology";
import { useCommands } from "../state/commands";
import { pagePath, readQuery, useWhere } from "../state/location";
import { toast } from "../toaster";

export function useClasses(db: string, where: { branch: string; asOf?: string | undefined }) {
  return useQuery({
    queryKey: ["classes", db, where.branch, where.asOf],
    queryFn: () =>
      ok(api.GET("/api/v1/database/{db}/ontology", { params: { path: { db }, query: { ...readQuery(where), limit: 1000 } } })),
  });
}

export function useTypes() {
  return useQuery({
    queryKey: ["types"],
    queryFn: () => ok(api.GET("/api/v1/types")),
    staleTime: Infinity,
  });
}

export function OntologyPage() {
  const { t, i18n } = useTranslation();
  const where = useWhere();
  const { db, branch, asOf } = where;
  const navigate = useNavigate();
  const { data, isLoading, error } = useClasses(db ?? "", where);
  const [editing, setEditing] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const classes = (data?.data.items ?? []) as ClassPublic[];
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
          <Button icon="add" intent="primary" onClick={() => setEditing(true)}>
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
            {shown && <ClassCard cls={shown} onOpen={() => navigate(pagePath(db, `instances/${encodeURIComponent(shown.id)}`, branch, asOf))} />}
          </div>
        </div>
      )}
      {editing && <ClassEditor db={db} branch={branch} classes={classes} onClose={() => setEditing(false)} />}
    </section>
  );
}

function ClassCard({ cls, onOpen }: { cls: ClassPublic; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const properties = (cls.properties ?? []) as Array<Record<string, unknown>>;
  const relationships = (cls.relationships ?? []) as Array<Record<string, unknown>>;
  return (
    <Card className="class-card">
      <div className="row">
        <h3>{labelOf(cls.label, i18n.language, cls.id)}</h3>
        <code>{cls.id}</code>
        {cls.parent_class && <span>⊂ {cls.parent_class}</span>}
        <Button icon="th" variant="minimal" onClick={onOpen}>
          {t("nav.instances")}
        </Button>
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
            <tr key={String(p["name"])}>
              <td>{String(p["name"])}</td>
              <td>{String(p["type"])}</td>
              <td>{p["required"] ? "✓" : ""}</td>
              <td>{p["unique"] ? "✓" : ""}</td>
            </tr>
          ))}
          {relationships.map((r) => (
            <tr key={`rel-${String(r["predicate"])}`}>
              <td>{String(r["predicate"])}</td>
              <td>
                → {String(r["target"])} ({String(r["cardinality"] ?? "")})
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

function ClassEditor(props: { db: string; branch: string; classes: ClassPublic[]; onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const { track } = useCommands();
  const types = useTypes().data?.data.types.map((ty) => String(ty["name"])) ?? ["string"];
  const [draft, setDraft] = useState<ClassDraft>(emptyDraft);
  const save = useMutation({
    mutationFn: async () => {
      const answer = await ok(
        api.POST("/api/v1/database/{db}/ontology", {
          params: { path: { db: props.db }, query: { branch: props.branch, wait: true } },
          body: draftBody(draft) as never,
        }),
      );
      const id = commandIdOf(answer);
      if (id) track(id, `class ${draft.id}`, "COMPLETED");
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ["classes", props.db] });
      toast(`${t("ontology.newClass")}: ${draft.id}`);
      props.onClose();
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const fields = error?.fieldErrors ?? {};
  const general = error && (Object.keys(fields).length === 0 || fields["relationships"]) ? error.message : undefined;
  const change = (update: Partial<ClassDraft>) => setDraft((d) => ({ ...d, ...update }));
  return (
    <Dialog isOpen onClose={props.onClose} title={t("ontology.newClass")} style={{ width: 760 }}>
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        <DialogBody>
          {general && <Callout intent="danger">{general}</Callout>}
          <div className="row">
            <FormGroup label={t("ontology.id")} labelFor="class-id" intent={fields["id"] ? "danger" : "none"} helperText={fields["id"]}>
              <InputGroup id="class-id" value={draft.id} onValueChange={(id) => change({ id })} autoFocus placeholder="Customer" />
            </FormGroup>
            <FormGroup label={t("ontology.label")} labelFor="class-label-en">
              <InputGroup id="class-label-en" value={draft.labelEn} onValueChange={(labelEn) => change({ labelEn })} />
            </FormGroup>
            <FormGroup label={t("ontology.labelKo")} labelFor="class-label-ko">
              <InputGroup id="class-label-ko" value={draft.labelKo} onValueChange={(labelKo) => change({ labelKo })} placeholder="고객" />
            </FormGroup>
            <FormGroup label={t("ontology.parent")} labelFor="class-parent">
              <HTMLSelect id="class-parent" value={draft.parent} onChange={(e) => change({ parent: e.currentTarget.value })} options={["", ...props.classes.map((c) => c.id)]} />
            </FormGroup>
          </div>
          <h4>{t("ontology.properties")}</h4>
          {draft.properties.map((p, i) => {
            const problem = fields[`properties[${i}].name`] ?? fields[`properties[${i}].type`] ?? fields[`properties[${i}]`];
            const set = (update: Partial<typeof p>) =>
              change({ properties: draft.properties.map((q, j) => (j === i ? { ...q, ...update } : q)) });
            return (
              <div key={i}>
                <div className="row">
                  <InputGroup aria-label={`${t("ontology.property")} ${i + 1}`} value={p.name} onValueChange={(name) => set({ name })} placeholder="customer_id" intent={problem ? "danger" : "none"} />
                  <HTMLSelect aria-label={`${t("ontology.type")} ${i + 1}`} value={p.type} onChange={(e) => set({ type: e.currentTarget.value })} options={types} />
                  <Checkbox label={t("ontology.required")} checked={p.required} onChange={(e) => set({ required: e.currentTarget.checked })} />
                  <Checkbox label={t("ontology.unique")} checked={p.unique} onChange={(e) => set({ unique: e.currentTarget.checked })} />
                  <Checkbox label={t("ontology.key")} checked={Boolean(p.key)} onChange={(e) => set({ key: e.currentTarget.checked })} />
                  <Button icon="cross" variant="minimal" aria-label={`${t("common.remove")} ${i + 1}`} onClick={() => change({ properties: draft.properties.filter((_, j) => j !== i) })} />
                </div>
                {problem && <div className="field-error" role="alert">{problem}</div>}
              </div>
            );
          })}
          <Button icon="add" variant="minimal" onClick={() => change({ properties: [...draft.properties, { name: "", type: "string", required: false, unique: false }] })}>
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
                  <InputGroup aria-label={`${t("ontology.predicate")} ${i + 1}`} value={r.predicate} onValueChange={(predicate) => set({ predicate })} placeholder="owned_by" />
                  <HTMLSelect aria-label={`${t("ontology.target")} ${i + 1}`} value={r.target} onChange={(e) => set({ target: e.currentTarget.value })} options={["", ...props.classes.map((c) => c.id), ...(draft.id ? [draft.id] : [])]} />
                  <HTMLSelect aria-label={`${t("ontology.cardinality")} ${i + 1}`} value={r.cardinality} onChange={(e) => set({ cardinality: e.currentTarget.value })} options={[...CARDINALITIES]} />
                  <Button icon="cross" variant="minimal" aria-label={`${t("common.remove")} ${t("ontology.predicate")} ${i + 1}`} onClick={() => change({ relationships: draft.relationships.filter((_, j) => j !== i) })} />
                </div>
                {problem && <div className="field-error" role="alert">{problem}</div>}
              </div>
            );
          })}
          <Button icon="add" variant="minimal" onClick={() => change({ relationships: [...draft.relationships, { predicate: "", target: "", cardinality: "n:1" }] })}>
            {t("ontology.addRelationship")}
          </Button>
        </DialogBody>
        <DialogFooter
          actions={
            <>
              <Button onClick={props.onClose}>{t("common.cancel")}</Button>
              <Button type="submit" intent="primary" loading={save.isPending} disabled={!draft.id}>
                {t("common.save")}
              </Button>
            </>
          }
        />
      </form>
    </Dialog>
  );
}
