import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { Construct } from "constructs";
import { awsName } from "../core/rules/aws-name";
import { StackEnv } from "../core/stack-env";
import { ConnectionGate } from "../connection/connection-gate";
import { IGitlabConnection } from "../connection/gitlab-connection";
import { ServiceRole } from "../iam/service-role";
import { logicalId } from "../service-catalog/cfn-templates";
import { gitSyncTemplate, roleParameter, SYNC_PARAMETERS } from "./sync-template";

/** The service that assumes a Git sync role. */
export const GIT_SYNC_SERVICE = "cloudformation.sync.codeconnections.amazonaws.com";

export interface SyncedStack {
  readonly stackName: string;
  /** The stack deployment file in the repository. */
  readonly deploymentFile: string;
  readonly branch: string;
  /** @default true */
  readonly publishDeploymentStatus?: boolean;
  /** @default "ANY_CHANGE" */
  readonly triggerOn?: "ANY_CHANGE" | "FILE_CHANGE";
  /** More for the sync role: named actions on named ARNs, for the stack's resources. @default - none */
  readonly permissions?: ReadonlyArray<{ readonly actions: readonly string[]; readonly resources: readonly string[] }>;
}

export interface GitSyncProps {
  /** Base of the CloudFormation stack's and the roles' names. */
  readonly name: string;
  readonly connection: IGitlabConnection;
  /** The repository link reads GitLab through the connection: it waits for the first handshake. */
  readonly gate: ConnectionGate;
  /** The repository's owner (GitLab namespace) and name. */
  readonly owner: string;
  readonly repositoryName: string;
  /** An existing repository link (AWS allows one per repository). @default - one is created */
  readonly repositoryLinkId?: string;
  readonly stacks: readonly SyncedStack[];
  /** @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
}

/**
 * CloudFormation Git sync from a GitLab repository: a CloudFormation stack holding the
 * repository link and one sync configuration per synced stack, and for each synced stack a
 * role that can run change sets on that stack alone.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/git-sync.html
 */
export class GitSync extends Construct {
  readonly stack: CloudformationStack;
  readonly roles: Record<string, ServiceRole> = {};

  constructor(scope: Construct, id: string, props: GitSyncProps) {
    super(scope, id);
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
