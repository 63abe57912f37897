import { Button, Callout, FormGroup, HTMLSelect, InputGroup } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { useSaveConnector, useSyncConnector } from "../api/hooks/connectors";
import { connectorBody, draftErrors, onboardingDraft } from "../connectors";
import type { ConnectorDraft, ImportMode } from "../connectors";
import { unpinned } from "../onboarding";
import type { Mapping } from "../onboarding";
import { pagePath } from "../state/location";
import { ModeField, ScheduleFields } from "./ConnectorFields";
import { shownErrors } from "./ConnectorForm";
import { SyncResult } from "./SyncResult";

const MODES: readonly ImportMode[] = ["upsert", "snapshot"];

/** The end of the onboarding wizard as a connector instead of a one-time import: the URL a
 * dataset came from, synced on request or by a schedule, each new version imported with the
 * mapping the wizard saved (upsert or snapshot), saved again to read the dataset's latest
 * version; then synced once, its result shown. */
export function OnboardingConnector(props: {
  db: string;
  branch: string;
  mapping: string;
  spec: Mapping;
  sources: Array<{ dataset: string; url: string }>;
}) {
  const { t } = useTranslation();
  const first = props.sources[0];
  const [draft, setDraft] = useState<ConnectorDraft>(() =>
    onboardingDraft({
      url: first?.url ?? "",
      dataset: first?.dataset ?? "",
      mapping: props.mapping,
      branch: props.branch,
    }),
  );
  const [tried, setTried] = useState(false);
  const [sync, setSync] = useState<{ name: string; commandId: string | null } | null>(null);
  const start = useSyncConnector(props.db, (name, commandId) => setSync({ name, commandId }));
  const save = useSaveConnector(props.db, (name) => start.mutate(name));
  const errors = shownErrors(draft, tried, save.error, (reason) => t(`connectors.${reason}`));
  const pick = (dataset: string) => {
    const source = props.sources.find((s) => s.dataset === dataset);
    if (source) setDraft({ ...draft, dataset, name: dataset, fields: { url: source.url } });
  };
  if (sync)
    return (
      <>
        <SyncResult key={sync.commandId} db={props.db} name={sync.name} commandId={sync.commandId} />
        <Link to={pagePath(props.db, `connectors/${encodeURIComponent(sync.name)}`, props.branch)}>
          {t("connectors.open", { name: sync.name })}
        </Link>
      </>
    );
  return (
    <>
      {props.sources.length > 1 && (
        <FormGroup label={t("connectors.dataset")} labelFor="onboarding-connector-dataset">
          <HTMLSelect
            id="onboarding-connector-dataset"
            value={draft.dataset}
            onChange={(e) => pick(e.currentTarget.value)}
            options={props.sources.map((s) => s.dataset)}
          />
        </FormGroup>
      )}
      <FormGroup
        label={t("connectors.connectorName")}
        labelFor="onboarding-connector-name"
        intent={errors["name"] ? "danger" : "none"}
        helperText={errors["name"] ?? draft.fields["url"]}
      >
        <InputGroup
          id="onboarding-connector-name"
          value={draft.name}
          onValueChange={(name) => setDraft({ ...draft, name })}
        />
      </FormGroup>
      <ScheduleFields draft={draft} onChange={setDraft} errors={errors} />
      <ModeField draft={draft} onChange={setDraft} errors={errors} modes={MODES} />
      <Button
        intent="success"
        icon="data-connection"
        loading={save.isPending || start.isPending}
        onClick={() => {
          setTried(true);
          if (Object.keys(draftErrors(draft)).length === 0)
            // The suggested mapping reads the version it was suggested from; the connector's
            // import must read each new one.
            save.mutate({
              name: draft.name.trim(),
              body: connectorBody(draft),
              mapping: unpinned(props.spec, draft.dataset),
            });
        }}
      >
        {t("connectors.make")}
      </Button>
      {(save.error ?? start.error) && <Callout intent="danger">{(save.error ?? start.error)?.message}</Callout>}
    </>
  );
}
