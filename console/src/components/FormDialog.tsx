import { Button, Dialog, DialogBody, DialogFooter } from "@blueprintjs/core";
import type { Intent } from "@blueprintjs/core";
import type { CSSProperties, ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** A dialog holding a form: its fields, then Cancel, any `actions`, and the submit button. */
export function FormDialog(props: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  submit: string;
  intent?: Intent;
  busy?: boolean;
  disabled?: boolean;
  noValidate?: boolean;
  actions?: ReactNode;
  style?: CSSProperties;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Dialog isOpen onClose={props.onClose} title={props.title} style={props.style}>
      <form
        noValidate={props.noValidate}
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <DialogBody>{props.children}</DialogBody>
        <DialogFooter
          actions={
            <>
              <Button onClick={props.onClose}>{t("common.cancel")}</Button>
              {props.actions}
              <Button type="submit" intent={props.intent ?? "primary"} loading={props.busy} disabled={props.disabled}>
                {props.submit}
              </Button>
            </>
          }
        />
      </form>
    </Dialog>
  );
}
