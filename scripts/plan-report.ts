/*
 * `gitlab-aws-delivery plan-report`: reads `terraform show -json` of a plan, writes GitLab's
 * terraform report and the Markdown summary, optionally posts the summary on the merge
 * request. Options are parsed in cli/plan-report.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { addressListSection } from "../report/address-list";
import { driftMarkdown, driftOf } from "../report/drift";
import { syncDriftIssue } from "../report/drift-issue";
import { labelsOf, setPlanLabels } from "../report/labels";
import { graphSection } from "../report/mermaid";
import { checkPlanFormat, gitlabReport, incompleteReason, markdownSummary, shouldFail } from "../report/plan-report";
import { postNote } from "../report/post-note";
import { CommandError } from "./command-error";

export const FAIL_ON_LEVELS = ["none", "high", "medium", "change"] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** Exit codes of plan-report beyond 0/1/2. */
export const PLAN_REPORT_EXIT = {
  /** The plan has changes at or above --fail-on. */
  failOn: 3,
  /** Posting the note on the merge request (or the drift issue) failed. */
  post: 4,
  /** --drift: objects changed outside Terraform. */
  drift: 5,
} as const;

export interface PlanReportOptions {
  /** The `terraform show -json <planfile>` output. */
  readonly plan: string;
  /** GitLab's terraform report {"create","update","delete"}. */
  readonly report: string;
  /** The Markdown summary. */
  readonly markdown: string;
  /** Heading of the summary (e.g. the stack name). @default "Terraform plan" */
  readonly title?: string;
  /** Create or update one marked note on the merge request. @default false */
  readonly post?: boolean;
  /** Which marked note, when one merge request gets several reports. @default "plan" */
  readonly key?: string;
  readonly failOn: FailOn;
  /**
   * Drift mode: read `resource_drift` of a refresh-only plan, write its summary, and with
   * --post open/update/close the stack's drift issue; exit 5 when drift is found. @default false
   */
  readonly drift?: boolean;
  /** With --post, set the terraform:* labels on the merge request. @default true */
  readonly labels?: boolean;
}

/** Where the plan was made: the CI job, the commit and terraform's timestamp, when known. */
export function provenance(env: NodeJS.ProcessEnv, plan: Record<string, unknown>): string {
  const parts: string[] = [];
  if (env.CI_JOB_URL && /^https?:\/\//.test(env.CI_JOB_URL)) parts.push(`[job${env.CI_JOB_ID ? ` ${env.CI_JOB_ID}` : ""}](${env.CI_JOB_URL})`);
  if (env.CI_COMMIT_SHA && /^[0-9a-f]{7,64}$/.test(env.CI_COMMIT_SHA)) parts.push(`commit ${env.CI_COMMIT_SHA.slice(0, 12)}`);
  if (typeof plan.timestamp === "string") parts.push(`planned ${plan.timestamp}`);
  if (typeof plan.terraform_version === "string") parts.push(`terraform ${plan.terraform_version}`);
  return parts.length > 0 ? `\n<sub>${parts.join(" · ")}</sub>\n` : "";
}

/** Writes a report file, creating its folder; a file that cannot be written is one line naming it. */
function writeOutput(file: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why: Record<string, string> = {
      EEXIST: "a file is in the way of its folder",
      ENOTDIR: "a file is in the way of its folder",
      EISDIR: "it is a folder",
      EACCES: "permission denied",
      EROFS: "read-only file system",
      ENOSPC: "no space left on the device",
    };
    const cause = err.code && why[err.code] ? `${why[err.code]} (${err.code})` : (err.code ?? err.message.split("\n")[0]);
    throw new CommandError(`cannot write ${file}: ${cause}; choose a writable path with --report / --markdown`);
  }
}

function readPlan(file: string): Record<string, unknown> {
  let plan: Record<string, unknown>;
  try {
    plan = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CommandError(`${file} cannot be read as JSON (${(e as Error).message.split("\n")[0]}); give the output of \`terraform show -json <planfile>\``);
  }
  const problem = checkPlanFormat(plan);
  if (problem) throw new CommandError(`${file} ${problem}`);
  return plan;
}

const timeoutOf = (env: NodeJS.ProcessEnv) =>
  env.DELIVERY_HTTP_TIMEOUT_MS && /^\d+$/.test(env.DELIVERY_HTTP_TIMEOUT_MS) ? Number(env.DELIVERY_HTTP_TIMEOUT_MS) : undefined;

/** Writes the report and the summary (and posts it); returns 0, or 3 when --fail-on is reached (5 for drift found). */
export async function planReport(opts: PlanReportOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const plan = readPlan(opts.plan);
  if (opts.drift) return driftReport(plan, opts, env);

  const report = gitlabReport(plan);
  writeOutput(opts.report, `${JSON.stringify(report)}\n`);
  const markdown = markdownSummary(plan, { title: opts.title }) + graphSection(plan) + addressListSection(plan) + provenance(env, plan);
  writeOutput(opts.markdown, markdown);
  const incomplete = incompleteReason(plan);
  if (incomplete) process.stderr.write(`plan-report: ${opts.plan}: do not apply: ${incomplete}\n`);
  process.stdout.write(`plan-report: ${report.create} to create, ${report.update} to update, ${report.delete} to delete\n`);

  if (opts.post) {
    const missing = ["CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID", "GITLAB_TOKEN"].filter((k) => !env[k]);
    if (missing.length > 0) {
      throw new CommandError(
        `--post needs ${missing.join(", ")} in the environment (a merge-request pipeline sets the CI_ ones; GITLAB_TOKEN is a token with api scope)`,
      );
    }
    let posted: Awaited<ReturnType<typeof postNote>>;
    try {
      posted = await postNote(markdown, {
        apiUrl: env.CI_API_V4_URL!,
        projectId: env.CI_PROJECT_ID!,
        mergeRequestIid: env.CI_MERGE_REQUEST_IID!,
        token: env.GITLAB_TOKEN!,
        key: opts.key,
        timeoutMs: timeoutOf(env),
        madeFrom:
          env.CI_PIPELINE_ID && /^\d+$/.test(env.CI_PIPELINE_ID) && env.CI_COMMIT_SHA && /^[0-9a-f]{7,64}$/.test(env.CI_COMMIT_SHA)
            ? { pipelineId: Number(env.CI_PIPELINE_ID), commitSha: env.CI_COMMIT_SHA }
            : undefined,
      });
    } catch (e) {
      throw new CommandError(`posting to the merge request failed: ${(e as Error).message}`, PLAN_REPORT_EXIT.post);
    }
    process.stdout.write(
      posted.action === "kept"
        ? `plan-report: note ${posted.noteId} kept: it was made by a newer pipeline (${posted.newer.pipelineId}, commit ${posted.newer.commitSha.slice(0, 12)}) than this one\n`
        : `plan-report: note ${posted.noteId} ${posted.action}\n`,
    );
    if (opts.labels !== false && posted.action !== "kept") {
      const labels = labelsOf(plan);
      const { warning } = await setPlanLabels(labels, {
        apiUrl: env.CI_API_V4_URL!,
        projectId: env.CI_PROJECT_ID!,
        mergeRequestIid: env.CI_MERGE_REQUEST_IID!,
        token: env.GITLAB_TOKEN!,
        timeoutMs: timeoutOf(env),
      });
      if (warning) process.stderr.write(`plan-report: warning: ${warning}\n`);
      else process.stdout.write(`plan-report: labels ${labels.length > 0 ? labels.join(", ") : "(none)"}\n`);
    }
  }
  if (shouldFail(plan, opts.failOn)) {
    process.stderr.write(`plan-report: the plan has changes at or above --fail-on ${opts.failOn}; see ${opts.markdown}\n`);
    return PLAN_REPORT_EXIT.failOn;
  }
  return 0;
}

/** --drift: the summary of what changed outside Terraform, the stack's issue, exit 5 when there is drift. */
async function driftReport(plan: Record<string, unknown>, opts: PlanReportOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const drift = driftOf(plan);
  const incomplete = incompleteReason(plan);
  if (incomplete) {
    // A refresh that stopped part-way cannot say "no drift": the issue is left as it is.
    writeOutput(opts.markdown, `### Drift: ${opts.title ?? "Terraform"}\n\n> **⛔ Drift cannot be judged: ${incomplete}.**\n${provenance(env, plan)}`);
    throw new CommandError(`${opts.plan}: drift cannot be judged: ${incomplete}`);
  }
  const markdown = driftMarkdown(plan, { title: opts.title }) + provenance(env, plan);
  writeOutput(opts.markdown, markdown);
  process.stdout.write(`plan-report: ${drift.length} object${drift.length === 1 ? "" : "s"} changed outside Terraform\n`);
  if (opts.post) {
    const missing = ["CI_API_V4_URL", "CI_PROJECT_ID", "GITLAB_TOKEN"].filter((k) => !env[k]);
    if (missing.length > 0) {
      throw new CommandError(
        `--drift --post needs ${missing.join(", ")} in the environment (a pipeline sets the CI_ ones; GITLAB_TOKEN may create and edit issues)`,
      );
    }
    if (!opts.key) throw new CommandError("--drift --post needs --key <stack>: each stack keeps its own drift issue");
    let done: Awaited<ReturnType<typeof syncDriftIssue>>;
    try {
      done = await syncDriftIssue(markdown, drift.length > 0, {
        apiUrl: env.CI_API_V4_URL!,
        projectId: env.CI_PROJECT_ID!,
        token: env.GITLAB_TOKEN!,
        key: opts.key,
        timeoutMs: timeoutOf(env),
      });
    } catch (e) {
      throw new CommandError(`keeping the drift issue failed: ${(e as Error).message}`, PLAN_REPORT_EXIT.post);
    }
    process.stdout.write(done.action === "none" ? "plan-report: no drift issue to open or close\n" : `plan-report: drift issue #${done.iid} ${done.action}\n`);
  }
  if (drift.length > 0) {
    process.stderr.write(`plan-report: drift found in ${opts.title ?? opts.plan}; see ${opts.markdown}\n`);
    return PLAN_REPORT_EXIT.drift;
  }
  return 0;
}
