import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { repositoryOf } from "../config/git-sync-schema";
import { awsName } from "../modules/core/rules/aws-name";
import { GitSync } from "../modules/git-sync/git-sync";
import { ProjectDeliveryProps, ProjectNames } from "./project-props";

const TRIGGER = { "any-change": "ANY_CHANGE", "file-change": "FILE_CHANGE" } as const;

/** A project's `gitSync:` as a GitSync, and the name of the CloudFormation stack that holds it as an output. */
export function addGitSync(scope: Construct, props: ProjectDeliveryProps, names: ProjectNames): void {
  const cfg = props.project.gitSync;
  if (!cfg) return;
  const { owner, name } = repositoryOf(props.project.path);
  new GitSync(scope, "GitSync", {
    name: names.base,
    connection: props.connection,
    gate: props.gate,
    owner,
    repositoryName: name,
    repositoryLinkId: cfg.repositoryLinkId,
    stacks: cfg.stacks.map((s) => ({
      stackName: s.stackName,
      deploymentFile: s.deploymentFile,
      branch: s.branch ?? names.branch,
      publishDeploymentStatus: s.publishDeploymentStatus,
      triggerOn: TRIGGER[s.triggerOn],
      permissions: s.permissions,
    })),
  });
  new TerraformOutput(scope, "git_sync_stack", {
    // The stack waits for the handshake (count 0), so its name is output as configured.
    value: awsName(names.base, "git-sync", 128),
    description: `CloudFormation stack holding the Git sync of ${props.project.path} (repository link and sync configurations)`,
  }).overrideLogicalId(`${names.outputKey}_git_sync_stack`);
}
