/*
 * The library's front door: the constructs of gitlab-aws-delivery and their props, for any
 * cdktf app (`import { GitlabPipeline } from "gitlab-aws-delivery"`). The YAML app
 * (main.ts, stacks/) is one caller of these; examples/library-app is another.
 * Only constructs, their props and the interfaces they take are exported here.
 */

// IAM: the grantee every grantX(grantee) method takes; roles created here or imported by ARN.
export type { Grant, IRoleGrantee } from "./modules/iam/grantee";
export { ServiceRole } from "./modules/iam/service-role";
export type { ImportedRoleOptions, ServiceRoleProps } from "./modules/iam/service-role";

// CodeConnections: host, connection (created or imported), the handshake gate.
export { GitlabHost } from "./modules/connection/gitlab-host";
export type { GitlabHostProps, GitlabHostVpc } from "./modules/connection/gitlab-host";
export { GitlabConnection } from "./modules/connection/gitlab-connection";
export type { GitlabConnectionProps, IGitlabConnection } from "./modules/connection/gitlab-connection";
export { ConnectionGate } from "./modules/connection/connection-gate";
export type { ConnectionGateProps } from "./modules/connection/connection-gate";
export { codebuildSourceCredential } from "./modules/connection/source-credential";
export type { SourceCredentialProps } from "./modules/connection/source-credential";

// GitLab: the project (created or read by path) and its deploy token.
export { GitlabProject } from "./modules/gitlab-project/gitlab-project";
export type { GitlabProjectProps } from "./modules/gitlab-project/gitlab-project";
export { DeployToken } from "./modules/deploy-token/deploy-token";
export type { DeployTokenProps } from "./modules/deploy-token/deploy-token";

// Artifacts, builds, the pipeline and its deploy stages.
export { ArtifactStore } from "./modules/artifact-store/artifact-store";
export type { ArtifactStoreAttributes, ArtifactStoreProps, IArtifactStore } from "./modules/artifact-store/artifact-store";
export { BuildProject } from "./modules/codebuild/build-project";
export type { BuildProjectProps } from "./modules/codebuild/build-project";
export { MergeRequestCi } from "./modules/codebuild/merge-request-ci";
export type { MergeRequestCiProps } from "./modules/codebuild/merge-request-ci";
export { GitlabPipeline } from "./modules/pipeline/gitlab-pipeline";
export type {
  AdoptedPipeline,
  AdoptGitlabPipelineProps,
  FilterCriteria,
  GitlabPipelineBaseProps,
  GitlabPipelineProps,
  NewGitlabPipelineProps,
  MergeRequestTrigger,
  PipelineStages,
  PushTrigger,
} from "./modules/pipeline/gitlab-pipeline";
export { DeliveryEnvironments } from "./modules/pipeline/environments";
export type { DeliveryEnvironmentsProps, EnvironmentProps } from "./modules/pipeline/environments";
// The actions (for stages of your own) and the source action's variables, typed.
export {
  cloudFormationDeployAction,
  codeBuildAction,
  gitlabSourceAction,
  manualApprovalAction,
  serviceCatalogPublishAction,
  sourceVariables,
} from "./modules/pipeline/actions";
export type {
  CloudFormationDeployActionProps,
  CodeBuildActionProps,
  GitlabSourceActionProps,
  ServiceCatalogPublishActionProps,
} from "./modules/pipeline/actions";

// Safe releases: the stage conditions of a deploy stage (EnvironmentProps.conditions).
export type { AfterSuccessWatch, DeploymentWindow, EntryConditions, OnFailure, StageConditions } from "./modules/pipeline/stage-conditions";

// Feedback: notifications and commit statuses on GitLab.
export { NotificationKey } from "./modules/notifications/notification-key";
export type { NotificationKeyProps } from "./modules/notifications/notification-key";
export { PipelineNotifications } from "./modules/notifications/pipeline-notifications";
export type { PipelineNotificationsProps } from "./modules/notifications/pipeline-notifications";
export { CommitStatus } from "./modules/status/commit-status";
export type { CommitStatusProps } from "./modules/status/commit-status";

// Service Catalog: the whole catalog (pipeline-published or synced), or its parts.
export { ServiceCatalog } from "./modules/service-catalog/service-catalog";
export type { CatalogProduct, PipelinePublishing, ServiceCatalogProps, SyncPublishing } from "./modules/service-catalog/service-catalog";
export { CatalogPortfolio } from "./modules/service-catalog/portfolio";
export type { CatalogPortfolioProps } from "./modules/service-catalog/portfolio";
export { PipelineProduct } from "./modules/service-catalog/pipeline-product";
export type { PipelineProductProps } from "./modules/service-catalog/pipeline-product";
export { LaunchRole } from "./modules/service-catalog/launch-role";
export type { LaunchRoleProps } from "./modules/service-catalog/launch-role";

// GitLab CI → AWS over OIDC.
export { GitlabCiOidc } from "./modules/oidc/gitlab-ci-oidc";
export type { GitlabCiOidcProps } from "./modules/oidc/gitlab-ci-oidc";

// CodeBuild-hosted GitLab runners: CI jobs of a project or group run in CodeBuild.
export { GitlabRunner } from "./modules/runners/gitlab-runner";
export type { GitlabRunnerProps, RunnerGroup, RunnerPermission, RunnerProject, RunnerScope, RunnerVpc } from "./modules/runners/gitlab-runner";

// CloudFormation Git sync: stacks that follow a deployment file in the GitLab repository.
export { GitSync } from "./modules/git-sync/git-sync";
export type { GitSyncProps, SyncedStack, SyncPermission } from "./modules/git-sync/git-sync";
