import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
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

/** One GitLab project a runner serves. */
export interface RunnerProject {
  /** The project's full path (`group/subgroup/project`), as UseConnection's FullRepositoryId condition sees it. */
  readonly fullRepositoryId: string;
  /** The project's HTTPS clone URL: the CodeBuild project's source location. */
  readonly cloneUrl: string;
}

/** A GitLab group whose projects (all of them, subgroups included) a runner serves. */
export interface RunnerGroup {
  /** The group's full path (`acme/platform`): the webhook's scope and the UseConnection condition's prefix. */
  readonly path: string;
  /**
   * The instance URL (`https://gitlab.example.com`); CodeBuild needs it for GITLAB_SELF_MANAGED.
   * @default - none: gitlab.com
   */
  readonly domain?: string;
}

/** What the runner serves: one GitLab project, or every project of a group (GITLAB_GROUP scope). */
export type RunnerScope = { readonly project: RunnerProject } | { readonly group: RunnerGroup };

/** Named actions on named resources that a runner's jobs may use (never `*` actions). */
export interface RunnerPermission {
  /** IAM actions, each named (`s3:PutObject`); a wildcard is refused. */
  readonly actions: readonly string[];
  /** ARNs the actions apply to. */
  readonly resources: readonly string[];
}

/** The private subnets a runner's jobs run in. */
export interface RunnerVpc {
  /** The VPC of the subnets. */
  readonly vpcId: string;
  /** Subnet ids (`subnet-…`): the jobs' network interfaces are made there, and only there. */
  readonly subnetIds: readonly string[];
  /** Security group ids (`sg-…`) of the jobs' network interfaces. */
  readonly securityGroupIds: readonly string[];
}

export interface GitlabRunnerProps {
  /** CodeBuild project name: the `codebuild-<name>-…` job tag names it. */
  readonly name: string;
  /** The connection the project reads GitLab through: one created here, or `GitlabConnection.fromArn`. */
  readonly connection: IGitlabConnection;
  /** The project and its webhook are made on GitLab through the connection: they wait for its first handshake. */
  readonly gate: ConnectionGate;
  /** The GitLab project, or the group, whose queued CI jobs the runner takes. */
  readonly scope: RunnerScope;
  /** GitLab's kind: gitlab.com (`GITLAB`) or an instance of your own (`GITLAB_SELF_MANAGED`, through a host). */
  readonly serverType: "GITLAB" | "GITLAB_SELF_MANAGED";
  /**
   * CodeBuild compute type of the jobs.
   * @default "BUILD_GENERAL1_SMALL"
   */
  readonly computeType?: string;
  /**
   * CodeBuild environment type: x86-64 or ARM containers.
   * @default "LINUX_CONTAINER"
   */
  readonly environmentType?: "LINUX_CONTAINER" | "ARM_CONTAINER";
  /**
   * The build image the jobs run in.
   * @default "aws/codebuild/amazonlinux-x86_64-standard:5.0"
   */
  readonly image?: string;
  /**
   * Jobs that may run at once.
   * @default - the account's concurrent build limit
   */
  readonly concurrency?: number;
  /**
   * Minutes a job may run before CodeBuild stops it.
   * @default 60
   */
  readonly timeoutMinutes?: number;
  /**
   * Private subnets the jobs run in.
   * @default - CodeBuild's own network
   */
  readonly vpc?: RunnerVpc;
  /**
   * What the jobs may do in AWS: named actions on named ARNs.
   * @default - nothing beyond their logs
   */
  readonly permissions?: readonly RunnerPermission[];
  /** Its KMS key encrypts what the builds write (the stack's customer-managed key, policy rule GAD-CB-1). */
  readonly artifactStore: Pick<IArtifactStore, "keyArn" | "grantKeyUse">;
  /**
   * Days the jobs' CloudWatch logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * Tags of the resources made here.
   * @default - none beyond the provider's default tags
   */
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
  /** The CodeBuild project the jobs run in (counted by the gate). */
  readonly project: CodebuildProject;
  /** The webhook that starts a build for each queued CI job (counted by the gate). */
  readonly webhook: CodebuildWebhook;
  /** The role the jobs run as. */
  readonly role: ServiceRole;
  /** The tag a `.gitlab-ci.yml` job lists to run here (GitLab expands the variables). */
  readonly jobTag: string;

  constructor(scope: Construct, id: string, props: GitlabRunnerProps) {
    super(scope, id);
    // Every job routed here gets these permissions: a wildcard is refused before any statement is made.
    const wildcard = (props.permissions ?? []).flatMap((p) => p.actions).find((a) => !Token.isUnresolved(a) && a.includes("*"));
    if (wildcard !== undefined) throw new ConstructError(this, `permission action ${JSON.stringify(wildcard)} is a wildcard; name each action the jobs need`);
    const group = "group" in props.scope ? props.scope.group : undefined;
    const project = "project" in props.scope ? props.scope.project : undefined;
    if (group && props.serverType === "GITLAB_SELF_MANAGED" && !group.domain) {
      throw new ConstructError(
        this,
        `the group ${group.path} is on a self-managed instance: give scope.group.domain (its URL, e.g. "https://gitlab.example.com")`,
      );
    }
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
    else props.connection.grantGroupUse(this.role, group!.path);
    if (props.vpc) grantVpcAccess(this.role, StackEnv.of(this), props.vpc);
    (props.permissions ?? []).forEach((p, i) => {
      this.role.addGrant({ sid: `Jobs${i + 1}`, actions: [...p.actions].sort(), resources: [...p.resources] });
    });
  }
}

/**
 * What CodeBuild needs to place a build in the VPC: network interfaces in the named subnets
 * only. The Describe calls take no resource ARN (policy rule GAD-IAM-2 lists them).
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface
 */
function grantVpcAccess(role: ServiceRole, env: StackEnv, vpc: RunnerVpc): void {
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
