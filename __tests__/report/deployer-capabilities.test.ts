import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { deployerPolicy, PolicyStatement } from "../../report/deployer-policy";
import { synthesizeConfig } from "../../app/synth-tree";
import { config } from "../helpers";

const ACCOUNT = "123456789012";

function examplePolicy(name: string): Record<string, PolicyStatement> {
  const c = config(parse(readFileSync(join(__dirname, "..", "..", "examples", `${name}.yaml`), "utf8")));
  const outdir = mkdtempSync(join(tmpdir(), "deployer-"));
  try {
    const stacks = synthesizeConfig(c, outdir).map((s) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")));
    return Object.fromEntries(deployerPolicy(c, stacks, ACCOUNT).Statement.map((s) => [s.Sid, s]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("deployer policy for runners and Git sync", () => {
  test("Git sync: the link and sync configuration APIs on repository links, its sync roles passed to the Git sync service only", () => {
    const p = examplePolicy("git-sync");
    expect(p.GitSyncLinks.Resource).toEqual([
      "arn:aws:codeconnections:eu-west-1:123456789012:repository-link/*",
      "arn:aws:codestar-connections:eu-west-1:123456789012:repository-link/*",
    ]);
    expect(p.PassGitSyncRoles).toEqual({
      Sid: "PassGitSyncRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [
        "arn:aws:iam::123456789012:role/acme-platform-shared-infra-shared-network-git-sync",
        "arn:aws:iam::123456789012:role/acme-platform-shared-infra-shared-queues-git-sync",
      ],
      Condition: { StringEquals: { "iam:PassedToService": ["cloudformation.sync.codeconnections.amazonaws.com"] } },
    });
    expect(examplePolicy("environments").GitSyncLinks).toBeUndefined();
  });

  test("a runner in a VPC adds only the EC2 Describe calls CodeBuild makes as the caller; no wildcard action anywhere", () => {
    const runners = examplePolicy("gitlab-runners");
    expect(runners.BuildVpcDescribe.Action).toEqual(["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]);
    for (const policy of [runners, examplePolicy("git-sync"), examplePolicy("safe-release")]) {
      for (const s of Object.values(policy)) for (const a of s.Action) expect([s.Sid, a]).toEqual([s.Sid, expect.not.stringContaining("*")]);
    }
  });
});
