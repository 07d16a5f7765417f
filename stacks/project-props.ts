/*
 * One project's config mapped to the props of the constructs it gets (stacks/project-delivery.ts
 * creates them, in order): one function per construct.
 */
import { projectBaseName, projectCiName, projectOutputKey, projectResourceName, projectSecretName } from "../config/naming";
import { NOTIFICATION_EVENT_IDS } from "../config/pipeline-schema";
import { AdoptConfig, ProjectConfig } from "../config/schema";
import { ArtifactStore } from "../modules/artifact-store/artifact-store";
import { BuildProject, BuildProjectProps } from "../modules/codebuild/build-project";
import { MergeRequestCiProps } from "../modules/codebuild/merge-request-ci";
import { ConnectionGate } from "../modules/connection/connection-gate";
import { GitlabConnection } from "../modules/connection/gitlab-connection";
import { DeployToken, DeployTokenProps } from "../modules/deploy-token/deploy-token";
import { GitlabProject, GitlabProjectProps } from "../modules/gitlab-project/gitlab-project";
import { NotificationKey } from "../modules/notifications/notification-key";
import { PipelineNotificationsProps } from "../modules/notifications/pipeline-notifications";
import { DeliveryEnvironments, DeliveryEnvironmentsProps, EnvironmentProps } from "../modules/pipeline/environments";
import { stageConditions } from "./release-props";
import { AdoptedPipeline, BUILD_OUTPUT, GitlabPipeline, GitlabPipelineProps } from "../modules/pipeline/gitlab-pipeline";
import { CommitStatusProps } from "../modules/status/commit-status";
import { ServiceCatalog } from "../modules/service-catalog/service-catalog";

export interface ProjectDeliveryProps {
  readonly project: ProjectConfig;
  readonly connection: GitlabConnection;
  readonly gate: ConnectionGate;
  readonly artifactStore: ArtifactStore;
  /** The stack's key for notification topics; there when a project of the stack asks for notifications. */
  readonly notificationKey?: NotificationKey;
  /** `https://host/api/v4` of the GitLab instance (for commit statuses). */
  readonly gitlabApiUrl: string;
  /** CodeBuild's source type for this GitLab (for merge-request CI). */
  readonly serverType: "GITLAB" | "GITLAB_SELF_MANAGED";
}

/** The names one project's constructs and outputs take, all derived from its config. */
export interface ProjectNames {
  /** Base of its AWS names (the path, or the `name` override). */
  readonly base: string;
  /** Name of its build project and of its new pipeline (they share one). */
  readonly resourceName: string;
  /** Its pipeline's name: the adopted pipeline's, or the resource name. */
  readonly pipelineName: string;
  /** Prefix of its Terraform output names; unique in the stack (the config refuses two projects that would share it). */
  readonly outputKey: string;
  /** Branch that manual pipeline runs build. */
  readonly branch: string;
}

export function projectNames(cfg: ProjectConfig): ProjectNames {
  const base = projectBaseName(cfg.path, cfg.name);
  const resourceName = projectResourceName(base);
  return {
    base,
    resourceName,
    pipelineName: cfg.pipeline.adopt?.name ?? resourceName,
    outputKey: projectOutputKey(cfg.path, cfg.outputPrefix),
    branch: cfg.pipeline.branch ?? cfg.defaultBranch,
  };
}

export function gitlabProjectProps(cfg: ProjectConfig): GitlabProjectProps {
  return {
    path: cfg.path,
    mode: cfg.mode,
    defaultBranch: cfg.defaultBranch,
    visibility: cfg.visibility,
    description: cfg.description,
  };
}

export function deployTokenProps(props: ProjectDeliveryProps, gitlab: GitlabProject): DeployTokenProps {
  const cfg = props.project;
  return {
    project: gitlab,
    secretName: projectSecretName(cfg.path, "deploy-token"),
    kmsKeyArn: props.artifactStore.key.arn,
    expiresAt: cfg.deployToken.expiresAt,
    scopes: cfg.deployToken.scopes,
    name: cfg.deployToken.name,
    username: cfg.deployToken.username,
  };
}

/** What the pipeline's build and the merge-request CI build share: the project's `build` section. */
function sharedBuildProps(props: ProjectDeliveryProps, deployToken: DeployToken) {
  const build = props.project.pipeline.build;
  return {
    artifactStore: props.artifactStore,
    deployToken,
    image: build.image,
    computeType: build.computeType,
    buildspec: build.buildspec,
    environmentVariables: build.environmentVariables,
    timeoutMinutes: build.timeoutMinutes,
  };
}

export function buildProjectProps(props: ProjectDeliveryProps, names: ProjectNames, gitlab: GitlabProject, deployToken: DeployToken): BuildProjectProps {
  const pipelineCfg = props.project.pipeline;
  return {
    ...sharedBuildProps(props, deployToken),
    name: names.resourceName,
    privileged: pipelineCfg.build.privileged,
    privilegedReason: pipelineCfg.build.privilegedReason,
    cloneThrough:
      pipelineCfg.artifactFormat === "CODEBUILD_CLONE_REF" ? { connection: props.connection, fullRepositoryId: gitlab.pathWithNamespace } : undefined,
  };
}

export function environmentsProps(props: ProjectDeliveryProps, names: ProjectNames, deployToken: DeployToken): DeliveryEnvironmentsProps {
  const cfg = props.project;
  return {
    name: names.base,
    projectPath: cfg.path,
    artifactStore: props.artifactStore,
    deployToken,
    buildOutput: BUILD_OUTPUT,
    environments: cfg.pipeline.environments.map((e): EnvironmentProps => {
      const base = {
        name: e.name,
        approval: e.approval,
        variables: e.variables,
        roleArn: e.roleArn,
        conditions: stageConditions(e, cfg.pipeline.executionMode),
      };
      // The config takes exactly one of the two.
      return e.deploy.codebuild ? { ...base, codebuild: e.deploy.codebuild } : { ...base, cloudformation: e.deploy.cloudformation! };
    }),
  };
}

/** The constructs a pipeline runs or publishes, made before it. */
export interface PipelineParts {
  readonly gitlab: GitlabProject;
  readonly build?: BuildProject;
  readonly environments?: DeliveryEnvironments;
  readonly catalog?: ServiceCatalog;
}

export function pipelineProps(props: ProjectDeliveryProps, names: ProjectNames, parts: PipelineParts): GitlabPipelineProps {
  const pipelineCfg = props.project.pipeline;
  const common = {
    project: parts.gitlab,
    connection: props.connection,
    gate: props.gate,
    variables: pipelineCfg.variables,
    branch: names.branch,
    executionMode: pipelineCfg.executionMode,
    artifactFormat: pipelineCfg.artifactFormat,
    push: pipelineCfg.triggers.push,
    mergeRequests: pipelineCfg.triggers.mergeRequests,
  };
  if (pipelineCfg.adopt) return { ...common, adopt: adoptedPipeline(pipelineCfg.adopt) };
  if (!parts.build) throw new Error(`${props.project.path}: a new pipeline is made after its build project`);
  return {
    ...common,
    name: names.pipelineName,
    artifactStore: props.artifactStore,
    build: parts.build,
    publish: parts.catalog,
    environments: parts.environments,
  };
}

export function notificationsProps(
  props: ProjectDeliveryProps,
  names: ProjectNames,
  pipeline: GitlabPipeline,
  key: NotificationKey,
  notifications: NonNullable<ProjectConfig["pipeline"]["notifications"]>,
): PipelineNotificationsProps {
  return {
    name: names.base,
    pipelineName: names.pipelineName,
    pipeline: pipeline.pipeline,
    gate: props.gate,
    key,
    eventTypeIds: notifications.events.map((e) => NOTIFICATION_EVENT_IDS[e]),
    emails: notifications.emails,
  };
}

export function commitStatusProps(props: ProjectDeliveryProps, names: ProjectNames, gitlab: GitlabProject): CommitStatusProps {
  const cfg = props.project;
  return {
    name: names.base,
    project: gitlab,
    pipelineName: names.pipelineName,
    gitlabApiUrl: props.gitlabApiUrl,
    artifactStore: props.artifactStore,
    tokenExpiresAt: cfg.deployToken.expiresAt,
    secretName: projectSecretName(cfg.path, "status-token"),
  };
}

export function mergeRequestCiProps(
  props: ProjectDeliveryProps,
  names: ProjectNames,
  ci: NonNullable<ProjectConfig["ci"]>,
  gitlab: GitlabProject,
  deployToken: DeployToken,
): MergeRequestCiProps {
  const shared = sharedBuildProps(props, deployToken);
  return {
    ...shared,
    name: projectCiName(names.base),
    buildspec: ci.buildspec ?? shared.buildspec,
    // Code from any merge request: privileged only by the CI's own opt-in, never the build's.
    privileged: ci.privileged ?? false,
    privilegedReason: ci.privilegedReason,
    gitlabSource: {
      connection: props.connection,
      location: gitlab.httpUrlToRepo,
      fullRepositoryId: gitlab.pathWithNamespace,
      serverType: props.serverType,
    },
    events: ci.events,
    gate: props.gate,
  };
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
