import {
  Button,
  Callout,
  Card,
  Checkbox,
  FormGroup,
  HTMLSelect,
  HTMLTable,
  InputGroup,
  NonIdealState,
  Spinner,
  Tab,
  Tabs,
  Tag,
} from "@blueprintjs/core";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import type { ClassPublic, InstanceRow } from "../api/client";
import { apiErrorOf, labelOf } from "../api/client";
import { BLOCK, instanceBlock, useBlame, useInstance, useSaveInstance, useTimeline } from "../api/hooks/instances";
import type { BlameLine } from "../api/hooks/instances";
import { useClasses } from "../api/hooks/ontology";
import { useFacets } from "../api/hooks/search";
import { FormDialog } from "../components/FormDialog";
import { facetable, filtersFrom, searching, withFilter } from "../explore";
import { propertiesOf, relationshipsOf } from "../ontology";
import { pagePath, useWhere } from "../state/location";
import { toast } from "../toaster";
import { formatValue, parseValue, referenceOf } from "../values";

const ROW = 30; // px, the height of a row

interface Column {
  name: string;
  type: string;
  required: boolean;
  distinct?: boolean; // a key or unique: every value its own facet bucket
  relationship?: string; // target class
}

function columnsOf(cls: ClassPublic | undefined): Column[] {
  if (!cls) return [];
  const properties = propertiesOf(cls).map((p) => ({
    name: p.name,
    type: p.type,
    required: Boolean(p.required),
    distinct: Boolean(p.primary_key || p.unique),
  }));
  const relationships = relationshipsOf(cls).map((r) => ({
    name: r.predicate,
    type: "reference",
    required: false,
    relationship: r.target,
  }));
  return [...properties, ...relationships];
}

export function InstancesPage() {
  const { t, i18n } = useTranslation();
  const where = useWhere();
  const { db, branch, asOf } = where;
  const { cls: clsParam } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const classesRead = useClasses(db ?? "", where).data;
  const classes = useMemo(() => classesRead?.data.items ?? [], [classesRead]);
  const cls = clsParam ?? classes[0]?.id;
  const current = classes.find((c) => c.id === cls);
  const columns = useMemo(() => columnsOf(current), [current]);
  const [text, setText] = useState(params.get("q") ?? "");
  const focus = params.get("id");
  const [form, setForm] = useState<{ editing?: InstanceRow } | null>(null);
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  return (
    <section aria-labelledby="instances-title">
      <div className="row">
        <h2 id="instances-title">{t("instances.title")}</h2>
        <HTMLSelect
          aria-label={t("instances.class")}
          value={cls ?? ""}
          onChange={(e) =>
            void navigate(pagePath(db, `instances/${encodeURIComponent(e.currentTarget.value)}`, branch, asOf))
          }
          options={classes.map((c) => ({ value: c.id, label: labelOf(c.label, i18n.language, c.id) }))}
        />
        <form
          className="row"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setParam("q", text.trim() || null);
          }}
        >
          <InputGroup
            type="search"
            leftIcon="search"
            aria-label={t("common.search")}
            placeholder={t("instances.searchPlaceholder")}
            value={text}
            onValueChange={setText}
          />
          <Button type="submit">{t("common.search")}</Button>
        </form>
        {cls && !asOf && (
          <Button icon="add" intent="primary" onClick={() => setForm({})}>
            {t("instances.new")}
          </Button>
        )}
      </div>
      {!cls && <NonIdealState icon="th" title={t("common.none")} />}
      {cls && (
        <div className="explore">
          <Facets db={db} branch={branch} asOf={asOf} cls={cls} columns={columns} />
          <div>
            <div className="row">
              <label htmlFor="sort-by">{t("instances.sortBy")}</label>
              <HTMLSelect
                id="sort-by"
                value={params.get("sort") ?? ""}
                onChange={(e) => setParam("sort", e.currentTarget.value || null)}
                options={[
                  { value: "", label: t("instances.byId") },
                  ...columns.filter((c) => !c.relationship).map((c) => ({ value: c.name, label: c.name })),
                ]}
              />
              <HTMLSelect
                aria-label={t("instances.order")}
                value={params.get("order") ?? "asc"}
                onChange={(e) => setParam("order", e.currentTarget.value === "asc" ? null : e.currentTarget.value)}
                options={[
                  { value: "asc", label: t("instances.ascending") },
                  { value: "desc", label: t("instances.descending") },
                ]}
              />
            </div>
            <InstanceTable
              db={db}
              branch={branch}
              asOf={asOf}
              cls={cls}
              columns={columns}
              onPick={(id) => setParam("id", id)}
            />
          </div>
        </div>
      )}
      {cls && focus && (
        <InstanceCard
          db={db}
          branch={branch}
          asOf={asOf}
          cls={cls}
          id={focus}
          columns={columns}
          onEdit={asOf ? undefined : (instance) => setForm({ editing: instance })}
        />
      )}
      {cls && form && (
        <InstanceForm
          db={db}
          branch={branch}
          cls={cls}
          columns={columns}
          editing={form.editing}
          onClose={() => setForm(null)}
        />
      )}
    </section>
  );
}

function Cell({
  column,
  value,
  db,
  branch,
  asOf,
}: {
  column: Column;
  value: unknown;
  db: string;
  branch: string;
  asOf?: string;
}) {
  const reference = column.relationship ? referenceOf(value) : null;
  if (reference) {
    const to = pagePath(db, `instances/${encodeURIComponent(reference.cls)}`, branch, asOf, { id: reference.id });
    return <Link to={to}>{String(value)}</Link>;
  }
  return <>{formatValue(value)}</>;
}

function InstanceTable(props: {
  db: string;
  branch: string;
  asOf?: string;
  cls: string;
  columns: Column[];
  onPick: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { db, branch, asOf, cls } = props;
  const [params] = useSearchParams();
  const scroller = useRef<HTMLDivElement>(null);
  const view = {
    q: params.get("q") ?? "",
    sort: params.get("sort") ?? "",
    order: params.get("order") === "desc" ? ("desc" as const) : ("asc" as const),
    filters: filtersFrom(params),
  };
  const bySearch = searching(params);
  const block = (n: number) => instanceBlock(db, { branch, asOf }, cls, bySearch ? view : null, n);
  const first = useQuery(block(0));
  const total = first.data?.total ?? 0;
  // TanStack Virtual's functions cannot be memoised. The console is not built with the React
  // Compiler, so its warning (it would leave this component unmemoised) changes nothing here.
  // eslint-disable-next-line react-hooks/incompatible-library -- see above
  const rows = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const items = rows.getVirtualItems();
  const wanted = useMemo(() => {
    const blocks = new Set<number>();
    for (const item of items) blocks.add(Math.floor(item.index / BLOCK));
    return [...blocks];
  }, [items]);
  const pages = useQueries({ queries: wanted.map(block) });
  const rowAt = (index: number): InstanceRow | undefined => {
    const n = Math.floor(index / BLOCK);
    const page = n === 0 ? first.data : pages[wanted.indexOf(n)]?.data;
    return page?.items[index % BLOCK];
  };
  const template = `minmax(140px, 1fr) repeat(${props.columns.length}, minmax(120px, 1fr))`;
  if (first.isLoading) return <Spinner size={24} />;
  if (first.error) return <Callout intent="danger">{t("common.failed", { message: first.error.message })}</Callout>;
  return (
    <>
      <p>
        <Tag minimal>{t("instances.total", { count: total })}</Tag>
      </p>
      <div
        ref={scroller}
        className="table-scroll"
        role="table"
        aria-label={`${t("instances.title")} ${cls}`}
        aria-rowcount={total + 1}
      >
        <div className="table-row table-head" role="row" style={{ gridTemplateColumns: template }}>
          <div role="columnheader">id</div>
          {props.columns.map((c) => (
            <div role="columnheader" key={c.name}>
              {c.name}
            </div>
          ))}
        </div>
        <div style={{ height: rows.getTotalSize(), position: "relative" }}>
          {items.map((item) => (
            <TableRow
              key={item.key}
              index={item.index}
              start={item.start}
              row={rowAt(item.index)}
              columns={props.columns}
              template={template}
              db={db}
              branch={branch}
              asOf={asOf}
              onPick={props.onPick}
            />
          ))}
        </div>
      </div>
    </>
  );
}

/** One row of the table. Memoised: while scrolling, only rows that come into view (or whose
 * block arrives) render, not every visible row on every frame. */
const TableRow = memo(function TableRow(props: {
  index: number;
  start: number;
  row: InstanceRow | undefined;
  columns: Column[];
  template: string;
  db: string;
  branch: string;
  asOf?: string;
  onPick: (id: string) => void;
}) {
  const { row } = props;
  return (
    <div
      role="row"
      aria-rowindex={props.index + 2}
      className="table-row"
      style={{
        gridTemplateColumns: props.template,
        position: "absolute",
        top: 0,
        left: 0,
        right: 0,
        height: ROW,
        transform: `translateY(${props.start}px)`,
      }}
    >
      {row ? (
        <>
          <div role="cell">
            <a
              href="#"
              onClick={(e) => {
                e.preventDefault();
                props.onPick(row.id);
              }}
            >
              {row.id}
            </a>
          </div>
          {props.columns.map((c) => (
            <div role="cell" key={c.name}>
              <Cell column={c} value={row.data[c.name]} db={props.db} branch={props.branch} asOf={props.asOf} />
            </div>
          ))}
        </>
      ) : (
        <div role="cell">…</div>
      )}
    </div>
  );
});

/** Counts of each facet property's values among the instances the view shows; choosing
 * values filters the table (any of a property's values, all properties). */
function Facets(props: { db: string; branch: string; asOf?: string; cls: string; columns: Column[] }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const names = facetable(props.columns);
  const filters = filtersFrom(params);
  const q = params.get("q") ?? "";
  const { data } = useFacets(props.db, props, props.cls, q, filters, names);
  if (names.length === 0) return <div />;
  const facets = data ?? {};
  return (
    <Card className="facets" aria-label={t("instances.facets")}>
      {names.map((name) => (
        <fieldset key={name} aria-label={name}>
          <legend>{name}</legend>
          {(facets[name] ?? []).map((bucket) => {
            const chosen = (filters[name] ?? []).some((v) => JSON.stringify(v) === JSON.stringify(bucket.value));
            return (
              <Checkbox
                key={JSON.stringify(bucket.value)}
                checked={chosen}
                label={`${formatValue(bucket.value)} (${bucket.count})`}
                onChange={() => setParams(withFilter(params, name, bucket.value, !chosen))}
              />
            );
          })}
          {(filters[name] ?? []).length > 0 && (facets[name] ?? []).length === 0 && (
            <p className="muted">{t("instances.noMatch")}</p>
          )}
        </fieldset>
      ))}
    </Card>
  );
}

function InstanceCard(props: {
  db: string;
  branch: string;
  asOf?: string;
  cls: string;
  id: string;
  columns: Column[];
  onEdit?: (instance: InstanceRow) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [tab, setTab] = useState<TabId>("values");
  const { data, error } = useInstance(props.db, props, props.cls, props.id);
  if (error) return <Callout intent="warning">{error.message}</Callout>;
  const instance = data?.data;
  if (!instance) return null;
  const values = instance.data;
  const onEdit = props.onEdit;
  const explorePath = pagePath(props.db, "graph", props.branch, props.asOf, { start: `${props.cls}/${props.id}` });
  return (
    <Card className="instance-card" aria-label={`${props.cls}/${props.id}`}>
      <div className="row">
        <h3>
          {props.cls}/{props.id}
        </h3>
        <Tag minimal>seq {instance.sequence_number}</Tag>
        {onEdit && (
          <Button icon="edit" onClick={() => onEdit(instance)}>
            {t("common.edit")}
          </Button>
        )}
        <Button icon="graph" variant="minimal" onClick={() => void navigate(explorePath)}>
          {t("graph.explore")}
        </Button>
      </div>
      <Tabs id="instance-tabs" selectedTabId={tab} onChange={(id) => setTab(id as TabId)} renderActiveTabPanelOnly>
        <Tab
          id="values"
          title={t("instances.values")}
          panel={
            <dl className="values">
              {props.columns.map((c) => (
                <div key={c.name} className="row">
                  <dt>{c.name}</dt>
                  <dd>
                    <Cell column={c} value={values[c.name]} db={props.db} branch={props.branch} asOf={props.asOf} />
                  </dd>
                </div>
              ))}
            </dl>
          }
        />
        <Tab id="timeline" title={t("instances.timeline")} panel={<Timeline {...props} />} />
        <Tab id="blame" title={t("instances.blame")} panel={<Blame {...props} />} />
      </Tabs>
    </Card>
  );
}

type TabId = "values" | "timeline" | "blame";

/** Every change of an instance, newest first, each a way back to the instance as it was. */
function Timeline(props: { db: string; branch: string; asOf?: string; cls: string; id: string }) {
  const { t } = useTranslation();
  const [, setParams] = useSearchParams();
  const { data, error } = useTimeline(props.db, props, props.cls, props.id);
  if (error) return <Callout intent="warning">{error.message}</Callout>;
  // The API lists changes oldest first; a timeline reads newest first.
  const changes = [...(data?.data.items ?? [])].reverse();
  return (
    <ol className="timeline" aria-label={t("instances.timeline")}>
      {changes.map((c) => (
        <li key={`${c.branch}-${c.sequence_number}`}>
          <Tag minimal>#{c.sequence_number}</Tag> <strong>{c.event_type}</strong> · {c.actor} ·{" "}
          {new Date(c.time).toLocaleString()} · ⎇ {c.branch}
          {c.commit && (
            <Button
              variant="minimal"
              size="small"
              icon="history"
              onClick={() =>
                setParams((params) => {
                  const next = new URLSearchParams(params);
                  next.set("as_of", c.commit ?? "");
                  return next;
                })
              }
            >
              {t("instances.asOfThis")}
            </Button>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Who set each value, when, in which commit, and where it came from (an import's cell). */
function Blame(props: { db: string; branch: string; asOf?: string; cls: string; id: string }) {
  const { t } = useTranslation();
  const { data: lines = [], error } = useBlame(props.db, props, props.cls, props.id);
  if (error) return <Callout intent="warning">{error.message}</Callout>;
  return (
    <HTMLTable compact striped aria-label={t("instances.blame")}>
      <thead>
        <tr>
          <th>{t("ontology.property")}</th>
          <th>{t("instances.value")}</th>
          <th>{t("instances.who")}</th>
          <th>{t("instances.when")}</th>
          <th>{t("instances.source")}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.property}>
            <td>{l.property}</td>
            <td>{formatValue(l.value)}</td>
            <td>{l.actor}</td>
            <td>
              {new Date(l.time).toLocaleString()} {l.commit && <code title={l.commit}>{l.commit.slice(-8)}</code>}
            </td>
            <td className="muted">{describeSource(l)}</td>
          </tr>
        ))}
      </tbody>
    </HTMLTable>
  );
}

/** Where a value came from: the dataset cell of an import, else the event and command. */
function describeSource(line: BlameLine): string {
  const cell = line.cell;
  if (cell) {
    const columns = [cell.column].flat().join(" + ");
    return `${cell.dataset ?? ""} v${cell.version ?? ""} · ${cell.table ?? ""} · row ${cell.row ?? ""} · ${columns}`;
  }
  // The causes come in order: the event, (a dataset cell,) the command, the commit.
  const said = line.causes.map((c) =>
    c.kind === "event" ? c.event_type : c.kind === "command" ? c.command_type : null,
  );
  return [...said, line.message].filter(Boolean).join(" · ");
}

function InstanceForm(props: {
  db: string;
  branch: string;
  cls: string;
  columns: Column[];
  editing?: InstanceRow;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const editing = props.editing;
  const initial = useMemo(() => {
    const values: Record<string, string> = {};
    for (const c of props.columns) values[c.name] = formatValue(editing?.data[c.name]);
    return values;
  }, [props.columns, editing]);
  // The values typed, started again from `initial` when it changes (state adjusted while
  // rendering, not in an effect).
  const [values, setValues] = useState(initial);
  const [startedFrom, setStartedFrom] = useState(initial);
  if (startedFrom !== initial) {
    setStartedFrom(initial);
    setValues(initial);
  }
  const save = useSaveInstance(props.db, props.branch, props.cls, editing, () => {
    toast(t("instances.saved"));
    props.onClose();
  });
  /** The values to send: a new instance's given ones; an edited one's changed ones. */
  const changed = () => {
    const data: Record<string, unknown> = {};
    for (const c of props.columns) {
      const before = initial[c.name] ?? "";
      const text = values[c.name] ?? "";
      if (editing && text === before) continue;
      const value = parseValue(c.relationship ? "string" : c.type, text);
      if (value === undefined) {
        if (editing && before !== "") data[c.name] = null; // cleared: removed
        continue;
      }
      data[c.name] = value;
    }
    return data;
  };
  const error = apiErrorOf(save.error);
  const fields = error?.fieldErrors ?? {};
  const unplaced = error && !props.columns.some((c) => fields[c.name]) ? error.message : undefined;
  return (
    <FormDialog
      title={editing ? t("instances.editTitle", { id: editing.id }) : `${t("instances.new")} · ${props.cls}`}
      onClose={props.onClose}
      onSubmit={() => save.mutate(changed())}
      submit={t("common.save")}
      busy={save.isPending}
      noValidate
    >
      {unplaced && <Callout intent="danger">{unplaced}</Callout>}
      {props.columns.map((c) => (
        <FormGroup
          key={c.name}
          label={c.name}
          labelFor={`field-${c.name}`}
          labelInfo={`${c.relationship ? `→ ${c.relationship}` : c.type}${c.required ? " *" : ""}`}
          intent={fields[c.name] ? "danger" : "none"}
          helperText={
            fields[c.name] ? (
              <span id={`error-${c.name}`} className="field-error" role="alert">
                {fields[c.name]}
              </span>
            ) : undefined
          }
        >
          <InputGroup
            id={`field-${c.name}`}
            aria-invalid={fields[c.name] ? true : undefined}
            aria-describedby={fields[c.name] ? `error-${c.name}` : undefined}
            value={values[c.name] ?? ""}
            onValueChange={(v) => setValues((all) => ({ ...all, [c.name]: v }))}
            intent={fields[c.name] ? "danger" : "none"}
            placeholder={c.relationship ? `${c.relationship}/…` : undefined}
          />
        </FormGroup>
      ))}
    </FormDialog>
  );
}
