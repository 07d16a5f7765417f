import { CfnTemplate, withoutUndefined } from "../service-catalog/cfn-templates";

/*
 * The CloudFormation template of a Git sync: the aws provider has no resources for
 * repository links and sync configurations, so a CloudFormation stack declares them (as the
 * Service Catalog sync does). Plain objects, so tests check them against the specification.
 */

/** Template parameters that carry Terraform values (kept out of the template text). */
export const SYNC_PARAMETERS = { connection: "ConnectionArn" } as const;
/** The parameter of the role of one synced stack. */
export function roleParameter(logicalId: string): string {
  return `${logicalId}RoleArn`;
}

export interface SyncedStackSpec {
  /** CloudFormation logical id of its sync configuration. */
  readonly logicalId: string;
  readonly stackName: string;
  readonly deploymentFile: string;
  readonly branch: string;
  readonly publishDeploymentStatus: boolean;
  readonly triggerOn: "ANY_CHANGE" | "FILE_CHANGE";
}

export interface SyncTemplateSpec {
  /** The repository's owner (GitLab namespace) and name, as the repository link takes them. */
  readonly owner: string;
  readonly name: string;
  /** An existing repository link; none is created then. */
  readonly repositoryLinkId?: string;
  readonly stacks: readonly SyncedStackSpec[];
}

export const REPOSITORY_LINK = "RepositoryLink";

export function gitSyncTemplate(spec: SyncTemplateSpec): CfnTemplate {
  const resources: CfnTemplate["Resources"] = {};
  const parameters: NonNullable<CfnTemplate["Parameters"]> = {};
  if (!spec.repositoryLinkId) {
    parameters[SYNC_PARAMETERS.connection] = { Type: "String", Description: "Connection the repository link goes through" };
    resources[REPOSITORY_LINK] = {
      Type: "AWS::CodeStarConnections::RepositoryLink",
      Properties: { ConnectionArn: { Ref: SYNC_PARAMETERS.connection }, OwnerId: spec.owner, RepositoryName: spec.name },
    };
  }
  for (const s of spec.stacks) {
    parameters[roleParameter(s.logicalId)] = { Type: "String", Description: `Role Git sync uses for the stack ${s.stackName}` };
    resources[s.logicalId] = {
      Type: "AWS::CodeStarConnections::SyncConfiguration",
      Properties: withoutUndefined({
        RepositoryLinkId: spec.repositoryLinkId ?? { "Fn::GetAtt": [REPOSITORY_LINK, "RepositoryLinkId"] },
        ResourceName: s.stackName,
        SyncType: "CFN_STACK_SYNC",
        Branch: s.branch,
        ConfigFile: s.deploymentFile,
        RoleArn: { Ref: roleParameter(s.logicalId) },
        PublishDeploymentStatus: s.publishDeploymentStatus ? "ENABLED" : "DISABLED",
        TriggerResourceUpdateOn: s.triggerOn,
      }),
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `CloudFormation Git sync of ${spec.owner}/${spec.name}: ${spec.stacks.map((s) => s.stackName).join(", ")}`,
    Parameters: parameters,
    Resources: resources,
  };
}
