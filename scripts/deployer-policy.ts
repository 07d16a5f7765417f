/*
 * `gitlab-aws-delivery deployer-policy`: the IAM policy that the identity running plan and
 * apply for a configuration needs, from the stacks it synthesizes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../config/load";
import { doctorStatements } from "../doctor/policy";
import { deployerPolicy } from "../report/deployer-policy";
import { names } from "../report/synthesized";
import { synthesizeConfig } from "../app/synth-tree";

/**
 * `account` is a 12-digit AWS account id, or "*" for any account; `withDoctor` adds the
 * read-only statements `doctor` needs, so one identity can deploy and diagnose.
 */
export function deployerPolicyFor(configFile: string, account: string, withDoctor = false): ReturnType<typeof deployerPolicy> {
  const { config } = loadConfigFile(configFile);
  const outdir = mkdtempSync(join(tmpdir(), "deployer-policy-"));
  try {
    const stacks = synthesizeConfig(config, outdir).map((s) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")));
    const policy = deployerPolicy(config, stacks, account);
    if (!withDoctor) return policy;
    const doctor = doctorStatements({
      region: config.aws.region,
      account,
      pipelines: names(stacks, "aws_codepipeline", "name"),
      buildProjects: names(stacks, "aws_codebuild_project", "name"),
    });
    return { ...policy, Statement: [...policy.Statement, ...doctor.map((s) => ({ ...s, Action: [...s.Action], Resource: [...s.Resource] }))] };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
