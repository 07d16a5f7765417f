/*
 * Risk words for the safe-release, runner and Git sync features (issue 16), in a table of
 * their own: what a reviewer loses when a stage condition, a runner or a Git sync changes or
 * goes. plan-report.ts adds these to its risks.
 */
import { RUNNER_EVENT, RUNNER_PURPOSE } from "../modules/runners/gitlab-runner";

type Json = Record<string, any>;

export interface CapabilityRisk {
  readonly level: "medium";
  readonly address: string;
  readonly message: string;
}

const CONDITIONS: Record<string, string> = {
  before_entry: "entry check",
  on_success: "check after success",
  on_failure: "on-failure handling",
};

/** A stage condition block in words: its result and rules, e.g. `ROLLBACK`, `FAIL if CloudWatchAlarm(app-5xx) fails`. */
function describe(block: unknown): string {
  const b = Array.isArray(block) ? block[0] : block;
  if (!b || typeof b !== "object") return "none";
  const cond = (Array.isArray((b as Json).condition) ? (b as Json).condition[0] : (b as Json).condition) as Json | undefined;
  const rules = ((cond?.rule ?? []) as Json[]).map((r) => {
    const type = Array.isArray(r.rule_type_id) ? r.rule_type_id[0] : r.rule_type_id;
    const what = r.configuration?.AlarmName ?? r.configuration?.Cron ?? "";
    return `${type?.provider ?? "rule"}(${what})`;
  });
  const retry = Array.isArray((b as Json).retry_configuration) ? (b as Json).retry_configuration[0] : (b as Json).retry_configuration;
  const result = (b as Json).result ?? cond?.result ?? "";
  return [result, retry?.retry_mode ? `(${retry.retry_mode})` : "", rules.length ? `when ${rules.join(", ")}` : ""].filter(Boolean).join(" ");
}

const stagesOf = (v: Json | undefined): Json[] => (Array.isArray(v?.stage) ? v!.stage : []);

function changedConditions(address: string, before: Json | undefined, after: Json | undefined): CapabilityRisk[] {
  const out: CapabilityRisk[] = [];
  const old = new Map(stagesOf(before).map((s) => [s.name, s]));
  for (const stage of stagesOf(after)) {
    const was = old.get(stage.name);
    if (!was) continue;
    for (const [key, words] of Object.entries(CONDITIONS)) {
      const [from, to] = [describe(was[key]), describe(stage[key])];
      if (from === to) continue;
      const lost = key === "on_failure" && from.startsWith("ROLLBACK") ? ": it no longer rolls back to the last good execution on failure" : "";
      out.push({ level: "medium", address, message: `stage ${stage.name}'s ${words} changes from ${from} to ${to}${lost}` });
    }
  }
  return out;
}

const hasRunnerEvent = (w: Json | undefined) => JSON.stringify(w?.filter_group ?? []).includes(RUNNER_EVENT);

function syncedStacks(template: unknown): string[] {
  try {
    const t = JSON.parse(String(template));
    return Object.values<Json>(t.Resources ?? {})
      .filter((r) => r.Type === "AWS::CodeStarConnections::SyncConfiguration")
      .map((r) => String(r.Properties?.ResourceName));
  } catch {
    return [];
  }
}

/** The risks of one resource change; `action` is plan-report's classification of it. */
export function capabilityRisks(c: Json, action: string): CapabilityRisk[] {
  const address = String(c.address);
  const type = String(c.type);
  const before = c.change?.before as Json | undefined;
  const after = c.change?.after as Json | undefined;
  const removes = action === "delete" || action === "replace";
  const how = action === "replace" ? "replaced" : "deleted";
  if (type === "aws_codepipeline" && action === "update") return changedConditions(address, before, after);
  if (type === "aws_codebuild_webhook" && removes && hasRunnerEvent(before)) {
    return [{ level: "medium", address, message: `a CodeBuild runner's webhook is ${how}: GitLab jobs tagged for it stay pending until a runner takes them` }];
  }
  if (type === "aws_codebuild_project" && removes && String(before?.description ?? "").startsWith(RUNNER_PURPOSE)) {
    return [{ level: "medium", address, message: `a CodeBuild-hosted GitLab runner is ${how}: jobs tagged for it stay pending meanwhile` }];
  }
  if (type === "aws_cloudformation_stack" && removes) {
    const stacks = syncedStacks(before?.template_body);
    if (stacks.length > 0) {
      return [
        {
          level: "medium",
          address,
          message: `a Git sync is ${how}: CloudFormation stops following GitLab for ${stacks.join(", ")}${action === "replace" ? " until the new repository link and sync configurations exist" : ""}`,
        },
      ];
    }
  }
  return [];
}
