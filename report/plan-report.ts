/*
 * Reads a `terraform show -json` plan and writes what a merge-request reviewer needs: the
 * GitLab terraform report (counts for the MR widget) and a Markdown summary that groups
 * changes by side and action and names the risky ones in plain words. Values are never
 * printed (the plan holds sensitive values in clear), only addresses and action names.
 */
import { GUARDED_TYPES } from "../policy/rules/lifecycle";
import { capabilityRisks } from "./capability-risks";
import { moveHeadline, movesOf, moveWhy, MOVE_WORDS, type MoveDirection } from "./moves";

type Json = Record<string, any>;

export interface GitlabTerraformReport {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

/**
 * GitLab's documented conversion: flatten every `change.actions` and count the strings
 * "create", "update", "delete" (a replacement counts one create and one delete; read,
 * no-op and forget are not counted). GitLab caps each count at 999,999.
 */
export function gitlabReport(plan: Json): GitlabTerraformReport {
  const actions: string[] = (plan.resource_changes ?? []).flatMap((c: Json) => c?.change?.actions ?? []);
  const count = (a: string) => Math.min(999_999, actions.filter((x) => x === a).length);
  return { create: count("create"), update: count("update"), delete: count("delete") };
}

export type Action = "create" | "update" | "replace" | "delete" | "read" | "forget" | "no-op";
export type Side = "GitLab" | "AWS" | "Other";
export type Level = "high" | "medium";

export interface Change {
  readonly address: string;
  readonly type: string;
  readonly side: Side;
  readonly action: Action;
  /** Why it is planned, in a few words (see whyOf). */
  readonly why?: string;
  /** Part of a project's move between stacks (report/moves.ts): forgotten here, or imported here. */
  readonly move?: MoveDirection;
}

export interface Risk {
  readonly level: Level;
  readonly address: string;
  readonly message: string;
}

export function classify(actions: readonly string[]): Action {
  const key = actions.join(",");
  if (key === "delete,create" || key === "create,delete") return "replace";
  if (key === "create" || key === "update" || key === "delete" || key === "read" || key === "forget") return key;
  if (key.includes("forget")) return "forget";
  return "no-op";
}

export function sideOf(change: Json): Side {
  const provider = String(change.provider_name ?? "");
  const type = String(change.type ?? "");
  if (/gitlabhq\/gitlab$/.test(provider) || type.startsWith("gitlab_")) return "GitLab";
  if (/hashicorp\/aws$/.test(provider) || type.startsWith("aws_")) return "AWS";
  return "Other";
}

export function changesOf(plan: Json): Change[] {
  const moves = movesOf(plan);
  return (plan.resource_changes ?? []).map((c: Json) => ({
    address: String(c.address),
    type: String(c.type),
    side: sideOf(c),
    action: classify(c.change?.actions ?? []),
    ...(moves.has(String(c.address)) ? { why: moveWhy(c, whyOf(c)), move: moves.get(String(c.address)) } : { why: whyOf(c) }),
  }));
}

const CONNECTION_TYPES = ["aws_codeconnections_connection", "aws_codeconnections_host", "aws_codestarconnections_connection", "aws_codestarconnections_host"];
const TOKEN_TYPES = ["gitlab_project_deploy_token", "gitlab_deploy_token", "gitlab_group_deploy_token", "gitlab_project_access_token"];
const POLICY_TYPES: Record<string, string> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_group_policy: "policy",
  aws_iam_user_policy: "policy",
};

/** The risky changes, in words a reviewer understands. */
export function risksOf(plan: Json): Risk[] {
  const risks: Risk[] = [];
  // A token replaced while no secret version changes: builds keep reading the revoked token.
  const secretUpdated = (plan.resource_changes ?? []).some(
    (c: Json) => c.type === "aws_secretsmanager_secret_version" && classify(c.change?.actions ?? []) !== "no-op",
  );
  const moves = movesOf(plan);
  for (const c of plan.resource_changes ?? []) {
    const action = classify(c.change?.actions ?? []);
    const address = String(c.address);
    const type = String(c.type);
    const removes = action === "delete" || action === "replace";
    const removal = removalRisk(type, action, secretUpdated);
    if (removes && removal) {
      // Terraform refuses to plan the destruction of a prevent_destroy resource, so a plan
      // that removes one means its guard was lifted or it left the configuration.
      const guarded = GUARDED_TYPES.includes(type)
        ? "; this tool guards it with prevent_destroy, so the guard was lifted or it left the configuration: make sure that is intended"
        : "";
      risks.push({ level: removal.level, address, message: `${removal.message}${guarded}` });
    }
    risks.push(...capabilityRisks(c, action));
    const wide = accountWideRisk(type, action, c.change);
    if (wide) risks.push({ level: "medium", address, message: wide });
    if (action === "forget" && moves.get(address) !== "out") {
      risks.push({
        level: "medium",
        address,
        message: "leaves this stack's management without being destroyed: it stays in the account, unmanaged (delete it there on purpose if nothing uses it)",
      });
    }
    const attr = POLICY_TYPES[type] ?? (type === "aws_kms_key" ? "policy" : undefined);
    const writes = action === "create" || action === "update" || action === "replace";
    if (attr && writes && isUnknown(c.change?.after_unknown?.[attr])) {
      risks.push({ level: "high", address, message: "a policy document is known only at apply: this plan cannot show what it allows; review it after apply" });
    }
    if (attr && writes) {
      const notAction = allowNotAction(c.change?.after?.[attr], c.change?.after_sensitive?.[attr]);
      if (notAction) risks.push({ level: "high", address, message: "a policy has an Allow with NotAction: it allows every action but the listed ones" });
    }
    if (type === "aws_kms_key" && action === "update") {
      const opened = openedPrincipals(c.change?.before?.policy, c.change?.after?.policy);
      if (opened.length > 0)
        risks.push({ level: "high", address, message: `a KMS key policy now lets ${opened.map((p) => `\`${p}\``).join(", ")} use the key` });
    }
    if (POLICY_TYPES[type] && writes) {
      const gained = wildcardActions(c.change?.after?.[attr], c.change?.after_sensitive?.[attr]).filter(
        (a) => !wildcardActions(c.change?.before?.[attr], c.change?.before_sensitive?.[attr]).includes(a),
      );
      if (gained.length > 0) {
        risks.push({
          level: "high",
          address,
          message: `an IAM policy gains the wildcard action${gained.length > 1 ? "s" : ""} ${gained.map((a) => `\`${a}\``).join(", ")}`,
        });
      }
    }
  }
  return risks;
}

/**
 * CodeBuild keeps one source credential per server type for the whole account and region:
 * the shared stack adds it with the first merge-request CI project and removes it with the
 * last, and every CodeBuild project of the account reading that kind of GitLab uses it.
 */
function accountWideRisk(type: string, action: Action, change: Json | undefined): string | undefined {
  if (type !== "aws_codebuild_source_credential" || !["create", "delete", "replace", "update"].includes(action)) return undefined;
  const server = String(change?.after?.server_type ?? change?.before?.server_type ?? "GitLab");
  const done = { create: "created", delete: "deleted", replace: "replaced", update: "updated" }[action as "create" | "delete" | "replace" | "update"];
  return (
    `the account-wide CodeBuild source credential for ${server} is ${done}: CodeBuild keeps one per server type for the whole account and ` +
    `region, and every CodeBuild project there that reads ${server} without its own source auth uses it, not only this tool's`
  );
}

const isUnknown = (u: unknown) => u === true;

/** Whether a policy JSON has an Allow statement with NotAction. */
function allowNotAction(policy: unknown, sensitive: unknown): boolean {
  if (typeof policy !== "string" || sensitive === true) return false;
  try {
    const doc = JSON.parse(policy);
    return [doc.Statement].flat().some((st: Json) => st && (st.Effect ?? "Allow") === "Allow" && st.NotAction !== undefined);
  } catch {
    return false;
  }
}

/** AWS principals allowed by the new key policy and not by the old one. */
function openedPrincipals(before: unknown, after: unknown): string[] {
  const principals = (policy: unknown): Set<string> => {
    if (typeof policy !== "string") return new Set();
    try {
      const doc = JSON.parse(policy);
      return new Set(
        [doc.Statement]
          .flat()
          .filter((st: Json) => st && (st.Effect ?? "Allow") === "Allow")
          .flatMap((st: Json) => (st.Principal === "*" ? ["*"] : [st.Principal?.AWS ?? [], st.Principal?.Service ?? []].flat()))
          .map(String),
      );
    } catch {
      return new Set();
    }
  };
  const old = principals(before);
  return [...principals(after)].filter((p) => !old.has(p)).sort();
}

/** What deleting or replacing a resource of this type costs, if it is one we watch. */
export function removalRisk(type: string, action: Action, secretUpdated = true): { level: Level; message: string } | undefined {
  const replaced = action === "replace";
  if (type === "aws_codepipeline") {
    return { level: "high", message: `a pipeline is ${replaced ? "replaced" : "deleted"}: its execution history is lost` };
  }
  if (type === "aws_s3_bucket_public_access_block" && !replaced) {
    return { level: "high", message: "a bucket's public-access block is removed: nothing stops a public bucket policy or ACL any more" };
  }
  if (type === "aws_s3_bucket_policy" && !replaced) {
    return { level: "high", message: "a bucket policy is removed: its TLS-only and cross-account rules go with it" };
  }
  if (type === "aws_secretsmanager_secret") {
    return { level: "high", message: `a secret is ${replaced ? "replaced" : "deleted"}: builds that read it fail (recoverable during its recovery window)` };
  }
  if (CONNECTION_TYPES.includes(type)) {
    const what = type.endsWith("_host") ? "host" : "connection";
    return {
      level: "high",
      message: `the GitLab ${what} is ${replaced ? "replaced" : "deleted"}: a person must complete a new console handshake, and every pipeline on it stops until then`,
    };
  }
  if (type === "aws_kms_key") {
    return {
      level: "high",
      message: `a KMS key is ${replaced ? "replaced" : "scheduled for deletion"}: artifacts and secrets encrypted with it become unreadable`,
    };
  }
  if (type === "aws_s3_bucket") {
    return { level: "high", message: `an S3 bucket is ${replaced ? "replaced" : "deleted"}: pipeline artifacts (the record of what was deployed) go with it` };
  }
  if (TOKEN_TYPES.includes(type)) {
    const what = type.includes("deploy_token") ? "deploy token" : "project access token";
    if (replaced && !secretUpdated) {
      return {
        level: "high",
        message: `a GitLab ${what} is replaced and no secret version changes in this plan: builds keep reading the revoked token`,
      };
    }
    return {
      level: "medium",
      message: `a GitLab ${what} is ${replaced ? "replaced (its expiry or scopes changed; GitLab cannot change a token): the new one is made first, builds read it from Secrets Manager, then the old one is revoked" : "deleted: builds that use it fail"}`,
    };
  }
  return undefined;
}

/** Allow actions containing `*` in a policy JSON string (never from a sensitive value). */
function wildcardActions(policy: unknown, sensitive: unknown): string[] {
  if (typeof policy !== "string" || sensitive === true) return [];
  try {
    const doc = JSON.parse(policy);
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return statements
      .filter((s: Json) => s && (s.Effect ?? "Allow") === "Allow")
      .flatMap((s: Json) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .filter((a: unknown): a is string => typeof a === "string" && a.includes("*"));
  } catch {
    return [];
  }
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: "cannot be updated in place",
  replace_because_tainted: "it is tainted",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by fired",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count or for_each was added or removed",
  delete_because_count_index: "count shrank",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "the target of its moved block is gone",
  read_because_config_unknown: "its arguments are known only at apply",
  read_because_dependency_pending: "a dependency changes first",
};

const path = (p: unknown[]) => p.map((x) => (typeof x === "number" ? `[${x}]` : String(x))).join(".");

/** In a few words, why a change is planned: the attribute that forces a replacement, the changed attribute names, terraform's reason. Never a value. */
export function whyOf(c: Json): string | undefined {
  const action = classify(c.change?.actions ?? []);
  const type = String(c.type ?? "");
  const forced: string[] = (c.change?.replace_paths ?? []).map((p: unknown[]) => path(p));
  const reason = c.action_reason ? REASONS[c.action_reason] : undefined;
  const words: string[] = [];
  if (action === "replace" && CONNECTION_TYPES.includes(type) && forced.includes("name")) words.push("renaming the connection forces a new one");
  else if (action === "replace" && TOKEN_TYPES.includes(type) && forced.includes("expires_at"))
    words.push("its expiry (`expires_at`) moved: GitLab cannot change a token");
  else if (forced.length > 0) words.push(`forced by ${forced.map((f) => `\`${f}\``).join(", ")}`);
  if (reason && !(action === "replace" && forced.length > 0 && c.action_reason === "replace_because_cannot_update")) words.push(reason);
  if (action === "update") {
    const changed = changedAttributes(c.change);
    if (changed.length > 0) words.push(`changes ${changed.map((a) => `\`${a}\``).join(", ")}`);
  }
  return words.length > 0 ? words.join("; ") : undefined;
}

/**
 * Whether an `after_unknown` mark holds an unknown value anywhere: terraform writes the shape of
 * every nested block (`[{}]`, `{"x": [false]}`) whether or not anything in it is unknown.
 */
function holdsUnknown(mark: unknown): boolean {
  if (mark === true) return true;
  if (Array.isArray(mark)) return mark.some(holdsUnknown);
  return mark !== null && typeof mark === "object" && Object.values(mark).some(holdsUnknown);
}

/** Top-level attribute names whose value differs or becomes known only at apply. */
function changedAttributes(change: Json | undefined): string[] {
  const before = change?.before ?? {};
  const after = change?.after ?? {};
  const unknown = change?.after_unknown ?? {};
  const names = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...names].filter((k) => k !== "tags_all" && (JSON.stringify(before[k]) !== JSON.stringify(after[k]) || holdsUnknown(unknown[k]))).sort();
}

export interface MarkdownOptions {
  /** Title line, e.g. the stack name. @default "Terraform plan" */
  readonly title?: string;
  /** Addresses listed per group before "and N more". @default 25 */
  readonly maxPerGroup?: number;
}

const ORDER: Action[] = ["replace", "delete", "create", "update", "read", "forget"];
const WORDS: Record<Action, string> = {
  replace: "replaced",
  delete: "deleted",
  create: "created",
  update: "updated in place",
  read: "read",
  forget: "forgotten (left in place, no longer managed)",
  "no-op": "unchanged",
};

export function markdownSummary(plan: Json, options: MarkdownOptions = {}): string {
  const max = options.maxPerGroup ?? 25;
  const changes = changesOf(plan).filter((c) => c.action !== "no-op" || c.move);
  const risks = risksOf(plan);
  const report = gitlabReport(plan);
  const lines = [`### ${options.title ?? "Terraform plan"}`, ""];
  const incomplete = incompleteReason(plan);
  if (incomplete) lines.push(`> **⛔ Do not apply: ${incomplete}.**`, "");
  lines.push(
    `**${report.create} to create, ${report.update} to update, ${report.delete} to delete** (GitLab's count: a replacement is one create and one delete)`,
    "",
  );
  const moved = moveHeadline(new Map(changes.filter((c) => c.move).map((c) => [c.address, c.move!])));
  if (moved) lines.push(moved, "");
  if (risks.length > 0) {
    lines.push(`#### ⚠️ ${risks.length} risky change${risks.length > 1 ? "s" : ""}`, "");
    for (const level of ["high", "medium"] as Level[]) {
      const mine = risks.filter((r) => r.level === level);
      for (const r of mine.slice(0, max)) lines.push(`- **${level}** \`${r.address}\`: ${r.message}`);
      if (mine.length > max) lines.push(`- … and ${mine.length - max} more ${level}-risk changes`);
    }
    lines.push("");
  } else {
    lines.push("No risky change found.", "");
  }
  const outputs = outputChangesOf(plan);
  if (changes.length === 0 && outputs.length === 0) {
    lines.push(incomplete ? "No resource changes in this partial plan." : "No changes.");
    return `${lines.join("\n")}\n`;
  }
  for (const side of ["GitLab", "AWS", "Other"] as Side[]) {
    const mine = changes.filter((c) => c.side === side);
    if (mine.length === 0) continue;
    lines.push(`#### ${side} (${mine.length})`, "");
    const groups: Array<[string, Change[]]> = [
      ...ORDER.map((action): [string, Change[]] => [WORDS[action], mine.filter((c) => c.action === action && !c.move)]),
      ...(["out", "in"] as MoveDirection[]).map((d): [string, Change[]] => [MOVE_WORDS[d], mine.filter((c) => c.move === d)]),
    ];
    for (const [words, group] of groups) {
      if (group.length === 0) continue;
      lines.push(`<details><summary>${group.length} ${words}</summary>`, "");
      for (const c of group.slice(0, max)) lines.push(c.why ? `- \`${c.address}\`: ${c.why}` : `- \`${c.address}\``);
      if (group.length > max) lines.push(`- … and ${group.length - max} more`);
      lines.push("", "</details>", "");
    }
  }
  if (outputs.length > 0) {
    // Names only: an output's value can be a secret.
    lines.push(`#### Outputs (${outputs.length})`, "");
    for (const action of ORDER) {
      const group = outputs.filter((o) => o.action === action);
      if (group.length > 0) lines.push(`- ${WORDS[action]}: ${group.map((o) => `\`${o.name}\``).join(", ")}`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/** `--fail-on`: high fails on high risks; medium on any risk; change on any counted change; an errored or incomplete plan fails them all. */
export function shouldFail(plan: Json, failOn: "none" | "high" | "medium" | "change"): boolean {
  if (failOn === "none") return false;
  // A plan terraform could not finish cannot be judged: it fails every gate.
  if (incompleteReason(plan)) return true;
  if (failOn === "change") {
    const r = gitlabReport(plan);
    return r.create + r.update + r.delete > 0;
  }
  const risks = risksOf(plan);
  return failOn === "high" ? risks.some((r) => r.level === "high") : risks.length > 0;
}

/** Refuses what is not a plan representation this reader understands. */
export function checkPlanFormat(plan: Json): string | undefined {
  if (!plan || typeof plan !== "object" || Array.isArray(plan)) return "is not a JSON object; give the output of `terraform show -json <planfile>`";
  const version = String(plan.format_version ?? "");
  if (!/^\d+\.\d+$/.test(version)) return "has no format_version; give the output of `terraform show -json <planfile>`";
  const major = Number(version.split(".")[0]);
  if (major > 1) return `has format_version ${version}, a major version this tool does not know; update gitlab-aws-delivery`;
  if (!("planned_values" in plan) && !("resource_changes" in plan)) {
    // `terraform show -json` without a plan file prints the state: reporting it would say "No changes".
    return "is not a plan but a state (it has no planned_values or resource_changes): run `terraform plan -out=plan.cache`, then `terraform show -json plan.cache`";
  }
  return undefined;
}

/** Why a plan must not be applied as it is, or undefined: terraform stopped while planning. */
export function incompleteReason(plan: Json): string | undefined {
  if (plan.errored === true)
    return "terraform stopped with an error while planning (errored): the changes below are only part of what it would do; fix the error and plan again";
  if (plan.complete === false) return "the plan is incomplete (complete: false, e.g. deferred changes): another plan and apply are needed after this one";
  return undefined;
}

/** Output changes by action, names only: values may be sensitive. */
function outputChangesOf(plan: Json): Array<{ name: string; action: Action }> {
  return Object.entries<Json>(plan.output_changes ?? {})
    .map(([name, c]) => ({ name, action: classify(c.actions ?? []) }))
    .filter((o) => o.action !== "no-op")
    .sort((a, b) => a.name.localeCompare(b.name));
}
