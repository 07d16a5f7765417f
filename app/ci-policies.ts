import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeliveryConfig } from "../config/schema";
import { CI_POLICY_FOLDER } from "../modules/oidc/gitlab-ci-oidc";
import { ciPolicyFiles, CiPolicyError } from "../report/ci-policies";
import { sharedStackName } from "../stacks/shared-stack";
import { UserError } from "./errors";

/**
 * With ci.oidc, writes the CI roles' policy documents beside the shared stack
 * (`stacks/<name>-shared/ci-policies/*.json`), computed from every synthesized stack in
 * `tree`: only once all of them exist, so after the worker processes of a large fleet.
 */
export function writeCiPolicies(config: DeliveryConfig, tree: string, names: readonly string[]): void {
  if (!config.ci?.oidc) return;
  const stacks = names.map((n) => JSON.parse(readFileSync(join(tree, "stacks", n, "cdk.tf.json"), "utf8")));
  let files: Record<string, string>;
  try {
    files = ciPolicyFiles(config, stacks);
  } catch (e) {
    if (e instanceof CiPolicyError) throw new UserError(e.message);
    throw e;
  }
  const folder = join(tree, "stacks", sharedStackName(config), CI_POLICY_FOLDER);
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
}
