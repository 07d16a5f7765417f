/*
 * `gitlab-aws-delivery deployer-policy`: the IAM policy that the identity running plan and
 * apply for a configuration needs, from the stacks it synthesizes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../config/load";
import { deployerPolicy } from "../report/deployer-policy";
import { synthesizeConfig } from "../app/synth-tree";

/** `account` is a 12-digit AWS account id, or "*" for any account. */
export function deployerPolicyFor(configFile: string, account: string): ReturnType<typeof deployerPolicy> {
  const { config } = loadConfigFile(configFile);
  const outdir = mkdtempSync(join(tmpdir(), "deployer-policy-"));
  try {
    const stacks = synthesizeConfig(config, outdir).map((s) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")));
    return deployerPolicy(config, stacks, account);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
