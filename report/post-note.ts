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
  /**
   * `CI_PIPELINE_ID` and `CI_COMMIT_SHA` of the plan: written into the note, and a note made
   * by a later pipeline (a newer push) is never overwritten by this one. @default - not recorded
   */
  readonly madeFrom?: { readonly pipelineId: number; readonly commitSha: string };
}

/** The hidden line saying which pipeline and commit a note was made from. */
function origin(madeFrom: PostOptions["madeFrom"]): string {
  return madeFrom ? `<!-- made-from: pipeline=${madeFrom.pipelineId} commit=${madeFrom.commitSha} -->\n` : "";
}

function originOf(body: string): { pipelineId: number; commitSha: string } | undefined {
  const m = /<!-- made-from: pipeline=(\d+) commit=([0-9a-f]+) -->/.exec(body);
  return m ? { pipelineId: Number(m[1]), commitSha: m[2] } : undefined;
}

export function marker(key = "plan"): string {
  return `<!-- gitlab-aws-delivery:plan-report:${key} -->`;
}

/** Creates or updates the marked note; returns what was done. */
export async function postNote(
  body: string,
  options: PostOptions,
): Promise<{ action: "created" | "updated"; noteId: number } | { action: "kept"; noteId: number; newer: { pipelineId: number; commitSha: string } }> {
  const base = `${options.apiUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(options.projectId)}/merge_requests/${encodeURIComponent(options.mergeRequestIid)}/notes`;
  const headers = { "PRIVATE-TOKEN": options.token, "Content-Type": "application/json" };
  const tag = marker(options.key);
  const text = `${tag}\n${origin(options.madeFrom)}${body}`;
  let existing: { id: number; body: string } | undefined;
  for (let page = 1; page <= 20 && !existing; page++) {
    const res = await fetch(`${base}?per_page=100&page=${page}&sort=asc&order_by=created_at`, { headers });
    if (!res.ok) throw new Error(`listing notes failed: HTTP ${res.status} ${await res.text()}`);
    const notes = (await res.json()) as Array<{ id: number; body: string; system?: boolean }>;
    existing = notes.find((n) => !n.system && typeof n.body === "string" && n.body.startsWith(tag));
    if (notes.length < 100) break;
  }
  const theirs = existing && originOf(existing.body);
  if (existing && theirs && options.madeFrom && theirs.pipelineId > options.madeFrom.pipelineId) {
    // A newer push's pipeline already reported: this older plan must not replace it.
    return { action: "kept", noteId: existing.id, newer: theirs };
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
