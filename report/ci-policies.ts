/*
 * The policies of the CI roles (ci.oidc): the apply role gets the deployer policy of the
 * config (report/deployer-policy.ts), less the right to touch the CI roles and their
 * policies themselves (a role that may rewrite its own policy may do anything: those change
 * only by an administrator's apply of the shared stack); the plan role gets the read part of
 * it. Each is cut into documents that fit one IAM managed policy (6,144 characters), which
 * the shared stack reads with templatefile (the account id is filled in there).
 */
import type { DeliveryConfig } from "../config/schema";
import { ciIdentities } from "./deployer-extras";
import { deployerPolicy } from "./deployer-policy";
import { PolicyStatement } from "./policy-statement";
import { Json } from "./synthesized";

/** IAM's limit for one managed policy document, white space not counted. */
export const MANAGED_POLICY_MAX = 6144;
/** Filled in by the shared stack's templatefile call. */
export const ACCOUNT_PLACEHOLDER = "${account_id}";

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

/** Reading actions a plan's refresh needs; nothing that writes, nor hands out a credential. */
const READ = /^[a-z0-9-]+:(Describe|Get|List|BatchGet)[A-Za-z]*$/;
const NOT_FOR_PLANS = new Set([
  // The console handshake and CodeBuild's connection token hand out GitLab access.
  "codeconnections:GetIndividualAccessToken",
  "codeconnections:GetInstallationUrl",
  "codeconnections:GetConnectionToken",
  "codestar-connections:GetIndividualAccessToken",
  "codestar-connections:GetInstallationUrl",
  "codestar-connections:GetConnectionToken",
]);

export class CiPolicyError extends Error {}

export function ciPolicyDocuments(config: DeliveryConfig, stacks: readonly Json[]): { plan: PolicyDocument[]; apply: PolicyDocument[] } {
  const oidc = config.ci?.oidc;
  if (!oidc) return { plan: [], apply: [] };
  const { roles, policies } = ciIdentities(stacks, ACCOUNT_PLACEHOLDER);
  const ci = new Set([...roles, ...policies]);
  const statements = deployerPolicy(config, stacks, ACCOUNT_PLACEHOLDER)
    // The console handshake is a person's job, never CI's.
    .Statement.filter((s) => !s.Sid.startsWith("CiOidc") && s.Sid !== "ConnectionHandshakeInConsole")
    .map((s) => ({ ...s, Resource: s.Resource.filter((r) => !ci.has(r)) }))
    .filter((s) => s.Resource.length > 0)
    // A policy document is a template: anything but the account placeholder stays literal.
    .map(
      (s) =>
        JSON.parse(
          JSON.stringify(s)
            .replace(/\$\{(?!account_id\})/g, "$${")
            .replace(/%\{/g, "%%{"),
        ) as PolicyStatement,
    );
  const reads = statements.map((s) => ({ ...s, Action: s.Action.filter((a) => READ.test(a) && !NOT_FOR_PLANS.has(a)) })).filter((s) => s.Action.length > 0);
  const apply = pack(statements);
  if (apply.length > oidc.maxApplyPolicies) {
    throw new CiPolicyError(
      `ci.oidc: the apply role needs ${apply.length} managed policies for this config (each holds ${MANAGED_POLICY_MAX} characters), ` +
        `more than ci.oidc.maxApplyPolicies (${oidc.maxApplyPolicies}); ask AWS to raise the "managed policies per role" quota (up to 20) ` +
        `and set ci.oidc.maxApplyPolicies to it, or split the projects over several configs`,
    );
  }
  return { plan: pack(reads), apply };
}

/** Statements packed in order into documents of at most MANAGED_POLICY_MAX characters; a statement too big alone is split by resources. */
export function pack(statements: readonly PolicyStatement[]): PolicyDocument[] {
  const docs: PolicyStatement[][] = [[]];
  const size = (list: PolicyStatement[]) => JSON.stringify({ Version: "2012-10-17", Statement: list }).length;
  for (const statement of statements.flatMap(split)) {
    const current = docs[docs.length - 1];
    if (current.length > 0 && size([...current, statement]) > MANAGED_POLICY_MAX) docs.push([statement]);
    else current.push(statement);
  }
  return docs.filter((d) => d.length > 0).map((Statement) => ({ Version: "2012-10-17", Statement }));
}

function split(statement: PolicyStatement): PolicyStatement[] {
  const fits = (s: PolicyStatement) => JSON.stringify({ Version: "2012-10-17", Statement: [s] }).length <= MANAGED_POLICY_MAX;
  if (fits(statement) || statement.Resource.length < 2) return [statement];
  const parts: PolicyStatement[] = [];
  let resources: string[] = [];
  for (const r of statement.Resource) {
    const candidate = { ...statement, Sid: `${statement.Sid}${parts.length + 1}`, Resource: [...resources, r] };
    if (resources.length > 0 && !fits(candidate)) {
      parts.push({ ...statement, Sid: `${statement.Sid}${parts.length + 1}`, Resource: resources });
      resources = [r];
    } else resources.push(r);
  }
  parts.push({ ...statement, Sid: `${statement.Sid}${parts.length + 1}`, Resource: resources });
  return parts;
}

/** The files the shared stack reads, by name (`plan-1.json`, `apply-1.json`, …), pretty-printed for review. */
export function ciPolicyFiles(config: DeliveryConfig, stacks: readonly Json[]): Record<string, string> {
  const { plan, apply } = ciPolicyDocuments(config, stacks);
  const files: Record<string, string> = {};
  plan.forEach((d, i) => (files[`plan-${i + 1}.json`] = `${JSON.stringify(d, null, 2)}\n`));
  apply.forEach((d, i) => (files[`apply-${i + 1}.json`] = `${JSON.stringify(d, null, 2)}\n`));
  return files;
}
