/*
 * Merge-request labels from the plan, so a reviewer (and a board filter) sees a destroy or a
 * high risk before opening the note. Labels that no longer apply are removed on the next push.
 */
import { gitlabApi, GitlabApiError } from "./gitlab-api";
import { gitlabReport, incompleteReason, risksOf } from "./plan-report";

type Json = Record<string, any>;

export const PLAN_LABELS = ["terraform:destroy", "terraform:no-changes", "terraform:high-risk"] as const;

/** The labels this plan earns (a subset of PLAN_LABELS). */
export function labelsOf(plan: Json): string[] {
  const r = gitlabReport(plan);
  const outputs = Object.values<Json>(plan.output_changes ?? {}).some((c) => (c.actions ?? []).some((a: string) => a !== "no-op"));
  const labels: string[] = [];
  if (r.delete > 0) labels.push("terraform:destroy");
  if (r.create + r.update + r.delete === 0 && !outputs && !incompleteReason(plan)) labels.push("terraform:no-changes");
  if (risksOf(plan).some((x) => x.level === "high")) labels.push("terraform:high-risk");
  return labels;
}

export interface LabelOptions {
  readonly apiUrl: string;
  readonly projectId: string;
  readonly mergeRequestIid: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/**
 * Adds the plan's labels and removes the others of PLAN_LABELS in one call. Labels are a
 * courtesy: a token that may not set them (403) or any other failure gives a warning line,
 * returned, and never fails the report.
 */
export async function setPlanLabels(labels: readonly string[], options: LabelOptions): Promise<{ warning?: string }> {
  const api = gitlabApi({ token: options.token, timeoutMs: options.timeoutMs, retries: 2 });
  const url = `${options.apiUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(options.projectId)}/merge_requests/${encodeURIComponent(options.mergeRequestIid)}`;
  const remove = PLAN_LABELS.filter((l) => !labels.includes(l));
  try {
    await api.json("PUT", url, { add_labels: labels.join(","), remove_labels: remove.join(",") });
    return {};
  } catch (e) {
    if (!(e instanceof GitlabApiError)) throw e;
    const forbidden = / HTTP 40[13]\b/.test(e.message)
      ? " (GitLab lets Developer and above label a merge request, not Reporter: give the token that role, or pass --no-labels)"
      : "";
    return { warning: `labels not set: ${e.message}${forbidden}` };
  }
}
