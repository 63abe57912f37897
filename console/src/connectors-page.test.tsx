import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { en, ko } from "./locales";
import { ConnectorsPage } from "./pages/Connectors";

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ko: { translation: ko } },
    lng: "en",
    interpolation: { escapeValue: false },
  });
});

afterEach(() => vi.unstubAllGlobals());

function json(body: unknown, status = 200): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );
}

const connector = {
  name: "items",
  database: "shop",
  version: 1,
  kind: "http_file",
  config: { url: "http://files/items.csv" },
  dataset: "items",
  schedule: { every_seconds: 5400 },
  import: null,
  state: {
    last_poll: null,
    last_change: null,
    last_success: null,
    last_failure: 1_700_000_000,
    last_error: "http://files/items.csv answered 404",
    failing_since: 1_700_000_000,
    attempts: 1,
    next_run: null,
    next_retry: null,
    cursor: {},
    last_command: null,
    history: [],
  },
};

/** The page on `path`, against a stubbed API; the requests it sent. */
function open(path: string, answer: (request: Request) => Promise<Response>): Request[] {
  const calls: Request[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((request: Request) => {
      calls.push(request);
      return answer(request);
    }),
  );
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queries}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/ui/db/:db/connectors" element={<ConnectorsPage />} />
          <Route path="/ui/db/:db/connectors/:name" element={<ConnectorsPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return calls;
}

describe("the connectors page", () => {
  it("lists each connector's kind, dataset and schedule, and shows a sync's result when it finished", async () => {
    const calls = open("/ui/db/shop/connectors", (request) => {
      const path = new URL(request.url).pathname;
      if (request.method === "POST")
        return json({ status: "accepted", data: { command_id: "s1", status: "PENDING" } }, 202);
      if (path === "/api/v1/commands/s1/status")
        return json({
          command_id: "s1",
          status: "COMPLETED",
          progress: 100,
          result: {
            changed: true,
            version: 2,
            imported: true,
            by_class: { Item: { created: 1, updated: 2, deleted: 3, unchanged: 4, skipped: 0, refused: 0 } },
            totals: { created: 1, updated: 2, deleted: 3, unchanged: 4, skipped: 0, refused: 0 },
          },
        });
      return json({ status: "success", data: { connectors: [connector], total: 1 } });
    });
    const user = userEvent.setup();
    const table = await screen.findByRole("table", { name: "Connectors" });
    const row = within(table).getByRole("row", { name: /items/ });
    expect(row).toHaveTextContent("File by URL");
    expect(row).toHaveTextContent("Every 1 h 30 min");
    expect(row).toHaveTextContent("Failing");
    await user.click(screen.getByRole("button", { name: "Sync now items" }));
    const result = await screen.findByRole("region", { name: "Sync of items" });
    expect(
      await within(result).findByText(/Synced, version 2: 1 created, 2 updated, 3 deleted, 4 unchanged/),
    ).toBeInTheDocument();
    expect(within(result).getByRole("table", { name: "Sync by class" })).toHaveTextContent("Item");
    expect(
      calls.some(
        (r) => r.method === "POST" && new URL(r.url).pathname === "/api/v1/databases/shop/connectors/items/sync",
      ),
    ).toBe(true);
  });

  it("shows a connector's last error in words", async () => {
    open("/ui/db/shop/connectors/items", (request) =>
      new URL(request.url).pathname.endsWith("/connectors/items")
        ? json({ status: "success", data: connector })
        : json({ status: "success", data: { connectors: [connector], total: 1 } }),
    );
    const error = await screen.findByLabelText("Last error");
    expect(error).toHaveTextContent("http://files/items.csv answered 404");
    expect(error).toHaveTextContent("Failures in a row: 1, since");
    expect(screen.getByText("No sync yet.")).toBeInTheDocument();
  });

  it("makes a PostgreSQL connector with its password as a secret reference", async () => {
    const calls = open("/ui/db/shop/connectors", (request) =>
      request.method === "PUT"
        ? json({ status: "success", data: { command_id: "c1", status: "COMPLETED" } })
        : json({ status: "success", data: { connectors: [], total: 0 } }),
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New connector" }));
    const form = screen.getByRole("dialog");
    await user.selectOptions(within(form).getByLabelText("Kind"), "postgresql");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    expect(within(form).getAllByText("Required").length).toBeGreaterThanOrEqual(3);
    expect(calls.some((r) => r.method === "PUT")).toBe(false);
    await user.type(within(form).getByLabelText("Name"), "pg");
    await user.type(within(form).getByLabelText("DSN (without the password)"), "host=db dbname=shop");
    await user.selectOptions(within(form).getByLabelText("Password: given as"), "value");
    expect(within(form).getByLabelText("Password")).toHaveAttribute("type", "password");
    await user.selectOptions(within(form).getByLabelText("Password: given as"), "ref");
    await user.type(within(form).getByLabelText("Password reference"), "pg_password");
    await user.type(within(form).getByLabelText("Table"), "items");
    await user.type(within(form).getByLabelText("Dataset"), "items");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((r) => r.method === "PUT")).toBe(true));
    const put = calls.find((r) => r.method === "PUT")!;
    expect(new URL(put.url).pathname).toBe("/api/v1/databases/shop/connectors/pg");
    expect(await put.json()).toEqual({
      kind: "postgresql",
      config: { dsn: "host=db dbname=shop", password: { secret_ref: "PG_PASSWORD" }, table: "items" },
      dataset: "items",
      schedule: null,
      import: null,
    });
  });
});
