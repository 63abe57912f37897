import {
  Alignment,
  Button,
  Callout,
  Classes,
  Drawer,
  HTMLSelect,
  Navbar,
  NavbarDivider,
  NavbarGroup,
  NavbarHeading,
  Tag,
} from "@blueprintjs/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { BranchPicker } from "./components/BranchPicker";
import { CommandList } from "./components/CommandList";
import { TimeTravel } from "./components/TimeTravel";
import { DatabasePicker } from "./components/DatabasePicker";
import { LANGUAGES } from "./i18n";
import { DatabasesPage } from "./pages/Databases";
import { GraphPage } from "./pages/Graph";
import { HistoryPage } from "./pages/History";
import { OnboardingPage } from "./pages/Onboarding";
import { InstancesPage } from "./pages/Instances";
import { OntologyPage } from "./pages/Ontology";
import { useCommands } from "./state/commands";
import { pagePath } from "./state/location";

const PAGES = ["ontology", "instances", "graph", "history", "onboarding"] as const;

/** The database and branch of the current path, for the bar (outside the page's route). */
function where(pathname: string, search: string): { db?: string; page?: string; branch: string; asOf?: string } {
  const match = /^\/ui\/db\/([^/]+)\/([^/]+)/.exec(pathname);
  const params = new URLSearchParams(search);
  const branch = params.get("branch") || "main";
  const asOf = params.get("as_of") || undefined;
  if (!match) return { branch, asOf };
  return { db: decodeURIComponent(match[1] ?? ""), page: match[2], branch, asOf };
}

export function App() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const { db, page, branch, asOf } = where(location.pathname, location.search);
  const rest = location.pathname.replace(/^\/ui\/db\/[^/]+\//, "");
  const [drawer, setDrawer] = useState(false);
  const { commands, connected } = useCommands();
  const running = commands.filter((c) => c.status === "PENDING" || c.status === "PROCESSING").length;

  return (
    <div className="app">
      <Navbar className="app-bar">
        <NavbarGroup align={Alignment.START}>
          <NavbarHeading>
            <NavLink to="/ui/databases" className="brand">
              {t("app.title")}
            </NavLink>
          </NavbarHeading>
          <NavbarDivider />
          <NavLink to="/ui/databases" className={Classes.BUTTON + " " + Classes.MINIMAL}>
            {t("nav.databases")}
          </NavLink>
          {db &&
            PAGES.map((p) => (
              <NavLink
                key={p}
                to={pagePath(db, p, branch, asOf)}
                className={`${Classes.BUTTON} ${Classes.MINIMAL}${page === p ? " " + Classes.ACTIVE : ""}`}
              >
                {t(`nav.${p}`)}
              </NavLink>
            ))}
        </NavbarGroup>
        <NavbarGroup align={Alignment.END}>
          <DatabasePicker
            current={db}
            onPick={(name) => navigate(pagePath(name, page ?? "ontology", "main"))}
          />
          {db && (
            <BranchPicker
              db={db}
              current={branch}
              onPick={(name) => navigate(pagePath(db, page ?? "ontology", name, asOf))}
            />
          )}
          {db && <TimeTravel key={asOf ?? "now"} asOf={asOf} onChange={(point) => navigate(pagePath(db, rest || "ontology", branch, point))} />}
          <NavbarDivider />
          <HTMLSelect
            aria-label={t("app.language")}
            value={i18n.language}
            onChange={(e) => void i18n.changeLanguage(e.currentTarget.value)}
            options={LANGUAGES.map((l) => ({ value: l, label: l === "ko" ? "한국어" : "English" }))}
            minimal
          />
          <Button icon="console" variant="minimal" onClick={() => setDrawer(true)}>
            {t("commands.open")}
            {running > 0 && <Tag round intent="primary" className="count">{running}</Tag>}
          </Button>
        </NavbarGroup>
      </Navbar>
      <main className="page">
        {db && asOf && (
          <Callout intent="warning" icon="time" className="read-only">
            {t("timeTravel.readOnly", { point: asOf })}
          </Callout>
        )}
        <Routes>
          <Route path="/" element={<Navigate to="/ui/databases" replace />} />
          <Route path="/ui" element={<Navigate to="/ui/databases" replace />} />
          <Route path="/ui/databases" element={<DatabasesPage />} />
          <Route path="/ui/db/:db/ontology" element={<OntologyPage />} />
          <Route path="/ui/db/:db/instances" element={<InstancesPage />} />
          <Route path="/ui/db/:db/instances/:cls" element={<InstancesPage />} />
          <Route path="/ui/db/:db/graph" element={<GraphPage />} />
          <Route path="/ui/db/:db/history" element={<HistoryPage />} />
          <Route path="/ui/db/:db/onboarding" element={<OnboardingPage />} />
          <Route path="*" element={<Navigate to="/ui/databases" replace />} />
        </Routes>
      </main>
      <Drawer
        isOpen={drawer}
        onClose={() => setDrawer(false)}
        title={t("commands.title")}
        icon="console"
        size="420px"
      >
        <div className={Classes.DRAWER_BODY}>
          <Tag minimal intent={connected ? "success" : "warning"} className="socket-state">
            {connected ? t("commands.connected") : t("commands.disconnected")}
          </Tag>
          <CommandList commands={commands} />
        </div>
      </Drawer>
    </div>
  );
}
