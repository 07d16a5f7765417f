import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { stateBackend } from "./state-backend";
import { requireTerraform } from "./terraform-version";
import { projectConstructId } from "../config/naming";
import { awsName } from "../modules/core/rules/aws-name";
import { accountOf } from "../config/environment-schema";
import { DeliveryConfig, ProjectConfig } from "../config/schema";
import { ArtifactStore } from "../modules/artifact-store/artifact-store";
import { ConnectionGate } from "../modules/connection/connection-gate";
import { NotificationKey } from "../modules/notifications/notification-key";
import { awsProvider, codebuildServerType, gitlabApiUrl, SharedStack, StackOptions } from "./shared-stack";
import { ProjectDelivery } from "./project-delivery";
import { forgetMoved, importMoved, MovedResource } from "../modules/core/moves";

export interface ProjectsStackProps extends StackOptions {
  readonly config: DeliveryConfig;
  readonly projects: readonly ProjectConfig[];
  readonly shared: SharedStack;
  /** Projects moved into this stack on purpose, by path: their objects are imported. @default - none */
  readonly movedIn?: readonly string[];
  /** Objects of projects moved out of this stack on purpose: forgotten, not destroyed. @default - none */
  readonly movedOut?: readonly MovedResource[];
}

/**
 * One team's deployable unit, with its own state: GitLab and AWS side by side for each of
 * its projects, its own artifact store, and the gate that holds pipelines back until the
 * shared connection is AVAILABLE.
 */
export class ProjectsStack extends TerraformStack {
  readonly artifactStore: ArtifactStore;

  constructor(scope: Construct, id: string, props: ProjectsStackProps) {
    super(scope, id);
    const { config, shared } = props;
    stateBackend(this, config, props.localRoot);
    requireTerraform(this);
    awsProvider(this, config);
    // The token comes from GITLAB_TOKEN in the environment, never from the YAML.
    new GitlabProvider(this, "gitlab", { baseUrl: gitlabApiUrl(config) });

    this.artifactStore = new ArtifactStore(this, "ArtifactStore", {
      bucketPrefix: `${awsName(id, "artifacts", 36)}-`,
      keyAlias: awsName(id, "artifacts", 200),
      deployAccounts: crossAccountReaders(props.projects),
    });
    let notificationKey: NotificationKey | undefined;
    if (props.projects.some((p) => p.pipeline.notifications)) {
      notificationKey = new NotificationKey(this, "NotificationKey", { alias: awsName(id, "notifications", 200) });
    } else {
      NotificationKey.forget(this, "NotificationKey");
    }
    const gate = new ConnectionGate(this, "Connection", { connection: shared.connection, projects: props.projects.map((p) => p.path) });

    const movedIn = new Set(props.movedIn ?? []);
    for (const project of props.projects) {
      const delivery = new ProjectDelivery(this, projectConstructId(project.path), {
        project,
        connection: shared.connection,
        gate,
        artifactStore: this.artifactStore,
        notificationKey,
        serverType: codebuildServerType(config),
        gitlabApiUrl: gitlabApiUrl(config).replace(/\/$/, ""),
      });
      if (movedIn.has(project.path)) importMoved(this, delivery, project.path);
    }
    forgetMoved(this, props.movedOut ?? []);
    new TerraformOutput(this, "connection_status", { value: gate.status, description: "Status of the shared connection, read at plan time" });
    new TerraformOutput(this, "next_step", { value: gate.nextStep, description: "What to do before the pipelines of this stack are created" });
    new TerraformOutput(this, "artifact_bucket", { value: this.artifactStore.bucket.bucket, description: "Artifact bucket of this stack" });
  }
}

/** Accounts whose CloudFormation deploy actions read this stack's artifacts with their own role. */
function crossAccountReaders(projects: readonly ProjectConfig[]): string[] {
  const accounts = projects.flatMap((p) => p.pipeline.environments.filter((e) => e.roleArn && e.deploy.cloudformation).map((e) => accountOf(e.roleArn!)));
  return [...new Set(accounts)].sort();
}
