/*
 * Deployer statements for runners in a VPC and CloudFormation Git sync (issue 16): each
 * appears only when the synthesized stacks contain it.
 */
import { GIT_SYNC_SERVICE } from "../modules/git-sync/git-sync";
import type { PolicyStatement } from "./policy-statement";
import { all, Json, literal, referenced } from "./synthesized";

const syncStacks = (stack: Json): Json[] =>
  Object.values<Json>(stack.resource?.aws_cloudformation_stack ?? {}).filter((s) =>
    String(s.template_body ?? "").includes("AWS::CodeStarConnections::SyncConfiguration"),
  );

/** The roles the Git sync stacks hand their sync configurations: roles of the same stack, by name. */
function syncRoleArns(stacks: readonly Json[], account: string): string[] {
  const names = stacks.flatMap((stack) =>
    syncStacks(stack).flatMap((s) => Object.values<unknown>(s.parameters ?? {}).map((v) => referenced(stack, v, "aws_iam_role", "arn")?.name)),
  );
  return [...new Set(names.filter(literal))].sort().map((n) => `arn:aws:iam::${account}:role/${n}`);
}

export function capabilityStatements(stacks: readonly Json[], arn: (service: string, resource: string) => string, account: string): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  if (all(stacks, "aws_codebuild_project").some((p) => p.vpc_config)) {
    // CodeBuild checks a project's VPC, subnets and security groups as the caller.
    out.push({
      Sid: "BuildVpcDescribe",
      Effect: "Allow",
      Action: ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
      // EC2 Describe actions take no resource ARN.
      Resource: ["*"],
    });
  }
  if (stacks.some((s) => syncStacks(s).length > 0)) {
    // The Git sync stack runs as the deployer: CloudFormation's handlers for the repository
    // link and sync configurations call CodeConnections (under both prefixes) with its rights.
    const links = [arn("codeconnections", "repository-link/*"), arn("codestar-connections", "repository-link/*")];
    out.push({
      Sid: "GitSyncLinks",
      Effect: "Allow",
      Action: [
        "codeconnections:CreateRepositoryLink",
        "codeconnections:CreateSyncConfiguration",
        "codeconnections:DeleteRepositoryLink",
        "codeconnections:DeleteSyncConfiguration",
        "codeconnections:GetRepositoryLink",
        "codeconnections:GetSyncConfiguration",
        "codeconnections:ListTagsForResource",
        "codeconnections:TagResource",
        "codeconnections:UpdateRepositoryLink",
        "codeconnections:UpdateSyncConfiguration",
        "codestar-connections:CreateRepositoryLink",
        "codestar-connections:CreateSyncConfiguration",
        "codestar-connections:DeleteRepositoryLink",
        "codestar-connections:DeleteSyncConfiguration",
        "codestar-connections:GetRepositoryLink",
        "codestar-connections:GetSyncConfiguration",
        "codestar-connections:UpdateRepositoryLink",
        "codestar-connections:UpdateSyncConfiguration",
      ],
      Resource: links,
    });
    out.push({
      Sid: "GitSyncUseConnection",
      Effect: "Allow",
      Action: ["codeconnections:UseConnection", "codestar-connections:UseConnection"],
      Resource: [arn("codeconnections", "connection/*"), arn("codestar-connections", "connection/*")],
    });
    out.push({
      Sid: "PassGitSyncRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: syncRoleArns(stacks, account),
      Condition: { StringEquals: { "iam:PassedToService": [GIT_SYNC_SERVICE] } },
    });
  }
  return out;
}
