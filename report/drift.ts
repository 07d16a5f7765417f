/*
 * Drift: what changed outside Terraform, read from a plan's `resource_drift` (a refresh-only
 * plan, `terraform plan -refresh-only`, made on a schedule). Same sides and risk words as
 * the plan report; never a value (a refreshed object holds secrets in clear too).
 */
import { classify, removalRisk, sideOf, type Action, type Level, type Side } from "./plan-report";

type Json = Record<string, any>;

export interface Drift {
  readonly address: string;
  readonly type: string;
  readonly side: Side;
  /** "update": the object differs from the state; "delete": it is gone. */
  readonly action: Action;
  /** Top-level attributes that differ (names only). */
  readonly attributes: readonly string[];
  readonly level?: Level;
  /** The risk in words, when the type or attribute is one we watch. */
  readonly risk?: string;
}

const POLICY_ATTRIBUTES: Record<string, string> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_role: "assume_role_policy",
  aws_kms_key: "policy",
  aws_s3_bucket_policy: "policy",
  aws_secretsmanager_secret: "policy",
};

/** Every object that changed outside Terraform, in plan order. */
export function driftOf(plan: Json): Drift[] {
  return (plan.resource_drift ?? [])
    .filter((c: Json) => c?.mode !== "data")
    .map((c: Json) => {
      const action = classify(c.change?.actions ?? []);
      const type = String(c.type);
      const attributes = action === "update" ? differing(c.change) : [];
      const risk = driftRisk(type, action, attributes, c.change);
      return { address: String(c.address), type, side: sideOf(c), action, attributes, ...risk };
    })
    .filter((d: Drift) => d.action !== "no-op");
}

/** How much a change made outside Terraform matters, in the plan report's words. */
function driftRisk(type: string, action: Action, attributes: readonly string[], change: Json): { level: Level; risk: string } | undefined {
  if (action === "delete") {
    if (type.includes("deploy_token") || type === "gitlab_project_access_token") {
      return {
        level: "high",
        risk: "the deploy token was revoked or deleted in GitLab: builds that read it from Secrets Manager fail until an apply makes a new one",
      };
    }
    if (type === "gitlab_project") return { level: "high", risk: "the GitLab project was deleted, or moved to another path, outside Terraform" };
    const removal = removalRisk(type, "delete");
    if (removal)
      return {
        level: removal.level,
        risk: `${removal.message.replace(/ is (deleted|scheduled for deletion)/, " was deleted outside Terraform")}; the next apply creates it again`,
      };
    return { level: "medium", risk: "deleted outside Terraform; the next apply creates it again" };
  }
  if (type === "aws_codepipeline" && attributes.includes("stage")) {
    const [before, after] = [sourceOf(change?.before), sourceOf(change?.after)];
    const source = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();
    if (source.length > 0) {
      return {
        level: "high",
        risk: `the pipeline's source was edited in the console or API (${source.map((k) => `\`${k}\``).join(", ")}): it may build another repository or branch; the next apply puts the declared source back`,
      };
    }
    return { level: "high", risk: "the pipeline's stages were edited outside Terraform; the next apply puts the declared ones back" };
  }
  const policy = POLICY_ATTRIBUTES[type];
  if (policy && attributes.includes(policy)) {
    return { level: "high", risk: `its policy (\`${policy}\`) was edited outside Terraform: what it allows now is not what was reviewed` };
  }
  if (type === "aws_s3_bucket_public_access_block") return { level: "high", risk: "the bucket's public-access block was changed outside Terraform" };
  if (type === "aws_codeconnections_connection" && attributes.includes("connection_status")) {
    return { level: "high", risk: "the connection's status changed (e.g. its authorization was revoked in GitLab): pipelines on it stop" };
  }
  return undefined;
}

/** The configuration of the source action (category Source) of a pipeline, by key. */
function sourceOf(pipeline: Json | undefined): Record<string, unknown> {
  for (const stage of pipeline?.stage ?? []) {
    for (const action of stage?.action ?? []) if (action?.category === "Source") return action.configuration ?? {};
  }
  return {};
}

/** Top-level attribute names whose value differs between the state and the refreshed object. */
function differing(change: Json | undefined): string[] {
  const before = change?.before ?? {};
  const after = change?.after ?? {};
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export interface DriftMarkdownOptions {
  /** The stack's name. @default "Terraform" */
  readonly title?: string;
  /** Objects listed per side before "and N more". @default 50 */
  readonly maxPerSide?: number;
}

/** The drift issue's body: counts, risks, then each side's objects with what differs. */
export function driftMarkdown(plan: Json, options: DriftMarkdownOptions = {}): string {
  const max = options.maxPerSide ?? 50;
  const drift = driftOf(plan);
  const lines = [`### Drift: ${options.title ?? "Terraform"}`, ""];
  if (drift.length === 0) {
    lines.push("No drift: every object in the state is as Terraform left it.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(`**${drift.length} object${drift.length > 1 ? "s" : ""} changed outside Terraform** (a refresh-only plan; this job changed nothing)`, "");
  const risky = drift.filter((d) => d.level);
  if (risky.length > 0) {
    lines.push(`#### ⚠️ ${risky.length} risky`, "");
    for (const level of ["high", "medium"] as Level[]) {
      const mine = risky.filter((d) => d.level === level);
      for (const d of mine.slice(0, max)) lines.push(`- **${level}** \`${d.address}\`: ${d.risk}`);
      if (mine.length > max) lines.push(`- … and ${mine.length - max} more ${level}-risk objects`);
    }
    lines.push("");
  }
  for (const side of ["GitLab", "AWS", "Other"] as Side[]) {
    const mine = drift.filter((d) => d.side === side);
    if (mine.length === 0) continue;
    lines.push(`#### ${side} (${mine.length})`, "");
    for (const d of mine.slice(0, max)) {
      const what = d.action === "delete" ? "gone" : d.attributes.length > 0 ? `changed: ${d.attributes.map((a) => `\`${a}\``).join(", ")}` : "changed";
      lines.push(`- \`${d.address}\`: ${what}`);
    }
    if (mine.length > max) lines.push(`- … and ${mine.length - max} more`);
    lines.push("");
  }
  lines.push(
    "To undo it, apply the configuration again (the merge-request plan shows what that puts back). To keep it, change the configuration to match, " +
      "or accept the new values into the state with `terraform apply -refresh-only`.",
    "",
  );
  return `${lines.join("\n")}\n`;
}
