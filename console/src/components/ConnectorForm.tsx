import { Callout } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { apiErrorOf } from "../api/client";
import { useSaveConnector } from "../api/hooks/connectors";
import { connectorBody, draftErrors } from "../connectors";
import type { ConnectorDraft } from "../connectors";
import { ConnectorFields } from "./ConnectorFields";
import type { FieldErrors } from "./ConnectorFields";
import { FormDialog } from "./FormDialog";

/** The errors to show on the form: its own (once a save was tried) and the server's 422. */
export function shownErrors(
  draft: ConnectorDraft,
  tried: boolean,
  error: unknown,
  words: (reason: "required" | "whole") => string,
): FieldErrors {
  const own = tried ? draftErrors(draft) : {};
  const mine = Object.fromEntries(Object.entries(own).map(([path, reason]) => [path, words(reason)]));
  return { ...(apiErrorOf(error)?.fieldErrors ?? {}), ...mine };
}

/** A dialog that makes a connector, or saves the next version of one (`editing`). */
export function ConnectorForm(props: {
  db: string;
  initial: ConnectorDraft;
  editing: boolean;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(props.initial);
  const [tried, setTried] = useState(false);
  const save = useSaveConnector(props.db, props.onSaved);
  const errors = shownErrors(draft, tried, save.error, (reason) => t(`connectors.${reason}`));
  return (
    <FormDialog
      title={props.editing ? t("connectors.editTitle", { name: draft.name }) : t("connectors.new")}
      onClose={props.onClose}
      submit={t("common.save")}
      busy={save.isPending}
      noValidate
      style={{ width: 560 }}
      onSubmit={() => {
        setTried(true);
        if (Object.keys(draftErrors(draft)).length === 0)
          save.mutate({ name: draft.name.trim(), body: connectorBody(draft) });
      }}
    >
      <ConnectorFields draft={draft} onChange={setDraft} errors={errors} editing={props.editing} />
      {save.error && <Callout intent="danger">{save.error.message}</Callout>}
    </FormDialog>
  );
}
