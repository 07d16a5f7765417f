import { codebuildRules } from "./rules/codebuild";
import { encryptionRules } from "./rules/encryption";
import { iamRules } from "./rules/iam";
import { gitSyncRules } from "./rules/git-sync";
import { lifecycleRules } from "./rules/lifecycle";
import { runnerRules } from "./rules/runners";
import { s3Rules } from "./rules/s3";
import { secretRules } from "./rules/secrets";
import { Finding, Rule, StackJson } from "./types";

export type { Finding, Rule, StackJson } from "./types";

export const RULES: readonly Rule[] = [
  ...encryptionRules,
  ...codebuildRules,
  ...s3Rules,
  ...iamRules,
  ...secretRules,
  ...lifecycleRules,
  ...runnerRules,
  ...gitSyncRules,
];

/** Every finding of every rule on one synthesized stack, in rule order. */
export function checkStack(stack: StackJson, rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((rule) => rule.check(stack));
}

export function formatFinding(f: Finding): string {
  return `${f.rule} ${f.address}: ${f.message}; fix: ${f.fix}`;
}
