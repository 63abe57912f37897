// Administration: health and readiness, users and API keys, each database's roles and
// settings, and the audit trail.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ok } from "../client";
import type { Schemas } from "../client";
import { keys } from "../keys";

export function useHealth() {
  return useQuery({ queryKey: keys.health(), queryFn: () => ok(api.GET("/health")), refetchInterval: 5_000 });
}

export function useReady() {
  return useQuery({ queryKey: keys.ready(), queryFn: () => ok(api.GET("/ready")), refetchInterval: 5_000 });
}

export function useCreateUser(onCreated: (username: string) => void) {
  return useMutation({
    mutationFn: (user: Schemas["NewUser"]) =>
      ok(api.POST("/api/v1/auth/users", { params: { query: { wait: true } }, body: user })),
    onSuccess: (_, user) => onCreated(user.username),
  });
}

/** Issue an API key (for oneself, or for `username`): its answer carries the key, once. */
export function useIssueKey(onIssued: (issued: Schemas["IssuedKey"]) => void) {
  return useMutation({
    mutationFn: (key: Schemas["NewKey"]) => ok(api.POST("/api/v1/auth/keys", { body: key })),
    // The completed command's result: the key (shown once) and its id.
    onSuccess: (answer) => onIssued(answer.data.result),
  });
}

export function useRevokeKey(onRevoked: () => void) {
  return useMutation({
    mutationFn: (keyId: string) =>
      ok(api.DELETE("/api/v1/auth/keys/{key_id}", { params: { path: { key_id: keyId }, query: { wait: true } } })),
    onSuccess: onRevoked,
  });
}

/** Who has which role on the database. */
export function useRoles(db: string) {
  return useQuery({
    queryKey: keys.roles(db),
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/roles", { params: { path: { db } } })),
    select: (answer) => answer.data.roles,
    enabled: Boolean(db),
  });
}

export type Role = Schemas["RoleGrant"]["role"];

export function useGrantRole(db: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: ({ username, role }: { username: string; role: Role }) =>
      ok(
        api.PUT("/api/v1/databases/{db}/roles/{username}", {
          params: { path: { db, username }, query: { wait: true } },
          body: { role },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: keys.roles(db) }),
  });
}

export function useRevokeRole(db: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (username: string) =>
      ok(
        api.DELETE("/api/v1/databases/{db}/roles/{username}", {
          params: { path: { db, username }, query: { wait: true } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: keys.roles(db) }),
  });
}

export function useSettings(db: string) {
  return useQuery({
    queryKey: keys.settings(db),
    queryFn: () => ok(api.GET("/api/v1/databases/{db}/settings", { params: { path: { db } } })),
    enabled: Boolean(db),
  });
}

export function useSaveSettings(db: string, onSaved: () => void) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (settings: Schemas["SettingsRequest"]) =>
      ok(
        api.PUT("/api/v1/databases/{db}/settings", {
          params: { path: { db }, query: { wait: true } },
          body: settings,
        }),
      ),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: keys.settings(db) });
      onSaved();
    },
  });
}

export function useAudit() {
  return useQuery({
    queryKey: keys.audit(),
    queryFn: () => ok(api.GET("/api/v1/audit", { params: { query: { limit: 100 } } })),
    refetchInterval: 10_000,
  });
}
