/**
 * Keeps one plan-report note per merge request (and per key, e.g. per stack) up to date
 * through the GitLab API: the note carries a hidden marker, found and updated on each push
 * instead of adding a new note every time.
 */
export interface PostOptions {
  /** `CI_API_V4_URL`, e.g. https://gitlab.com/api/v4 */
  readonly apiUrl: string;
  /** `CI_PROJECT_ID` */
  readonly projectId: string;
  /** `CI_MERGE_REQUEST_IID` */
  readonly mergeRequestIid: string;
  /** A token allowed to write notes (project access token with api scope), from the environment. */
  readonly token: string;
  /** Which report this is, when one MR gets several (one per stack). @default "plan" */
  readonly key?: string;
}

export function marker(key = "plan"): string {
  return `<!-- gitlab-aws-delivery:plan-report:${key} -->`;
}

/** Creates or updates the marked note; returns what was done. */
export async function postNote(body: string, options: PostOptions): Promise<{ action: "created" | "updated"; noteId: number }> {
  const base = `${options.apiUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(options.projectId)}/merge_requests/${encodeURIComponent(options.mergeRequestIid)}/notes`;
  const headers = { "PRIVATE-TOKEN": options.token, "Content-Type": "application/json" };
  const tag = marker(options.key);
  const text = `${tag}\n${body}`;
  let existing: { id: number } | undefined;
  for (let page = 1; page <= 20 && !existing; page++) {
    const res = await fetch(`${base}?per_page=100&page=${page}&sort=asc&order_by=created_at`, { headers });
    if (!res.ok) throw new Error(`listing notes failed: HTTP ${res.status} ${await res.text()}`);
    const notes = (await res.json()) as Array<{ id: number; body: string; system?: boolean }>;
    existing = notes.find((n) => !n.system && typeof n.body === "string" && n.body.startsWith(tag));
    if (notes.length < 100) break;
  }
  const res = await fetch(existing ? `${base}/${existing.id}` : base, {
    method: existing ? "PUT" : "POST",
    headers,
    body: JSON.stringify({ body: text }),
  });
  if (!res.ok) throw new Error(`${existing ? "updating" : "creating"} the note failed: HTTP ${res.status} ${await res.text()}`);
  const note = (await res.json()) as { id: number };
  return { action: existing ? "updated" : "created", noteId: note.id };
}
