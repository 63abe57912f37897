import { api } from "./api/client";
import { accessToken, setTokens } from "./state/auth";

afterEach(() => {
  vi.unstubAllGlobals();
  setTokens(null);
});

/** What a stubbed `fetch` answers: the API's JSON body with its status. */
function json(body: unknown, status = 200): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );
}

describe("signing in", () => {
  it("sends the access token with every call", async () => {
    setTokens({ access_token: "a1", refresh_token: "r1" });
    const seen: Array<string | null> = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((request: Request) => {
        seen.push(request.headers.get("Authorization"));
        return json({ status: "success", data: { items: [], total: 0 } });
      }),
    );
    await api.GET("/api/v1/databases");
    expect(seen).toEqual(["Bearer a1"]);
  });

  it("renews an access token that ran out, once, and sends the call again", async () => {
    setTokens({ access_token: "old", refresh_token: "r1" });
    const calls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((input: Request | string, init?: RequestInit) => {
        const request = typeof input === "string" ? new Request(new URL(input, "http://localhost"), init) : input;
        const path = new URL(request.url).pathname;
        calls.push(`${path} ${request.headers.get("Authorization") ?? ""}`.trim());
        if (path === "/api/v1/auth/refresh")
          return json({ status: "success", data: { access_token: "new", refresh_token: "r2" } });
        if (request.headers.get("Authorization") === "Bearer old")
          return json({ status: "error", code: "UNAUTHENTICATED", message: "expired" }, 401);
        return json({ status: "success", data: { items: [], total: 0 } });
      }),
    );
    const { response } = await api.GET("/api/v1/databases");
    expect(response.status).toBe(200);
    expect(calls).toEqual(["/api/v1/databases Bearer old", "/api/v1/auth/refresh", "/api/v1/databases Bearer new"]);
    expect(accessToken()).toBe("new");
  });

  it("asks to sign in again when the refresh token is refused too", async () => {
    setTokens({ access_token: "old", refresh_token: "stale" });
    vi.stubGlobal(
      "fetch",
      vi.fn(() => json({ status: "error", code: "UNAUTHENTICATED", message: "no" }, 401)),
    );
    const { response } = await api.GET("/api/v1/databases");
    expect(response.status).toBe(401);
    expect(accessToken()).toBe("old"); // kept until a sign-in replaces it
  });
});
