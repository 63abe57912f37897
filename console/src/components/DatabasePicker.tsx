import { HTMLSelect } from "@blueprintjs/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";

export function useDatabases() {
  return useQuery({
    queryKey: ["databases"],
    queryFn: () => ok(api.GET("/api/v1/databases", { params: { query: { limit: 1000 } } })),
  });
}

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
