import { Button, Callout, Card, HTMLTable, Radio, RadioGroup } from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMerge } from "../api/hooks/branches";
import { ApiError } from "../api/client";
import type { WriteAnswer } from "../api/client";
import { conflictsOf, resolutions } from "../history";
import type { Conflict, Side } from "../history";
import { toast } from "../toaster";
import { formatValue } from "../values";

/** A merge of `from` into `into` sent by `send`: a refused one's conflicts are listed with
 * base, ours and theirs, and it is sent again with one side chosen per conflict. */
export function MergePanel(props: {
  into: string;
  from: string;
  send: (resolved: Record<string, Side> | null) => Promise<WriteAnswer>;
  disabled?: boolean;
}) {
  const { into, from } = props;
  const { t } = useTranslation();
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [chosen, setChosen] = useState<Record<string, Side>>({});
  const merge = useMerge(`merge ${from} → ${into}`, props.send, {
    onMerged: () => {
      setConflicts([]);
      setChosen({});
    },
    onReread: () => toast(t("history.merged", { from, into })),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setConflicts(conflictsOf(error.details));
    },
  });
  const error = merge.error instanceof ApiError && conflicts.length === 0 ? merge.error : null;
  const resolved = resolutions(conflicts, chosen);
  return (
    <Card>
      <h3>{t("history.merge", { from, into })}</h3>
      {error && <Callout intent="danger">{error.message}</Callout>}
      {conflicts.length > 0 && (
        <>
          <Callout intent="warning">{t("history.conflicts", { count: conflicts.length })}</Callout>
          <HTMLTable compact className="conflicts" aria-label={t("history.conflictTable")}>
            <thead>
              <tr>
                <th>{t("history.conflict")}</th>
                <th>{t("history.base")}</th>
                <th>
                  {t("history.ours")} ({into})
                </th>
                <th>
                  {t("history.theirs")} ({from})
                </th>
                <th>{t("history.keep")}</th>
              </tr>
            </thead>
            <tbody>
              {conflicts.map((c) => (
                <tr key={c.key}>
                  <td>
                    <code>{c.key}</code>
                    {c.message && <div className="muted">{c.message}</div>}
                  </td>
                  <td>{formatValue(c.base)}</td>
                  <td>{formatValue(c.ours)}</td>
                  <td>{formatValue(c.theirs)}</td>
                  <td>
                    <RadioGroup
                      inline
                      name={`keep-${c.key}`}
                      aria-label={`${t("history.keep")} ${c.key}`}
                      selectedValue={chosen[c.key]}
                      onChange={(e) => setChosen({ ...chosen, [c.key]: e.currentTarget.value as Side })}
                    >
                      <Radio value="ours" label={`${t("history.ours")} (${into})`} />
                      <Radio value="theirs" label={`${t("history.theirs")} (${from})`} />
                    </RadioGroup>
                  </td>
                </tr>
              ))}
            </tbody>
          </HTMLTable>
        </>
      )}
      <Button
        intent="primary"
        icon="git-merge"
        loading={merge.isPending}
        disabled={props.disabled || (conflicts.length > 0 && resolved === null)}
        onClick={() => merge.mutate(conflicts.length > 0 ? resolved : null)}
      >
        {conflicts.length > 0 ? t("history.mergeResolved") : t("history.mergeButton")}
      </Button>
    </Card>
  );
}
