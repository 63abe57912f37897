// Who the console acts as.
import { useQuery } from "@tanstack/react-query";
import { api, ok } from "../client";
import { keys } from "../keys";

/** The signed-in user (or the local administrator a loopback server takes everyone as). */
export function useMe(signedIn: boolean) {
  return useQuery({ queryKey: keys.me(signedIn), queryFn: () => ok(api.GET("/api/v1/auth/me")), retry: false });
}
