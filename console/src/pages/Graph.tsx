import { Button, Callout, Card, FormGroup, HTMLSelect, InputGroup, NonIdealState, Tag } from "@blueprintjs/core";
import { useSearchParams } from "react-router-dom";
import type { LayoutOptions } from "cytoscape";
import { useEffect, useEffectEvent, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ClassPublic } from "../api/client";
import { useGraphQuery, useInstanceLinks } from "../api/hooks/graph";
import { useClasses } from "../api/hooks/ontology";
import { CytoscapeView, FORCE } from "../components/CytoscapeView";
import { answerGraph, linked, loadSaved, mergeNodes, saveQuery, STATUS_COLOURS } from "../graph";
import type { GraphEdge, GraphNode, Hop, Provenance, SavedQuery } from "../graph";
import { relationshipsOf } from "../ontology";
import { useWhere } from "../state/location";
import { referenceOf } from "../values";

const LAYOUT_NAMES = ["breadthfirst", "fcose", "grid", "circle"] as const;
type LayoutName = (typeof LAYOUT_NAMES)[number];
const LAYOUTS: Record<LayoutName, LayoutOptions> = {
  breadthfirst: { name: "breadthfirst", directed: true, spacingFactor: 1.2 },
  fcose: FORCE,
  grid: { name: "grid" },
  circle: { name: "circle" },
};

/** The relationships of the class `id` among `classes`. */
function relationshipsFrom(classes: ClassPublic[], id: string) {
  return relationshipsOf(classes.find((c) => c.id === id));
}

export function GraphPage() {
  const { t } = useTranslation();
  const where = useWhere();
  const { db } = where;
  const classesRead = useClasses(db ?? "", where).data;
  const classes = useMemo(() => classesRead?.data.items ?? [], [classesRead]);
  const [start, setStart] = useState("");
  const [hops, setHops] = useState<Hop[]>([]);
  const [filters, setFilters] = useState<Array<[string, string]>>([["", ""]]);
  const [saved, setSaved] = useState<SavedQuery[]>(() => (db ? loadSaved(db) : []));
  const [name, setName] = useState("");
  const [limit, setLimit] = useState(200);
  const [layout, setLayout] = useState<LayoutName>("breadthfirst");
  const [picked, setPicked] = useState<string | null>(null);
  // Nodes and edges added by expanding nodes' links, on top of the query's answer.
  const [extra, setExtra] = useState<{ nodes: GraphNode[]; edges: GraphEdge[] }>({ nodes: [], edges: [] });
  const [params] = useSearchParams();
  const from = params.get("start"); // `Class/id`: explore from one instance
  const startClass = start || classes[0]?.id || "";
  const run = useGraphQuery(db ?? "", where);
  const answer = run.data;
  const nodes = useMemo(() => mergeNodes(answer?.nodes ?? [], extra.nodes), [answer, extra]);
  const edges = useMemo(() => [...(answer?.edges ?? []), ...extra.edges], [answer, extra]);
  const elements = useMemo(() => answerGraph(nodes, edges), [nodes, edges]);
  // Opened from an instance: that instance alone, ready to expand. The form takes it as soon
  // as its class is known (state adjusted while rendering), then the query runs.
  const [started, setStarted] = useState<string | null>(null);
  const reference = from ? referenceOf(from) : null;
  if (reference && started !== from && classes.some((c) => c.id === reference.cls)) {
    setStarted(from);
    setStart(reference.cls);
    setHops([]);
    setFilters([["id", reference.id]]);
    setExtra({ nodes: [], edges: [] });
  }
  const runFrom = useEffectEvent((instance: string) => {
    const at = referenceOf(instance);
    if (at) run.mutate({ start_class: at.cls, hops: [], filters: { id: at.id }, limit });
  });
  useEffect(() => {
    if (started) runFrom(started);
  }, [started]);
  const expand = useInstanceLinks(db ?? "", where, (id, links) => setExtra((found) => linked(found, id, links)));
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  // Each hop goes from the class the one before reached.
  const classAt = (i: number) => (i === 0 ? startClass : (hops[i - 1]?.target_class ?? ""));
  const node = nodes.find((n) => n.id === picked);
  return (
    <section aria-labelledby="graph-title">
      <h2 id="graph-title">{t("graph.title")}</h2>
      <div className="split">
        <Card>
          <FormGroup label={t("graph.start")} labelFor="graph-start">
            <HTMLSelect
              id="graph-start"
              value={startClass}
              onChange={(e) => {
                setStart(e.currentTarget.value);
                setHops([]);
              }}
              options={classes.map((c) => c.id)}
              fill
            />
          </FormGroup>
          <FormGroup label={t("graph.hops")}>
            {hops.map((h, i) => {
              const options = relationshipsFrom(classes, classAt(i));
              return (
                <div className="row" key={i}>
                  <HTMLSelect
                    aria-label={`${t("graph.hops")} ${i + 1}`}
                    value={`${h.predicate}|${h.target_class}`}
                    onChange={(e) => {
                      const [predicate = "", target_class = ""] = e.currentTarget.value.split("|");
                      setHops(hops.slice(0, i).concat([{ predicate, target_class }]));
                    }}
                    options={options.map((r) => ({
                      value: `${r.predicate}|${r.target}`,
                      label: `${r.predicate} → ${r.target}`,
                    }))}
                  />
                  <Button
                    icon="cross"
                    variant="minimal"
                    aria-label={`${t("common.remove")} ${i + 1}`}
                    onClick={() => setHops(hops.slice(0, i))}
                  />
                </div>
              );
            })}
            <Button
              icon="add"
              variant="minimal"
              disabled={relationshipsFrom(classes, classAt(hops.length)).length === 0}
              onClick={() => {
                const first = relationshipsFrom(classes, classAt(hops.length))[0];
                if (first) setHops([...hops, { predicate: first.predicate, target_class: first.target }]);
              }}
            >
              {t("graph.addHop")}
            </Button>
          </FormGroup>
          <FormGroup label={t("graph.filters")}>
            {filters.map(([k, v], i) => (
              <div className="row" key={i}>
                <InputGroup
                  aria-label={`filter ${i + 1} property`}
                  value={k}
                  placeholder="product_id"
                  onValueChange={(key) => setFilters(filters.map((f, j) => (j === i ? [key, f[1]] : f)))}
                />
                <InputGroup
                  aria-label={`filter ${i + 1} value`}
                  value={v}
                  placeholder="prod_001"
                  onValueChange={(value) => setFilters(filters.map((f, j) => (j === i ? [f[0], value] : f)))}
                />
              </div>
            ))}
            <Button icon="add" variant="minimal" onClick={() => setFilters([...filters, ["", ""]])}>
              {t("common.add")}
            </Button>
          </FormGroup>
          <FormGroup label={t("graph.limit")} labelFor="graph-limit">
            <InputGroup
              id="graph-limit"
              type="number"
              min={1}
              max={1000}
              value={String(limit)}
              onValueChange={(v) => setLimit(Math.max(1, Math.min(1000, Number(v) || 1)))}
            />
          </FormGroup>
          <Button
            intent="primary"
            icon="play"
            onClick={() => {
              setExtra({ nodes: [], edges: [] });
              run.mutate({
                start_class: startClass,
                hops,
                filters: Object.fromEntries(filters.filter(([k]) => k.trim())),
                limit,
              });
            }}
            loading={run.isPending}
            disabled={!startClass}
          >
            {t("common.run")}
          </Button>
          <div className="row saved">
            <InputGroup aria-label="query name" value={name} onValueChange={setName} placeholder="query name" />
            <Button
              icon="floppy-disk"
              disabled={!name}
              onClick={() =>
                setSaved(
                  saveQuery(db, {
                    name,
                    start_class: startClass,
                    hops,
                    filters: Object.fromEntries(filters.filter(([k]) => k)),
                  }),
                )
              }
            >
              {t("common.save")}
            </Button>
          </div>
          {saved.map((q) => (
            <Button
              key={q.name}
              variant="minimal"
              icon="history"
              onClick={() => {
                setStart(q.start_class);
                setHops(q.hops);
                setFilters(Object.entries(q.filters).concat([["", ""]]));
              }}
            >
              {q.name}
            </Button>
          ))}
        </Card>
        <div>
          {run.error && <Callout intent="danger">{run.error.message}</Callout>}
          {!answer && <NonIdealState icon="graph" title={t("graph.noResult")} />}
          {answer && (
            <>
              <div className="row legend">
                <Tag minimal>{t("graph.nodes", { count: nodes.length })}</Tag>
                <Tag minimal>{t("graph.edges", { count: edges.length })}</Tag>
                {Object.entries(STATUS_COLOURS).map(([status, colour]) => (
                  <span key={status}>
                    <span style={{ color: colour }}>●</span> {status}
                  </span>
                ))}
              </div>
              <div className="row">
                <label htmlFor="graph-layout">{t("graph.layout")}</label>
                <HTMLSelect
                  id="graph-layout"
                  value={layout}
                  onChange={(e) => setLayout(e.currentTarget.value as LayoutName)}
                  options={LAYOUT_NAMES.map((l) => ({ value: l, label: t(`graph.layouts.${l}`) }))}
                />
              </div>
              <CytoscapeView elements={elements} layout={LAYOUTS[layout]} label={t("graph.title")} onPick={setPicked} />
              {node && (
                <Card aria-label={node.id}>
                  <div className="row">
                    <h3>{node.id}</h3>
                    <Button
                      icon="graph"
                      loading={expand.isPending && expand.variables === node.id}
                      onClick={() => expand.mutate(node.id)}
                    >
                      {t("graph.expand")}
                    </Button>
                  </div>
                  <p>
                    {t("graph.status")}: <Tag>{node.data_status}</Tag>
                  </p>
                  {node.index_status && (
                    <p>
                      {t("graph.index")}: <code>{JSON.stringify(node.index_status)}</code>
                    </p>
                  )}
                  {node.provenance != null && (
                    <p className="muted" aria-label={t("graph.provenance")}>
                      {describeProvenance(node.provenance)}
                    </p>
                  )}
                  {node.data && <pre>{JSON.stringify(node.data, null, 2)}</pre>}
                </Card>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function describeProvenance(p: Provenance): string {
  return [
    `#${p.sequence_number ?? "?"}`,
    p.updated_by ?? p.created_by ?? "",
    p.updated_at ?? "",
    p.last_command_id ?? "",
  ]
    .filter(Boolean)
    .join(" · ");
}
