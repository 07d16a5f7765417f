import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { Construct } from "constructs";
import { awsName } from "../core/rules/aws-name";
import { StackEnv } from "../core/stack-env";
import { ConnectionGate } from "../connection/connection-gate";
import { IGitlabConnection } from "../connection/gitlab-connection";
import { IArtifactStore } from "../artifact-store/artifact-store";
import { ServiceRole } from "../iam/service-role";

/** The webhook event a CodeBuild-hosted GitLab runner takes: a CI job is queued. */
export const RUNNER_EVENT = "WORKFLOW_JOB_QUEUED";
/** First words of a runner project's description (policy rules find runner projects by it). */
export const RUNNER_PURPOSE = "CodeBuild-hosted GitLab runner";
/** The source location CodeBuild requires for a group (scoped) webhook. */
export const GROUP_WEBHOOK_LOCATION = "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION";

/** What the runner serves: one GitLab project, or every project of a group (GITLAB_GROUP scope). */
export type RunnerScope =
  | { readonly project: { readonly fullRepositoryId: string; readonly cloneUrl: string } }
  | {
      readonly group: {
        readonly path: string;
        /** The instance URL (`https://gitlab.example.com`); CodeBuild needs it for GITLAB_SELF_MANAGED. */
        readonly domain?: string;
      };
    };

export interface RunnerPermission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

export interface GitlabRunnerProps {
  /** CodeBuild project name: the `codebuild-<name>-…` job tag names it. */
  readonly name: string;
  readonly connection: IGitlabConnection;
  /** The project and its webhook are made on GitLab through the connection: they wait for its first handshake. */
  readonly gate: ConnectionGate;
  readonly scope: RunnerScope;
  readonly serverType: "GITLAB" | "GITLAB_SELF_MANAGED";
  /** @default "BUILD_GENERAL1_SMALL" */
  readonly computeType?: string;
  /** @default "LINUX_CONTAINER" */
  readonly environmentType?: "LINUX_CONTAINER" | "ARM_CONTAINER";
  /** @default "aws/codebuild/amazonlinux-x86_64-standard:5.0" */
  readonly image?: string;
  /** @default - the account's concurrent build limit */
  readonly concurrency?: number;
  /** @default 60 */
  readonly timeoutMinutes?: number;
  /** Private subnets the jobs run in. @default - CodeBuild's own network */
  readonly vpc?: { readonly vpcId: string; readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
  /** What the jobs may do in AWS: named actions on named ARNs. @default - nothing beyond their logs */
  readonly permissions?: readonly RunnerPermission[];
  /** Its KMS key encrypts what the builds write (the stack's customer-managed key, policy rule GAD-CB-1). */
  readonly artifactStore: Pick<IArtifactStore, "keyArn" | "grantKeyUse">;
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
}

/**
 * A CodeBuild-hosted GitLab runner: a CodeBuild project whose source is the GitLab project
 * (or group) through the connection, and a webhook that starts a build for each queued CI
 * job; a job runs there when its `tags` name the project. The role the jobs run as gets
 * their logs, the connection, and only the permissions given.
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/gitlab-runner.html
 */
export class GitlabRunner extends Construct {
  readonly project: CodebuildProject;
  readonly webhook: CodebuildWebhook;
  readonly role: ServiceRole;
  /** The tag a `.gitlab-ci.yml` job lists to run here (GitLab expands the variables). */
  readonly jobTag: string;

  constructor(scope: Construct, id: string, props: GitlabRunnerProps) {
    super(scope, id);
    const bad = (props.permissions ?? []).flatMap((p) => p.actions).find((a) => a.includes("*"));
    if (bad !== undefined) throw new Error(`${this.node.path}: permission action ${JSON.stringify(bad)} is a wildcard; name each action the jobs need`);
    this.jobTag = `codebuild-${props.name}-$CI_PROJECT_ID-$CI_PIPELINE_IID-$CI_JOB_NAME`;
    this.role = new ServiceRole(this, "Role", {
      name: awsName(props.name, "runner", 64),
      service: "codebuild.amazonaws.com",
      tags: props.tags,
    });
    const logs = new CloudwatchLogGroup(this, "Logs", {
      name: `/aws/codebuild/${props.name}`,
      retentionInDays: props.logRetentionDays ?? 90,
      tags: props.tags,
    });
    const group = "group" in props.scope ? props.scope.group : undefined;
    const project = "project" in props.scope ? props.scope.project : undefined;
    this.project = new CodebuildProject(this, "Resource", {
      name: props.name,
      description: `${RUNNER_PURPOSE} for ${group ? `the group ${group.path}` : project!.fullRepositoryId}`,
      serviceRole: this.role.arn,
      encryptionKey: props.artifactStore.keyArn,
      buildTimeout: props.timeoutMinutes ?? 60,
      concurrentBuildLimit: props.concurrency,
      artifacts: { type: "NO_ARTIFACTS" },
      source: {
        type: props.serverType,
        location: group ? GROUP_WEBHOOK_LOCATION : project!.cloneUrl,
        auth: { type: "CODECONNECTIONS", resource: props.connection.arn },
      },
      environment: {
        type: props.environmentType ?? "LINUX_CONTAINER",
        image: props.image ?? "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        computeType: props.computeType ?? "BUILD_GENERAL1_SMALL",
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: false,
      },
      vpcConfig: props.vpc ? { vpcId: props.vpc.vpcId, subnets: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] } : undefined,
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logs.name } },
      tags: props.tags,
      count: props.gate.count,
    });
    this.webhook = new CodebuildWebhook(this, "Webhook", {
      // By name: the project is counted, and both share the gate's count.
      projectName: props.name,
      dependsOn: [this.project],
      buildType: "BUILD",
      filterGroup: [{ filter: [{ type: "EVENT", pattern: RUNNER_EVENT }] }],
      scopeConfiguration: group
        ? { name: group.path, scope: "GITLAB_GROUP", domain: props.serverType === "GITLAB_SELF_MANAGED" ? group.domain : undefined }
        : undefined,
      count: props.gate.count,
    });

    this.role.addGrant({ sid: "WriteLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logs.arn}:*`] });
    props.artifactStore.grantKeyUse(this.role);
    props.connection.grantToken(this.role);
    if (project) props.connection.grantUse(this.role, project.fullRepositoryId);
    else grantGroupUse(this.role, props.connection.arn, group!.path);
    if (props.vpc) grantVpcAccess(this.role, StackEnv.of(this), props.vpc);
    (props.permissions ?? []).forEach((p, i) => {
      this.role.addGrant({ sid: `Jobs${i + 1}`, actions: [...p.actions].sort(), resources: [...p.resources] });
    });
  }
}

/** UseConnection for the repositories under one group (FullRepositoryId `group/...`). */
function grantGroupUse(role: ServiceRole, connectionArn: string, group: string): void {
  for (const prefix of ["codeconnections", "codestar-connections"]) {
    role.addGrant({
      sid: prefix === "codeconnections" ? "UseConnectionGroup" : "UseConnectionGroupLegacyPrefix",
      actions: [`${prefix}:UseConnection`],
      resources: [connectionArn],
      conditions: [{ test: "StringLike", variable: `${prefix}:FullRepositoryId`, values: [`${group}/*`] }],
    });
  }
}

/**
 * What CodeBuild needs to place a build in the VPC: network interfaces in the named subnets
 * only. The Describe calls take no resource ARN (policy rule GAD-IAM-2 lists them).
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface
 */
function grantVpcAccess(role: ServiceRole, env: StackEnv, vpc: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] }): void {
  const subnets = vpc.subnetIds.map((s) => env.arn("ec2", `subnet/${s}`));
  const ec2 = (resource: string) => env.arn("ec2", resource);
  role.addGrant({
    sid: "DescribeNetwork",
    actions: ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
    resources: ["*"],
  });
  role.addGrant({
    sid: "BuildNetworkInterfaces",
    actions: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
    resources: [ec2("network-interface/*"), ...subnets, ...vpc.securityGroupIds.map((g) => ec2(`security-group/${g}`))],
  });
  role.addGrant({
    sid: "BuildNetworkInterfacePermission",
    actions: ["ec2:CreateNetworkInterfacePermission"],
    resources: [ec2("network-interface/*")],
    conditions: [
      { test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] },
      { test: "ArnEquals", variable: "ec2:Subnet", values: subnets },
    ],
  });
}
