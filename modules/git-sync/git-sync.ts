import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
import { awsName } from "../core/rules/aws-name";
import { OWNER_ID_MAX, REPOSITORY_LINK_ID, REPOSITORY_NAME_MAX } from "../core/rules/repository-link";
import { StackEnv } from "../core/stack-env";
import { ConnectionGate } from "../connection/connection-gate";
import { IGitlabConnection } from "../connection/gitlab-connection";
import { ServiceRole } from "../iam/service-role";
import { logicalId } from "../service-catalog/cfn-templates";
import { gitSyncTemplate, roleParameter, SYNC_PARAMETERS } from "./sync-template";

/** The service that assumes a Git sync role. */
export const GIT_SYNC_SERVICE = "cloudformation.sync.codeconnections.amazonaws.com";

/** Named actions on named resources the sync role may use for a stack's resources (never `*` actions). */
export interface SyncPermission {
  /** IAM actions, each named (`sqs:CreateQueue`); a wildcard is refused. */
  readonly actions: readonly string[];
  /** ARNs the actions apply to. */
  readonly resources: readonly string[];
}

/** One CloudFormation stack that Git sync deploys from the repository. */
export interface SyncedStack {
  /** The CloudFormation stack's name; its sync role may change this stack alone. */
  readonly stackName: string;
  /** The stack deployment file in the repository. */
  readonly deploymentFile: string;
  /** The branch whose commits are deployed. */
  readonly branch: string;
  /**
   * Whether Git sync posts the deployment's status to the merge request and commit.
   * @default true
   */
  readonly publishDeploymentStatus?: boolean;
  /**
   * What starts a sync: any commit to the branch, or one that changes the deployment file or template.
   * @default "ANY_CHANGE"
   */
  readonly triggerOn?: "ANY_CHANGE" | "FILE_CHANGE";
  /**
   * More for the sync role: named actions on named ARNs, for the stack's resources.
   * @default - none
   */
  readonly permissions?: readonly SyncPermission[];
}

export interface GitSyncProps {
  /** Base of the CloudFormation stack's and the roles' names. */
  readonly name: string;
  /** The connection the repository link goes through: one created here, or `GitlabConnection.fromArn`. */
  readonly connection: IGitlabConnection;
  /** The repository link reads GitLab through the connection: it waits for the first handshake. */
  readonly gate: ConnectionGate;
  /** The repository's owner: its GitLab namespace (`acme/platform`, at most 255 characters). */
  readonly owner: string;
  /** The repository's name: the project's path within its namespace (at most 128 characters). */
  readonly repositoryName: string;
  /**
   * An existing repository link (AWS allows one per repository), by its id (a UUID).
   * @default - one is created
   */
  readonly repositoryLinkId?: string;
  /** The stacks synced from the repository, each with its own deployment file (one sync configuration each). */
  readonly stacks: readonly SyncedStack[];
  /**
   * Tags of the resources made here.
   * @default - none beyond the provider's default tags
   */
  readonly tags?: Record<string, string>;
}

/**
 * CloudFormation Git sync from a GitLab repository: a CloudFormation stack holding the
 * repository link and one sync configuration per synced stack, and for each synced stack a
 * role that can run change sets on that stack alone.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/git-sync.html
 */
export class GitSync extends Construct {
  /** The CloudFormation stack that holds the repository link and the sync configurations (counted by the gate). */
  readonly stack: CloudformationStack;
  /** The sync role of each synced stack, by stack name. */
  readonly roles: Record<string, ServiceRole> = {};

  constructor(scope: Construct, id: string, props: GitSyncProps) {
    super(scope, id);
    this.validate(props);
    const specs = props.stacks.map((s) => ({
      logicalId: logicalId("Sync", s.stackName),
      stackName: s.stackName,
      deploymentFile: s.deploymentFile,
      branch: s.branch,
      publishDeploymentStatus: s.publishDeploymentStatus ?? true,
      triggerOn: s.triggerOn ?? ("ANY_CHANGE" as const),
    }));
    const parameters: Record<string, string> = {};
    if (!props.repositoryLinkId) parameters[SYNC_PARAMETERS.connection] = props.connection.arn;
    props.stacks.forEach((s, i) => {
      const role = new ServiceRole(this, `Role-${s.stackName}`, {
        name: awsName(`${props.name}-${s.stackName}`, "git-sync", 64),
        service: GIT_SYNC_SERVICE,
        tags: props.tags,
        // AWS documents the Git sync role's trust without conditions; an aws:SourceAccount
        // the service did not send would make every sync fail.
        sourceAccountCondition: false,
      });
      grantSync(role, StackEnv.of(this), s);
      this.roles[s.stackName] = role;
      parameters[roleParameter(specs[i].logicalId)] = role.arn;
    });
    this.stack = new CloudformationStack(this, "Resource", {
      name: awsName(props.name, "git-sync", 128),
      templateBody: JSON.stringify(
        gitSyncTemplate({ owner: props.owner, name: props.repositoryName, repositoryLinkId: props.repositoryLinkId, stacks: specs }),
      ),
      parameters,
      tags: props.tags,
      count: props.gate.count,
    });
  }

  /**
   * What AWS would refuse only at apply, or what would clash here: told now, with this path.
   * Values that are tokens are left to AWS.
   */
  private validate(props: GitSyncProps): void {
    if (props.stacks.length === 0) throw new ConstructError(this, "stacks is empty; name at least one stack to sync (stackName, deploymentFile, branch)");
    const seen = new Set<string>();
    for (const s of props.stacks) {
      if (seen.has(s.stackName)) throw new ConstructError(this, `stack ${JSON.stringify(s.stackName)} is listed twice; a stack has one sync configuration`);
      seen.add(s.stackName);
    }
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
    this.node.addValidation({
      validate: () => [
        ...(known(props.repositoryLinkId) && !REPOSITORY_LINK_ID.test(props.repositoryLinkId)
          ? [`repositoryLinkId ${JSON.stringify(props.repositoryLinkId)} is not a repository link id; give its UUID (Connections console, Repository links)`]
          : []),
        ...(!props.repositoryLinkId && known(props.owner) && props.owner.length > OWNER_ID_MAX
          ? [
              `owner ${JSON.stringify(props.owner)} has ${props.owner.length} characters; a repository link takes at most ${OWNER_ID_MAX}; move the project to a shorter namespace, or give repositoryLinkId`,
            ]
          : []),
        ...(!props.repositoryLinkId && known(props.repositoryName) && props.repositoryName.length > REPOSITORY_NAME_MAX
          ? [
              `repositoryName ${JSON.stringify(props.repositoryName)} has ${props.repositoryName.length} characters; a repository link takes at most ${REPOSITORY_NAME_MAX}; rename the project, or give repositoryLinkId`,
            ]
          : []),
      ],
    });
  }
}

/** What Git sync needs for one stack, on that stack only (AWS's example grants it on "*"). */
function grantSync(role: ServiceRole, env: StackEnv, s: SyncedStack): void {
  role.addGrant({
    sid: "SyncStack",
    actions: [
      "cloudformation:CreateChangeSet",
      "cloudformation:DeleteChangeSet",
      "cloudformation:DescribeChangeSet",
      "cloudformation:DescribeStackEvents",
      "cloudformation:DescribeStacks",
      "cloudformation:ExecuteChangeSet",
      "cloudformation:GetTemplate",
      "cloudformation:ListChangeSets",
    ],
    resources: [env.arn("cloudformation", `stack/${s.stackName}/*`)],
  });
  role.addGrant({ sid: "ListAndValidate", actions: ["cloudformation:ListStacks", "cloudformation:ValidateTemplate"], resources: ["*"] });
  role.addGrant({
    sid: "ManagedRules",
    actions: ["events:PutRule", "events:PutTargets"],
    resources: ["*"],
    conditions: [{ test: "StringEquals", variable: "events:ManagedBy", values: [GIT_SYNC_SERVICE] }],
  });
  (s.permissions ?? []).forEach((p, i) => {
    role.addGrant({ sid: `Resources${i + 1}`, actions: [...p.actions].sort(), resources: [...p.resources] });
  });
}
