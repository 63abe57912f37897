import { Classes, Intent, ProgressBar, Tag } from "@blueprintjs/core";
import { useTranslation } from "react-i18next";
import type { TrackedCommand } from "../state/commands";

const INTENT: Record<string, Intent> = {
  COMPLETED: Intent.SUCCESS,
  FAILED: Intent.DANGER,
  CANCELLED: Intent.WARNING,
  RETRYING: Intent.WARNING,
  PROCESSING: Intent.PRIMARY,
  PENDING: Intent.NONE,
};

export function CommandList({ commands }: { commands: TrackedCommand[] }) {
  const { t } = useTranslation();
  if (commands.length === 0) return <p>{t("commands.empty")}</p>;
  return (
    <ul className={Classes.LIST_UNSTYLED} aria-label={t("commands.title")}>
      {commands.map((c) => (
        <li key={c.id} className="command" data-status={c.status}>
          <div className="row">
            <Tag intent={INTENT[c.status] ?? Intent.NONE}>{c.status}</Tag>
            <strong>{c.label}</strong>
          </div>
          <code>{c.id}</code>
          {(c.status === "PROCESSING" || c.status === "PENDING") && (
            <ProgressBar value={c.progress / 100} stripes={false} />
          )}
          {c.error && <div className="field-error">{c.error}</div>}
        </li>
      ))}
    </ul>
  );
}
