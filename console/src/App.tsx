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
  Spinner,
  Tag,
} from "@blueprintjs/core";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { useMe } from "./api/hooks/auth";
import { BranchPicker } from "./components/BranchPicker";
import { CommandList } from "./components/CommandList";
import { DatabasePicker } from "./components/DatabasePicker";
import { SignIn } from "./components/SignIn";
import { TimeTravel } from "./components/TimeTravel";
import { LANGUAGES } from "./i18n";
import { DatabasesPage } from "./pages/Databases";
import { useSession } from "./state/auth";
import { useCommands } from "./state/commands";
import { pagePath, placeOf } from "./state/location";

// Each page's code is loaded when the page is first opened (Cytoscape only with a graph), so
// the first load carries the databases page and the bar.
const AdminPage = lazy(() => import("./pages/Admin").then((m) => ({ default: m.AdminPage })));
const ConnectorsPage = lazy(() => import("./pages/Connectors").then((m) => ({ default: m.ConnectorsPage })));
const GraphPage = lazy(() => import("./pages/Graph").then((m) => ({ default: m.GraphPage })));
const HistoryPage = lazy(() => import("./pages/History").then((m) => ({ default: m.HistoryPage })));
const InstancesPage = lazy(() => import("./pages/Instances").then((m) => ({ default: m.InstancesPage })));
const OnboardingPage = lazy(() => import("./pages/Onboarding").then((m) => ({ default: m.OnboardingPage })));
const OntologyPage = lazy(() => import("./pages/Ontology").then((m) => ({ default: m.OntologyPage })));
const ProposalsPage = lazy(() => import("./pages/Proposals").then((m) => ({ default: m.ProposalsPage })));

const PAGES = ["ontology", "instances", "graph", "history", "proposals", "onboarding", "connectors"] as const;

/** The database, page, branch and point in time of the current path, for the bar (which is
 * outside the pages' routes). */
function where(pathname: string, search: string): { db?: string; page?: string; branch: string; asOf?: string } {
  const match = /^\/ui\/db\/([^/]+)\/([^/]+)/.exec(pathname);
  const { branch, asOf } = placeOf(new URLSearchParams(search));
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
          <NavLink to="/ui/admin" className={Classes.BUTTON + " " + Classes.MINIMAL}>
            {t("nav.admin")}
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
          <DatabasePicker current={db} onPick={(name) => void navigate(pagePath(name, page ?? "ontology", "main"))} />
          {db && (
            <BranchPicker
              db={db}
              current={branch}
              onPick={(name) => void navigate(pagePath(db, page ?? "ontology", name, asOf))}
            />
          )}
          {db && (
            <TimeTravel
              key={asOf ?? "now"}
              asOf={asOf}
              onChange={(point) => void navigate(pagePath(db, rest || "ontology", branch, point))}
            />
          )}
          <NavbarDivider />
          <HTMLSelect
            aria-label={t("app.language")}
            value={i18n.language}
            onChange={(e) => void i18n.changeLanguage(e.currentTarget.value)}
            options={LANGUAGES.map((l) => ({ value: l, label: l === "ko" ? "한국어" : "English" }))}
            minimal
          />
          <Who />
          <Button icon="console" variant="minimal" onClick={() => setDrawer(true)}>
            {t("commands.open")}
            {running > 0 && (
              <Tag round intent="primary" className="count">
                {running}
              </Tag>
            )}
          </Button>
        </NavbarGroup>
      </Navbar>
      <main className="page">
        {db && asOf && (
          <Callout intent="warning" icon="time" className="read-only">
            {t("timeTravel.readOnly", { point: asOf })}
          </Callout>
        )}
        <Suspense fallback={<Spinner size={24} />}>
          <Routes>
            <Route path="/" element={<Navigate to="/ui/databases" replace />} />
            <Route path="/ui" element={<Navigate to="/ui/databases" replace />} />
            <Route path="/ui/databases" element={<DatabasesPage />} />
            <Route path="/ui/admin" element={<AdminPage />} />
            <Route path="/ui/db/:db/ontology" element={<OntologyPage />} />
            <Route path="/ui/db/:db/instances" element={<InstancesPage />} />
            <Route path="/ui/db/:db/instances/:cls" element={<InstancesPage />} />
            <Route path="/ui/db/:db/graph" element={<GraphPage />} />
            <Route path="/ui/db/:db/history" element={<HistoryPage />} />
            <Route path="/ui/db/:db/onboarding" element={<OnboardingPage />} />
            <Route path="/ui/db/:db/proposals" element={<ProposalsPage />} />
            <Route path="/ui/db/:db/connectors" element={<ConnectorsPage />} />
            <Route path="/ui/db/:db/connectors/:name" element={<ConnectorsPage />} />
            <Route path="*" element={<Navigate to="/ui/databases" replace />} />
          </Routes>
        </Suspense>
      </main>
      <SignIn />
      <Drawer isOpen={drawer} onClose={() => setDrawer(false)} title={t("commands.title")} icon="console" size="420px">
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

/** Who the console acts as, and a way out when signed in. */
function Who() {
  const { t } = useTranslation();
  const { signedIn, signOut } = useSession();
  const username = useMe(signedIn).data?.data.username;
  if (!signedIn) return username ? <Tag minimal>{username}</Tag> : null;
  return (
    <>
      <Tag minimal>{t("auth.signedInAs", { username: username ?? "…" })}</Tag>
      <Button variant="minimal" icon="log-out" onClick={signOut}>
        {t("auth.signOut")}
      </Button>
    </>
  );
}
