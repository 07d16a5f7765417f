import { gitlabApi } from "./gitlab-api";

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
  /** Per request attempt. @default 10000 */
  readonly timeoutMs?: number;
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
  const api = gitlabApi({ token: options.token, timeoutMs: options.timeoutMs });
  const base = `${options.apiUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(options.projectId)}/merge_requests/${encodeURIComponent(options.mergeRequestIid)}/notes`;
  const tag = marker(options.key);
  const text = `${tag}\n${origin(options.madeFrom)}${body}`;
  type Note = { id: number; body: string; system?: boolean };
  const isOurs = (n: Note) => !n.system && typeof n.body === "string" && n.body.startsWith(tag);
  // However many notes the merge request has: every page, until ours is found.
  const notes = await api.pages<Note>(`${base}?sort=asc&order_by=created_at`, (page) => page.some(isOurs));
  const existing = notes.find(isOurs);
  const theirs = existing && originOf(existing.body);
  if (existing && theirs && options.madeFrom && theirs.pipelineId > options.madeFrom.pipelineId) {
    // A newer push's pipeline already reported: this older plan must not replace it.
    return { action: "kept", noteId: existing.id, newer: theirs };
  }
  const { data: note } = existing
    ? await api.json<{ id: number }>("PUT", `${base}/${existing.id}`, { body: text })
    : await api.json<{ id: number }>("POST", base, { body: text });
  return { action: existing ? "updated" : "created", noteId: note.id };
}
