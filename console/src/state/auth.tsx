// Signing in: a server that does not take everyone as its local administrator answers 401;
// the console then asks for a user name and password (POST /api/v1/auth/login), keeps the
// tokens for the browser tab (sessionStorage), sends the access token with every call and
// on the commands WebSocket, and renews it with the refresh token when it runs out.
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from "react";
import type { ReactNode } from "react";
import { api, toApiError } from "../api/client";

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

const KEY = "spice.tokens";
let current: Tokens | null = read();
const listeners = new Set<() => void>();

function read(): Tokens | null {
  try {
    const found = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Tokens | null;
    return found && typeof found.access_token === "string" ? found : null;
  } catch {
    return null;
  }
}

export function accessToken(): string | null {
  return current?.access_token ?? null;
}

export function setTokens(tokens: Tokens | null): void {
  current = tokens;
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

let refreshing: Promise<boolean> | null = null;

/** Renew the access token once (calls that failed together share one renewal). */
async function refresh(): Promise<boolean> {
  const token = current?.refresh_token;
  if (!token) return false;
  refreshing ??= fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  })
    .then(async (response) => {
      if (!response.ok) return false;
      const body = (await response.json()) as { data: Tokens };
      setTokens(body.data);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

let wanted = false;

function signedInNow(): boolean {
  return accessToken() !== null;
}

/** Calls `listener` at each change of the tokens or of whether a sign-in is wanted. */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

// Every call carries the access token; a 401 renews it and sends the call again, once.
api.use({
  onRequest({ request }) {
    const token = accessToken();
    if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.url.includes("/api/v1/auth/")) return response;
    if (await refresh()) {
      const again = new Request(request, { headers: new Headers(request.headers) });
      again.headers.set("Authorization", `Bearer ${accessToken()}`);
      return fetch(again);
    }
    wanted = true;
    for (const listener of listeners) listener();
    return response;
  },
});

interface Session {
  signedIn: boolean;
  signInWanted: boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => void;
}

const SessionContext = createContext<Session>({
  signedIn: false,
  signInWanted: false,
  signIn: () => Promise.resolve(),
  signOut: () => undefined,
});

export function SessionProvider({ children, onChange }: { children: ReactNode; onChange: () => void }) {
  // The module's state (the tokens, whether a sign-in is wanted), read as React state.
  const signedIn = useSyncExternalStore(subscribe, signedInNow);
  const signInWanted = useSyncExternalStore(subscribe, () => wanted && !signedInNow());
  const signIn = useCallback(
    async (username: string, password: string) => {
      const response = await fetch("/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      const body = (await response.json().catch(() => ({}))) as { data?: Tokens };
      if (!response.ok || !body.data) throw toApiError(response.status, body);
      wanted = false;
      setTokens(body.data);
      onChange();
    },
    [onChange],
  );
  const signOut = useCallback(() => {
    setTokens(null);
    onChange();
  }, [onChange]);
  const value = useMemo(() => ({ signedIn, signInWanted, signIn, signOut }), [signedIn, signInWanted, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
