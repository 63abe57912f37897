import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { MemoryRouter } from "react-router-dom";
import { CommandList } from "./components/CommandList";
import { en, ko } from "./locales";
import { DatabasesPage } from "./pages/Databases";

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ko: { translation: ko } },
    lng: "en",
    interpolation: { escapeValue: false },
  });
});

afterEach(() => vi.unstubAllGlobals());

/** What a stubbed `fetch` answers: the API's JSON body with its status. */
function json(body: unknown, status = 200): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );
}

function page(ui: React.ReactNode) {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queries}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}

const database = { name: "shop", description: "가게", created_at: "2026-11-27T00:00:00Z", sequence_number: 1 };

describe("the command list", () => {
  it("shows each command's status, and the error of one that failed", () => {
    render(
      <CommandList
        commands={[
          { id: "c1", label: "create Customer", status: "COMPLETED", progress: 100, updatedAt: "" },
          {
            id: "c2",
            label: "create Product",
            status: "FAILED",
            progress: 100,
            error: "owned_by: no such Customer",
            updatedAt: "",
          },
        ]}
      />,
    );
    const items = screen.getAllByRole("listitem");
    expect(items.map((i) => i.getAttribute("data-status"))).toEqual(["COMPLETED", "FAILED"]);
    expect(items[1]).toHaveTextContent("owned_by: no such Customer");
  });
  it("says what it is for when empty", () => {
    render(<CommandList commands={[]} />);
    expect(screen.getByText(en.commands.empty)).toBeInTheDocument();
  });
});

describe("the databases page", () => {
  it("lists the databases the API answers", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => json({ status: "success", data: { items: [database], total: 1 } })),
    );
    page(<DatabasesPage />);
    expect(await screen.findByRole("link", { name: "shop" })).toHaveAttribute("href", "/ui/db/shop/ontology");
    expect(screen.getByText("가게")).toBeInTheDocument();
  });

  it("deletes only once the name is typed again, sending it as the confirmation", async () => {
    const calls: Request[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((request: Request) => {
        calls.push(request);
        if (request.method === "DELETE")
          return json({ status: "success", data: { command_id: "x", status: "COMPLETED" } });
        return json({ status: "success", data: { items: [database], total: 1 } });
      }),
    );
    const user = userEvent.setup();
    page(<DatabasesPage />);
    await user.click(await screen.findByRole("button", { name: "Delete shop" }));
    const confirm = screen.getByRole("button", { name: "Delete" });
    expect(confirm).toBeDisabled();
    await user.type(screen.getByLabelText(/Type its name/), "sho");
    expect(confirm).toBeDisabled();
    await user.type(screen.getByLabelText(/Type its name/), "p");
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() => expect(calls.some((r) => r.method === "DELETE")).toBe(true));
    const url = new URL(calls.find((r) => r.method === "DELETE")!.url);
    expect(url.pathname).toBe("/api/v1/databases/shop");
    expect(url.searchParams.get("confirm")).toBe("shop");
  });

  it("shows a refused name beside the name field", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn((request: Request) => {
        if (request.method === "POST") {
          return json(
            {
              status: "error",
              code: "VALIDATION_FAILED",
              message: "invalid",
              details: { errors: [{ path: "name", code: "invalid_identifier", message: "invalid database name" }] },
            },
            422,
          );
        }
        return json({ status: "success", data: { items: [], total: 0 } });
      }),
    );
    const user = userEvent.setup();
    page(<DatabasesPage />);
    await user.click(await screen.findByRole("button", { name: "New database" }));
    await user.type(screen.getByLabelText("Name"), "bad name");
    await user.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("invalid database name")).toBeInTheDocument();
  });
});
