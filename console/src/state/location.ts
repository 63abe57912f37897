// Where the console is: the database, branch and point in time every page honours, kept in
// the URL (`/ui/db/<db>/<page>?branch=<branch>&as_of=<time, commit or position>`) so a link
// shows the same thing to anyone.
import { useParams, useSearchParams } from "react-router-dom";

export const MAIN = "main";

export interface Where {
  db: string | undefined;
  branch: string;
  /** Read as of this (an ISO time, a commit id or a log position); writes are off. */
  asOf: string | undefined;
}

export function useWhere(): Where {
  const { db } = useParams();
  const [search] = useSearchParams();
  return { db, ...placeOf(search) };
}

/** The branch and point in time a query string names. */
export function placeOf(search: URLSearchParams): Pick<Where, "branch" | "asOf"> {
  return { branch: search.get("branch") || MAIN, asOf: search.get("as_of") || undefined };
}

/** The query string that keeps the branch (none for `main`) and the point in time, and
 * any `extra` parameters of the page. */
export function branchQuery(branch: string, asOf?: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (branch !== MAIN) params.set("branch", branch);
  if (asOf) params.set("as_of", asOf);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function pagePath(
  db: string,
  page: string,
  branch: string,
  asOf?: string,
  extra?: Record<string, string>,
): string {
  return `/ui/db/${encodeURIComponent(db)}/${page}${branchQuery(branch, asOf, extra)}`;
}

/** The read parameters of the place: the branch, and `as_of` when set. */
export function readQuery(where: { branch: string; asOf?: string | undefined }): { branch: string; as_of?: string } {
  return where.asOf ? { branch: where.branch, as_of: where.asOf } : { branch: where.branch };
}
