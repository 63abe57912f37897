import { Card, HTMLTable } from "@blueprintjs/core";
import { useTranslation } from "react-i18next";
import { diffLines } from "../history";
import type { DiffAnswer } from "../history";
import { formatValue } from "../values";

/** The schema and data difference of two branches, side by side (the schema's changes are
 * classes, which the API types only as objects: their ids are read as text). */
export function DiffView({
  diff,
  into,
  from,
}: {
  diff: Pick<DiffAnswer, "schema" | "data">;
  into: string;
  from: string;
}) {
  const { t } = useTranslation();
  const lines = diffLines(diff.data.items);
  const classChanges = [
    ...diff.schema.added.map((c) => ({ mark: "+", id: c.id })),
    ...diff.schema.removed.map((c) => ({ mark: "−", id: c.id })),
    ...diff.schema.changed.map((c) => ({ mark: "~", id: c.class_id })),
  ];
  return (
    <Card>
      <h3>{t("history.schema")}</h3>
      {classChanges.length === 0 ? (
        <p>{t("history.noChange")}</p>
      ) : (
        <ul>
          {classChanges.map((c) => (
            <li key={c.mark + c.id}>
              {c.mark} {c.id}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("history.data", { count: diff.data.total })}</h3>
      {lines.length === 0 ? (
        <p>{t("history.noChange")}</p>
      ) : (
        <HTMLTable compact className="diff" aria-label={t("history.diffTable")}>
          <thead>
            <tr>
              <th>{t("history.instance")}</th>
              <th>{t("ontology.property")}</th>
              <th>{into}</th>
              <th>{from}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.key} data-change={l.change}>
                <td>{l.instance}</td>
                <td>{l.property}</td>
                <td className="left">{l.left === undefined ? "" : formatValue(l.left)}</td>
                <td className="right">{l.right === undefined ? "" : formatValue(l.right)}</td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
    </Card>
  );
}
