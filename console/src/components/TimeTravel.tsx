import { Button, InputGroup, Popover, Tag } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/** The point in time every page reads as of (an ISO time, a commit id or a log position),
 * or now. */
export function TimeTravel({ asOf, onChange }: { asOf?: string; onChange: (asOf: string | undefined) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(asOf ?? "");
  const [open, setOpen] = useState(false);
  return (
    <>
      {asOf && (
        <Tag intent="warning" onRemove={() => onChange(undefined)} className="as-of">
          {t("timeTravel.asOf", { point: asOf })}
        </Tag>
      )}
      <Popover
        isOpen={open}
        onInteraction={setOpen}
        placement="bottom-end"
        content={
          <form
            className="time-travel"
            onSubmit={(e) => {
              e.preventDefault();
              onChange(text.trim() || undefined);
              setOpen(false);
            }}
          >
            <label htmlFor="as-of-input">{t("timeTravel.label")}</label>
            <InputGroup
              id="as-of-input"
              value={text}
              onValueChange={setText}
              placeholder="2026-11-27T09:00:00Z"
              autoFocus
            />
            <p className="muted">{t("timeTravel.help")}</p>
            <div className="row">
              <Button type="submit" intent="primary">
                {t("timeTravel.apply")}
              </Button>
              <Button
                onClick={() => {
                  setText("");
                  onChange(undefined);
                  setOpen(false);
                }}
              >
                {t("timeTravel.now")}
              </Button>
            </div>
          </form>
        }
      >
        <Button icon="time" variant="minimal" aria-label={t("timeTravel.open")} title={t("timeTravel.open")} />
      </Popover>
    </>
  );
}
