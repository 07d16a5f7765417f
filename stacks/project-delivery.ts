import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { projectBaseName, projectCiName, projectOutputKey, projectResourceName, projectSecretName } from "../config/naming";
import { AdoptConfig, NOTIFICATION_EVENT_IDS, ProjectConfig } from "../config/schema";
import { ArtifactStore } from "../modules/artifact-store/artifact-store";
import { BuildProject } from "../modules/codebuild/build-project";
import { MergeRequestCi } from "../modules/codebuild/merge-request-ci";
import { ConnectionGate } from "../modules/connection/connection-gate";
import { GitlabConnection } from "../modules/connection/gitlab-connection";
import { DeployToken } from "../modules/deploy-token/deploy-token";
import { GitlabProject } from "../modules/gitlab-project/gitlab-project";
import { CommitStatus } from "../modules/status/commit-status";
import { NotificationKey } from "../modules/notifications/notification-key";
import { PipelineNotifications } from "../modules/notifications/pipeline-notifications";
import { DeliveryEnvironments } from "../modules/pipeline/environments";
import { AdoptedPipeline, BUILD_OUTPUT, GitlabPipeline } from "../modules/pipeline/gitlab-pipeline";
import { ProjectCatalog } from "./project-catalog";

export interface ProjectDeliveryProps {
  readonly project: ProjectConfig;
  readonly accountId: string;
  readonly connection: GitlabConnection;
  readonly gate: ConnectionGate;
  readonly artifactStore: ArtifactStore;
  /** The stack's key for notification topics; there when a project of the stack asks for notifications. */
  readonly notificationKey?: NotificationKey;
  readonly region: string;
  /** `https://host/api/v4` of the GitLab instance (for commit statuses). */
  readonly gitlabApiUrl: string;
  /** CodeBuild's source type for this GitLab (for merge-request CI). */
  readonly serverType: "GITLAB" | "GITLAB_SELF_MANAGED";
}

/** Everything one GitLab project gets; its construct id is derived from the project path. */
export class ProjectDelivery extends Construct {
  constructor(scope: Construct, id: string, props: ProjectDeliveryProps) {
    super(scope, id);
    const cfg = props.project;
    const base = projectBaseName(cfg.path, cfg.name);
    // The build project and the pipeline share one name.
    const awsBase = projectResourceName(base);
    const gitlab = new GitlabProject(this, "GitlabProject", {
      path: cfg.path,
      mode: cfg.mode,
      defaultBranch: cfg.defaultBranch,
      visibility: cfg.visibility,
      description: cfg.description,
    });
    const deployToken = new DeployToken(this, "DeployToken", {
      project: gitlab,
      secretName: projectSecretName(cfg.path, "deploy-token"),
      kmsKeyArn: props.artifactStore.key.arn,
      expiresAt: cfg.deployToken.expiresAt,
      scopes: cfg.deployToken.scopes,
      name: cfg.deployToken.name,
      username: cfg.deployToken.username,
    });
    const pipelineCfg = cfg.pipeline;
    const adopt = pipelineCfg.adopt;
    // An adopted pipeline keeps its own build stages; only new pipelines get ours.
    const build = adopt
      ? undefined
      : new BuildProject(this, "Build", {
          name: awsBase,
          accountId: props.accountId,
          artifactStore: props.artifactStore,
          deployToken,
          image: pipelineCfg.build.image,
          computeType: pipelineCfg.build.computeType,
          buildspec: pipelineCfg.build.buildspec,
          environmentVariables: pipelineCfg.build.environmentVariables,
          privileged: pipelineCfg.build.privileged,
          privilegedReason: pipelineCfg.build.privilegedReason,
          timeoutMinutes: pipelineCfg.build.timeoutMinutes,
          cloneThrough:
            pipelineCfg.artifactFormat === "CODEBUILD_CLONE_REF" ? { connection: props.connection, fullRepositoryId: gitlab.pathWithNamespace } : undefined,
        });
    const pipelineName = adopt?.name ?? awsBase;
    const environments =
      pipelineCfg.environments.length > 0
        ? new DeliveryEnvironments(this, "Environments", {
            name: base,
            accountId: props.accountId,
            region: props.region,
            projectPath: cfg.path,
            artifactStore: props.artifactStore,
            deployToken,
            buildOutput: BUILD_OUTPUT,
            environments: pipelineCfg.environments.map((e) => ({
              name: e.name,
              approval: e.approval,
              variables: e.variables,
              roleArn: e.roleArn,
              codebuild: e.deploy.codebuild,
              cloudformation: e.deploy.cloudformation,
            })),
          })
        : undefined;
    // Unique in the stack: the config refuses two projects that would share it.
    const key = projectOutputKey(cfg.path, cfg.outputPrefix);
    const catalog =
      cfg.serviceCatalog || cfg.proton
        ? new ProjectCatalog(this, "Catalog", {
            name: base,
            outputKey: key,
            accountId: props.accountId,
            region: props.region,
            repository: cfg.path,
            branch: pipelineCfg.branch ?? cfg.defaultBranch,
            connection: props.connection,
            gate: props.gate,
            artifactStore: props.artifactStore,
            serviceCatalog: cfg.serviceCatalog,
            proton: cfg.proton,
          })
        : undefined;
    const pipeline = new GitlabPipeline(this, "Pipeline", {
      name: pipelineName,
      accountId: props.accountId,
      project: gitlab,
      connection: props.connection,
      gate: props.gate,
      artifactStore: props.artifactStore,
      build,
      adopt: adopt && adoptedPipeline(adopt),
      publish: catalog,
      environments,
      variables: pipelineCfg.variables,
      branch: pipelineCfg.branch ?? cfg.defaultBranch,
      executionMode: pipelineCfg.executionMode,
      artifactFormat: pipelineCfg.artifactFormat,
      push: pipelineCfg.triggers.push,
      mergeRequests: pipelineCfg.triggers.mergeRequests,
    });

    if (pipelineCfg.notifications) {
      if (!props.notificationKey) throw new Error(`${this.node.path}: notifications need the stack's notification key`);
      const notifications = new PipelineNotifications(this, "Notifications", {
        name: base,
        accountId: props.accountId,
        region: props.region,
        pipelineName,
        pipeline: pipeline.pipeline,
        gate: props.gate,
        key: props.notificationKey,
        eventTypeIds: pipelineCfg.notifications.events.map((e) => NOTIFICATION_EVENT_IDS[e]),
        emails: pipelineCfg.notifications.emails,
      });
      new TerraformOutput(this, "notifications_topic_arn", {
        value: notifications.topic.arn,
        description: `SNS topic of the pipeline notifications of ${cfg.path}`,
      }).overrideLogicalId(`${key}_notifications_topic_arn`);
    }

    if (pipelineCfg.statusOnGitlab) {
      new CommitStatus(this, "CommitStatus", {
        name: base,
        accountId: props.accountId,
        region: props.region,
        project: gitlab,
        pipelineName,
        gitlabApiUrl: props.gitlabApiUrl,
        artifactStore: props.artifactStore,
        tokenExpiresAt: cfg.deployToken.expiresAt,
        secretName: projectSecretName(cfg.path, "status-token"),
      });
    }
    if (cfg.ci) {
      new MergeRequestCi(this, "MergeRequestCi", {
        name: projectCiName(base),
        accountId: props.accountId,
        artifactStore: props.artifactStore,
        deployToken,
        image: pipelineCfg.build.image,
        computeType: pipelineCfg.build.computeType,
        buildspec: cfg.ci.buildspec ?? pipelineCfg.build.buildspec,
        environmentVariables: pipelineCfg.build.environmentVariables,
        // Code from any merge request: privileged only by the CI's own opt-in, never the build's.
        privileged: cfg.ci.privileged ?? false,
        privilegedReason: cfg.ci.privilegedReason,
        timeoutMinutes: pipelineCfg.build.timeoutMinutes,
        gitlabSource: {
          connection: props.connection,
          location: gitlab.httpUrlToRepo,
          fullRepositoryId: gitlab.pathWithNamespace,
          serverType: props.serverType,
        },
        events: cfg.ci.events,
        gate: props.gate,
      });
    }

    // The pipeline waits for the handshake (count 0), so its name is output as configured.
    new TerraformOutput(this, "pipeline", { value: pipelineName, description: `CodePipeline of ${cfg.path}` }).overrideLogicalId(`${key}_pipeline`);
    new TerraformOutput(this, "pipeline_url", {
      value: `https://${props.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipelineName}/view?region=${props.region}`,
      description: `Console page of the pipeline of ${cfg.path}`,
    }).overrideLogicalId(`${key}_pipeline_url`);
    new TerraformOutput(this, "connection_url", {
      value: props.connection.consoleUrl,
      description: `Console page of the connection the pipeline of ${cfg.path} uses (its status, and the handshake while PENDING)`,
    }).overrideLogicalId(`${key}_connection_url`);
    new TerraformOutput(this, "gitlab_url", { value: gitlab.webUrl, description: `GitLab page of ${cfg.path}` }).overrideLogicalId(`${key}_gitlab_url`);
    new TerraformOutput(this, "full_repository_id", {
      value: gitlab.pathWithNamespace,
      description: `FullRepositoryId the pipeline reads (${cfg.path})`,
    }).overrideLogicalId(`${key}_full_repository_id`);
    new TerraformOutput(this, "deploy_token_secret_arn", {
      value: deployToken.secret.arn,
      description: `Secrets Manager secret holding the deploy token of ${cfg.path} (the value itself is never an output)`,
    }).overrideLogicalId(`${key}_deploy_token_secret_arn`);
  }
}

/** The config's stages, in the shape `aws codepipeline get-pipeline` prints, as Terraform's. */
function adoptedPipeline(adopt: AdoptConfig): AdoptedPipeline {
  return {
    name: adopt.name,
    roleName: adopt.roleName,
    artifactBucket: adopt.artifactBucket,
    artifactKmsKeyArn: adopt.artifactKmsKeyArn,
    sourceArtifactName: adopt.sourceArtifactName,
    stages: adopt.stages.map((stage) => ({
      name: stage.name,
      action: stage.actions.map((a) => ({
        name: a.name,
        category: a.actionTypeId.category,
        owner: a.actionTypeId.owner,
        provider: a.actionTypeId.provider,
        version: a.actionTypeId.version,
        configuration: a.configuration,
        inputArtifacts: a.inputArtifacts?.map((x) => x.name),
        outputArtifacts: a.outputArtifacts?.map((x) => x.name),
        runOrder: a.runOrder,
        roleArn: a.roleArn,
        region: a.region,
        namespace: a.namespace,
        timeoutInMinutes: a.timeoutInMinutes,
      })),
    })),
  };
}
