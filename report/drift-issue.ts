import { gitlabApi } from "./gitlab-api";

/**
 * Keeps one drift issue per stack: the issue carries a hidden marker (like the merge-request
 * note), is opened when drift appears, updated (and reopened) while it lasts, and closed once
 * a scheduled run finds none.
 */
export interface DriftIssueOptions {
  /** `CI_API_V4_URL` */
  readonly apiUrl: string;
  /** `CI_PROJECT_ID`: the project the issue lives in. */
  readonly projectId: string;
  /** A token allowed to create and edit issues (Reporter or above). */
  readonly token: string;
  /** Which stack. */
  readonly key: string;
  /** Per request attempt. @default 10000 */
  readonly timeoutMs?: number;
}

export const DRIFT_LABEL = "terraform:drift";

export function driftMarker(key: string): string {
  return `<!-- gitlab-aws-delivery:drift:${key} -->`;
}

export type DriftIssueResult = { action: "opened" | "updated" | "reopened" | "closed"; iid: number } | { action: "none" };

/** Opens, updates, reopens or closes the stack's drift issue; `drifted` says whether drift was found. */
export async function syncDriftIssue(body: string, drifted: boolean, options: DriftIssueOptions): Promise<DriftIssueResult> {
  const api = gitlabApi({ token: options.token, timeoutMs: options.timeoutMs });
  const base = `${options.apiUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(options.projectId)}/issues`;
  const tag = driftMarker(options.key);
  const description = `${tag}\n${body}`;
  type Issue = { iid: number; description: string | null; state: "opened" | "closed" };
  const isOurs = (i: Issue) => typeof i.description === "string" && i.description.startsWith(tag);
  // Every page, open and closed, until ours is found: a closed one is reopened, not duplicated.
  const issues = await api.pages<Issue>(`${base}?state=all&order_by=created_at&sort=asc`, (page) => page.some(isOurs));
  const existing = issues.find(isOurs);
  if (!drifted) {
    if (!existing || existing.state === "closed") return { action: "none" };
    await api.json("PUT", `${base}/${existing.iid}`, { description, state_event: "close" });
    return { action: "closed", iid: existing.iid };
  }
  if (existing) {
    const reopen = existing.state === "closed";
    await api.json("PUT", `${base}/${existing.iid}`, reopen ? { description, state_event: "reopen" } : { description });
    return { action: reopen ? "reopened" : "updated", iid: existing.iid };
  }
  const { data } = await api.json<{ iid: number }>("POST", base, {
    title: `Drift in ${options.key}: objects changed outside Terraform`,
    description,
    labels: DRIFT_LABEL,
  });
  return { action: "opened", iid: data.iid };
}
