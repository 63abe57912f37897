// Where the console is: the database and branch every page honours, kept in the URL
// (`/ui/db/<db>/<page>?branch=<branch>`) so a link shows the same thing to anyone.
import { useParams, useSearchParams } from "react-router-dom";

export const MAIN = "main";

export function useWhere(): { db: string | undefined; branch: string } {
  const { db } = useParams();
  const [search] = useSearchParams();
  return { db, branch: search.get("branch") || MAIN };
}

/** The query string that keeps the branch (none for `main`). */
export function branchQuery(branch: string): string {
  return branch === MAIN ? "" : `?branch=${encodeURIComponent(branch)}`;
}

export function pagePath(db: string, page: string, branch: string): string {
  return `/ui/db/${encodeURIComponent(db)}/${page}${branchQuery(branch)}`;
}
