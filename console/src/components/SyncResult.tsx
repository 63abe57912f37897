import { Callout, HTMLTable, ProgressBar, Tag } from "@blueprintjs/core";
import { useTranslation } from "react-i18next";
import { useSyncStatus } from "../api/hooks/connectors";
import { errorText, outcomeKey, syncOutcome } from "../connectors";
import type { SyncCounts } from "../connectors";

const COUNTS = ["created", "updated", "deleted", "unchanged", "skipped", "refused"] as const;

function count(counts: SyncCounts | null | undefined, key: (typeof COUNTS)[number]): number {
  return counts?.[key] ?? 0;
}

/** A sync's status while it runs, then in words what it did (per class), or why it failed. */
export function SyncResult({ db, name, commandId }: { db: string; name: string; commandId: string | null }) {
  const { t } = useTranslation();
  const status = useSyncStatus(db, commandId);
  const current = status.data;
  const outcome = current?.status === "COMPLETED" ? syncOutcome(current.result) : null;
  const failed = current?.status === "FAILED";
  return (
    <section aria-label={t("connectors.syncOf", { name })} aria-live="polite" className="sync-result">
      <h3>
        {t("connectors.syncOf", { name })}{" "}
        {current && (
          <Tag intent={current.status === "COMPLETED" ? "success" : failed ? "danger" : "primary"}>
            {current.status}
          </Tag>
        )}
      </h3>
      {status.error && <Callout intent="danger">{status.error.message}</Callout>}
      {!outcome && !failed && (
        <ProgressBar value={(current?.progress ?? 0) / 100} aria-label={t("connectors.syncOf", { name })} />
      )}
      {failed && <Callout intent="danger">{t("connectors.syncFailed", { message: errorText(current.error) })}</Callout>}
      {outcome && (
        <>
          <Callout intent="success">
            {t(`connectors.outcome.${outcomeKey(outcome)}`, {
              version: outcome.version ?? "—",
              created: count(outcome.totals, "created"),
              updated: count(outcome.totals, "updated"),
              deleted: count(outcome.totals, "deleted"),
              unchanged: count(outcome.totals, "unchanged"),
            })}
          </Callout>
          {Object.keys(outcome.byClass).length > 0 && (
            <HTMLTable compact striped aria-label={t("connectors.byClass")}>
              <thead>
                <tr>
                  <th>{t("connectors.class")}</th>
                  {COUNTS.map((k) => (
                    <th key={k}>{t(`connectors.${k}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Object.entries(outcome.byClass).map(([cls, counts]) => (
                  <tr key={cls}>
                    <td>{cls}</td>
                    {COUNTS.map((k) => (
                      <td key={k}>{count(counts, k)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </HTMLTable>
          )}
        </>
      )}
    </section>
  );
}
