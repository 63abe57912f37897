import { HTMLSelect } from "@blueprintjs/core";
import { useTranslation } from "react-i18next";
import { useDatabases } from "../api/hooks/databases";

export function DatabasePicker({ current, onPick }: { current?: string; onPick: (name: string) => void }) {
  const { t } = useTranslation();
  const { data } = useDatabases();
  const names = (data?.data.items ?? []).map((d) => d.name);
  if (current && !names.includes(current)) names.unshift(current);
  return (
    <HTMLSelect
      aria-label={t("nav.databases")}
      value={current ?? ""}
      onChange={(e) => e.currentTarget.value && onPick(e.currentTarget.value)}
      options={[
        { value: "", label: `— ${t("nav.databases")} —`, disabled: true },
        ...names.map((n) => ({ value: n, label: n })),
      ]}
      minimal
    />
  );
}
