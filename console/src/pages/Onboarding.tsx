import {
  Button,
  Callout,
  Card,
  Checkbox,
  FileInput,
  FormGroup,
  HTMLSelect,
  HTMLTable,
  InputGroup,
  NonIdealState,
  ProgressBar,
  Radio,
  RadioGroup,
  Tag,
} from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import {
  importReportOf,
  useCommandStatus,
  useDryRun,
  useFetchUrl,
  useInference,
  useStartImport,
  useSuggestedMapping,
  useUploadFiles,
} from "../api/hooks/datasets";
import type { ImportReport, Uploaded } from "../api/hooks/datasets";
import { useTypes } from "../api/hooks/ontology";
import { OnboardingConnector } from "../components/OnboardingConnector";
import { datasetName, withClassId, withKey, withoutLink, withType } from "../onboarding";
import type { Mapping } from "../onboarding";
import { pagePath, useWhere } from "../state/location";

const STEPS = ["files", "types", "classes", "dryRun", "import"] as const;
type Step = (typeof STEPS)[number];

export function OnboardingPage() {
  const { t } = useTranslation();
  const { db, branch } = useWhere();
  const [step, setStep] = useState<Step>("files");
  const [uploaded, setUploaded] = useState<Uploaded[]>([]);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [mappingName, setMappingName] = useState<string>("");
  if (!db) return <NonIdealState title={t("common.pickDatabase")} />;
  const at = STEPS.indexOf(step);
  return (
    <section aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">{t("onboarding.title")}</h2>
      <ol className="steps" aria-label={t("onboarding.steps")}>
        {STEPS.map((s, i) => (
          <li
            key={s}
            aria-current={s === step ? "step" : undefined}
            className={i < at ? "done" : s === step ? "current" : ""}
          >
            {i + 1}. {t(`onboarding.step.${s}`)}
          </li>
        ))}
      </ol>
      {step === "files" && (
        <Files
          db={db}
          uploaded={uploaded}
          onUploaded={(u) => setUploaded((all) => [...all.filter((x) => x.name !== u.name), u])}
          onNext={() => setStep("types")}
        />
      )}
      {step === "types" && (
        <Types
          db={db}
          datasets={uploaded.map((u) => u.name)}
          onBack={() => setStep("files")}
          onNext={() => setStep("classes")}
        />
      )}
      {step === "classes" && (
        <Classes
          db={db}
          datasets={uploaded.map((u) => u.name)}
          mapping={mapping}
          setMapping={setMapping}
          onBack={() => setStep("types")}
          onNext={() => setStep("dryRun")}
        />
      )}
      {step === "dryRun" && mapping && (
        <DryRun
          db={db}
          branch={branch}
          mapping={mapping}
          onSaved={setMappingName}
          onBack={() => setStep("classes")}
          onNext={() => setStep("import")}
        />
      )}
      {step === "import" && mappingName && mapping && (
        <Finish db={db} branch={branch} mapping={mappingName} spec={mapping} uploaded={uploaded} />
      )}
    </section>
  );
}

function Files(props: { db: string; uploaded: Uploaded[]; onUploaded: (u: Uploaded) => void; onNext: () => void }) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [url, setUrl] = useState("");
  const [urlName, setUrlName] = useState("");
  const upload = useUploadFiles(props.db, props.onUploaded);
  const fetchUrl = useFetchUrl(props.db, props.onUploaded);
  const error = upload.error ?? fetchUrl.error;
  return (
    <Card>
      <FormGroup label={t("onboarding.files")} labelFor="onboarding-files" helperText={t("onboarding.filesHelp")}>
        <FileInput
          fill
          inputProps={{ id: "onboarding-files", multiple: true, accept: ".csv,.tsv,.xlsx,.json,.jsonl,.ndjson" }}
          text={files.length ? files.map((f) => f.name).join(", ") : t("onboarding.choose")}
          buttonText={t("onboarding.browse")}
          onInputChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
        />
      </FormGroup>
      <Button
        intent="primary"
        icon="upload"
        disabled={files.length === 0}
        loading={upload.isPending}
        onClick={() => upload.mutate(files, { onSuccess: () => setFiles([]) })}
      >
        {t("onboarding.upload", { count: files.length })}
      </Button>
      <FormGroup
        label={t("onboarding.url")}
        labelFor="onboarding-url"
        helperText={t("onboarding.urlHelp")}
        className="spaced"
      >
        <div className="row">
          <InputGroup
            id="onboarding-url"
            value={url}
            onValueChange={setUrl}
            placeholder="https://docs.google.com/spreadsheets/d/…"
            fill
          />
          <InputGroup
            aria-label={t("onboarding.datasetName")}
            value={urlName}
            onValueChange={setUrlName}
            placeholder={t("onboarding.datasetName")}
          />
          <Button
            icon="link"
            disabled={!url}
            loading={fetchUrl.isPending}
            onClick={() =>
              fetchUrl.mutate({ url, name: datasetName(urlName || "sheet") }, { onSuccess: () => setUrl("") })
            }
          >
            {t("onboarding.fetch")}
          </Button>
        </div>
      </FormGroup>
      {error && <Callout intent="danger">{error.message}</Callout>}
      {props.uploaded.length > 0 && (
        <HTMLTable compact striped aria-label={t("onboarding.datasets")}>
          <thead>
            <tr>
              <th>{t("onboarding.dataset")}</th>
              <th>{t("onboarding.rows")}</th>
              <th>{t("onboarding.columns")}</th>
            </tr>
          </thead>
          <tbody>
            {props.uploaded.map((u) => (
              <tr key={u.name}>
                <td>{u.name}</td>
                <td>{u.tables.reduce((n, table) => n + table.rows, 0)}</td>
                <td>{u.tables.flatMap((table) => table.columns).length}</td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
      <StepButtons onNext={props.onNext} ready={props.uploaded.length > 0} />
    </Card>
  );
}

/** A suggested class's id, renamed when the field is left (the server checks the name
 * when the mapping is saved for its dry run). */
function ClassName({ id, onRename }: { id: string; onRename: (to: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(id);
  return (
    <InputGroup
      aria-label={`${t("ontology.id")} ${id}`}
      value={text}
      onValueChange={setText}
      onBlur={() => (text.trim() && text.trim() !== id ? onRename(text.trim()) : setText(id))}
      className="class-name"
    />
  );
}

/** Back to the step before (when there is one), and on to the next once `ready`. */
function StepButtons(props: { onBack?: () => void; onNext: () => void; ready?: boolean; next?: string }) {
  const { t } = useTranslation();
  return (
    <div className="row spaced">
      {props.onBack && (
        <Button icon="arrow-left" onClick={props.onBack}>
          {t("onboarding.back")}
        </Button>
      )}
      <Button intent="primary" rightIcon="arrow-right" disabled={props.ready === false} onClick={props.onNext}>
        {props.next ?? t("onboarding.next")}
      </Button>
    </div>
  );
}

function Types(props: { db: string; datasets: string[]; onBack: () => void; onNext: () => void }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(props.datasets[0] ?? "");
  const { data: inferred, isLoading, error } = useInference(props.db, shown);
  return (
    <Card>
      <div className="row">
        <label htmlFor="types-dataset">{t("onboarding.dataset")}</label>
        <HTMLSelect
          id="types-dataset"
          value={shown}
          onChange={(e) => setShown(e.currentTarget.value)}
          options={props.datasets}
        />
        {inferred && (
          <Tag minimal intent="primary" title={inferred.primary_key_reason}>
            {t("onboarding.key")}: {inferred.primary_key.join(" + ") || "—"}
          </Tag>
        )}
      </div>
      {isLoading && <ProgressBar />}
      {error && <Callout intent="danger">{error.message}</Callout>}
      {inferred && (
        <HTMLTable compact striped aria-label={t("onboarding.inferred")}>
          <thead>
            <tr>
              <th>{t("onboarding.column")}</th>
              <th>{t("ontology.type")}</th>
              <th>{t("onboarding.confidence")}</th>
              <th>{t("onboarding.reason")}</th>
              <th>{t("onboarding.risks")}</th>
            </tr>
          </thead>
          <tbody>
            {inferred.columns.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>
                  <strong>{c.type}</strong>
                  {c.candidates.length > 0 && (
                    <div className="muted">
                      {c.candidates.map((x) => `${x.type} ${Math.round(x.confidence * 100)}%`).join(", ")}
                    </div>
                  )}
                </td>
                <td>{Math.round(c.confidence * 100)}%</td>
                <td className="muted">{c.reason}</td>
                <td>
                  {c.flags.map((f) => (
                    <Tag key={f} intent="warning" minimal className="flag">
                      {f}
                    </Tag>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
      <StepButtons onBack={props.onBack} onNext={props.onNext} />
    </Card>
  );
}

function Classes(props: {
  db: string;
  datasets: string[];
  mapping: Mapping | null;
  setMapping: (m: Mapping) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const types = useTypes().data?.map((ty) => ty.name) ?? [];
  const suggest = useSuggestedMapping(props.db, props.datasets, (mapping) => {
    if (!props.mapping) props.setMapping(mapping);
  });
  const mapping = props.mapping;
  if (suggest.isLoading || !mapping)
    return suggest.error ? <Callout intent="danger">{suggest.error.message}</Callout> : <ProgressBar />;
  return (
    <>
      {mapping.classes.map((cls) => {
        const source = mapping.sources.find((s) => s.class_id === cls.id);
        const key = source?.key ?? [];
        return (
          <Card key={cls.id} aria-label={`${t("instances.class")} ${cls.id}`}>
            <div className="row">
              <ClassName id={cls.id} onRename={(to) => props.setMapping(withClassId(mapping, cls.id, to))} />
              {source && <Tag minimal>{source.dataset}</Tag>}
            </div>
            <HTMLTable compact aria-label={`${cls.id} ${t("ontology.properties")}`}>
              <thead>
                <tr>
                  <th>{t("ontology.property")}</th>
                  <th>{t("ontology.type")}</th>
                  <th>{t("ontology.key")}</th>
                </tr>
              </thead>
              <tbody>
                {cls.properties.map((p) => (
                  <tr key={p.name}>
                    <td>{p.name}</td>
                    <td>
                      <HTMLSelect
                        aria-label={`${cls.id}.${p.name} ${t("ontology.type")}`}
                        value={p.type}
                        onChange={(e) => props.setMapping(withType(mapping, cls.id, p.name, e.currentTarget.value))}
                        options={types.includes(p.type) ? types : [p.type, ...types]}
                      />
                    </td>
                    <td>
                      <Checkbox
                        aria-label={`${cls.id}.${p.name} ${t("ontology.key")}`}
                        checked={key.includes(p.name)}
                        onChange={(e) =>
                          props.setMapping(
                            withKey(
                              mapping,
                              cls.id,
                              e.currentTarget.checked ? [...key, p.name] : key.filter((k) => k !== p.name),
                            ),
                          )
                        }
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </HTMLTable>
            {(source?.links ?? []).length > 0 && (
              <ul aria-label={`${cls.id} ${t("ontology.relationships")}`}>
                {source?.links.map((l) => (
                  <li key={l.predicate} className="row">
                    {l.column} → {l.target} <code>{l.predicate}</code>
                    <Button
                      variant="minimal"
                      icon="cross"
                      aria-label={`${t("common.remove")} ${cls.id}.${l.predicate}`}
                      onClick={() => props.setMapping(withoutLink(mapping, cls.id, l.predicate))}
                    />
                  </li>
                ))}
              </ul>
            )}
          </Card>
        );
      })}
      <StepButtons onBack={props.onBack} onNext={props.onNext} />
    </>
  );
}

function DryRun(props: {
  db: string;
  branch: string;
  mapping: Mapping;
  onSaved: (name: string) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const name = `onboarding_${props.db}`.slice(0, 64);
  const run = useDryRun(props.db, props.branch, name, props.mapping, props.onSaved);
  const report = run.data;
  return (
    <Card>
      {run.isLoading && <ProgressBar />}
      {run.error && <Callout intent="danger">{run.error.message}</Callout>}
      {report && (
        <>
          <p>
            {t("onboarding.wouldCreate", {
              classes: report.classes_created.length,
              created: report.created,
              refused: report.refused,
            })}
          </p>
          <ReportTable report={report} />
          {report.refused_rows.length > 0 && (
            <HTMLTable compact aria-label={t("onboarding.refusedRows")}>
              <thead>
                <tr>
                  <th>{t("instances.class")}</th>
                  <th>{t("onboarding.row")}</th>
                  <th>{t("onboarding.errors")}</th>
                </tr>
              </thead>
              <tbody>
                {report.refused_rows.slice(0, 100).map((r, i) => (
                  <tr key={i}>
                    <td>{r.class_id}</td>
                    <td>{r.row}</td>
                    <td>
                      <code>{JSON.stringify(r.errors)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </HTMLTable>
          )}
        </>
      )}
      <StepButtons
        onBack={props.onBack}
        onNext={props.onNext}
        ready={Boolean(report)}
        next={t("onboarding.toImport")}
      />
    </Card>
  );
}

function ReportTable({ report, db, branch }: { report: ImportReport; db?: string; branch?: string }) {
  const { t } = useTranslation();
  return (
    <HTMLTable compact striped aria-label={t("onboarding.report")}>
      <thead>
        <tr>
          <th>{t("instances.class")}</th>
          <th>{t("onboarding.rows")}</th>
          <th>{t("onboarding.created")}</th>
          <th>{t("onboarding.skipped")}</th>
          <th>{t("onboarding.refused")}</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(report.by_class).map(([cls, n]) => (
          <tr key={cls}>
            <td>
              {db ? (
                <Link to={pagePath(db, `instances/${encodeURIComponent(cls)}`, branch ?? "main")}>{cls}</Link>
              ) : (
                cls
              )}
            </td>
            <td>{n.rows}</td>
            <td>{n.created}</td>
            <td>{n.skipped}</td>
            <td>{n.refused}</td>
          </tr>
        ))}
      </tbody>
    </HTMLTable>
  );
}

/** The wizard's end: the import, once; or, for datasets fetched from a URL, a connector that
 * keeps importing what changes there with the same mapping. */
function Finish(props: { db: string; branch: string; mapping: string; spec: Mapping; uploaded: Uploaded[] }) {
  const { t } = useTranslation();
  const [how, setHow] = useState<"once" | "connector">("once");
  const sources = props.uploaded.flatMap((u) => (u.url ? [{ dataset: u.name, url: u.url }] : []));
  if (sources.length === 0) return <Import db={props.db} branch={props.branch} mapping={props.mapping} />;
  return (
    <Card>
      <RadioGroup
        label={t("connectors.finish")}
        selectedValue={how}
        onChange={(e) => setHow(e.currentTarget.value as "once" | "connector")}
      >
        <Radio value="once" label={t("connectors.once")} />
        <Radio value="connector" label={t("connectors.asConnector", { url: sources.map((s) => s.url).join(", ") })} />
      </RadioGroup>
      {how === "once" ? (
        <Import db={props.db} branch={props.branch} mapping={props.mapping} />
      ) : (
        <OnboardingConnector
          db={props.db}
          branch={props.branch}
          mapping={props.mapping}
          spec={props.spec}
          sources={sources}
        />
      )}
    </Card>
  );
}

function Import(props: { db: string; branch: string; mapping: string }) {
  const { t } = useTranslation();
  const [partial, setPartial] = useState(false);
  const [commandId, setCommandId] = useState<string | null>(null);
  const start = useStartImport(props.db, props.branch, setCommandId);
  const status = useCommandStatus(commandId);
  const current = status.data;
  const report = current?.status === "COMPLETED" ? importReportOf(current.result) : null;
  const failure = current?.status === "FAILED" ? current.error : null;
  return (
    <Card>
      {!commandId && (
        <>
          <Checkbox
            label={t("onboarding.allowPartial")}
            checked={partial}
            onChange={(e) => setPartial(e.currentTarget.checked)}
          />
          <Button
            intent="success"
            icon="import"
            loading={start.isPending}
            onClick={() => start.mutate({ mapping: props.mapping, allowPartial: partial })}
          >
            {t("onboarding.startImport")}
          </Button>
          {start.error && <Callout intent="danger">{start.error.message}</Callout>}
        </>
      )}
      {current && (
        <div aria-live="polite">
          <p>
            <Tag
              intent={current.status === "COMPLETED" ? "success" : current.status === "FAILED" ? "danger" : "primary"}
            >
              {current.status}
            </Tag>{" "}
            {t("onboarding.progress", { progress: current.progress ?? 0 })}
          </p>
          <ProgressBar
            value={(current.progress ?? 0) / 100}
            intent={current.status === "FAILED" ? "danger" : "primary"}
            stripes={!report && !failure}
            aria-label={t("onboarding.progressLabel")}
          />
        </div>
      )}
      {failure != null && <Callout intent="danger">{JSON.stringify(failure)}</Callout>}
      {report && (
        <>
          <Callout intent="success">
            {t("onboarding.done", { created: report.created, skipped: report.skipped, refused: report.refused })}
          </Callout>
          <ReportTable report={report} db={props.db} branch={props.branch} />
        </>
      )}
    </Card>
  );
}
