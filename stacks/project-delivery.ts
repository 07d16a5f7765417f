import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { BuildProject } from "../modules/codebuild/build-project";
import { StackEnv } from "../modules/core/stack-env";
import { MergeRequestCi } from "../modules/codebuild/merge-request-ci";
import { DeployToken } from "../modules/deploy-token/deploy-token";
import { GitlabProject } from "../modules/gitlab-project/gitlab-project";
import { PipelineNotifications } from "../modules/notifications/pipeline-notifications";
import { DeliveryEnvironments } from "../modules/pipeline/environments";
import { GitlabPipeline } from "../modules/pipeline/gitlab-pipeline";
import { CommitStatus } from "../modules/status/commit-status";
import { ServiceCatalog } from "../modules/service-catalog/service-catalog";
import { catalogOutputs, catalogProps } from "./project-catalog";
import { addRunners } from "./runner-props";
import { addGitSync } from "./git-sync-props";
import {
  buildProjectProps,
  commitStatusProps,
  deployTokenProps,
  environmentsProps,
  gitlabProjectProps,
  mergeRequestCiProps,
  notificationsProps,
  pipelineProps,
  ProjectDeliveryProps,
  ProjectNames,
  projectNames,
} from "./project-props";

export type { ProjectDeliveryProps } from "./project-props";

/**
 * Everything one GitLab project gets; its construct id is derived from the project path.
 * The constructs are made in this order (their props: stacks/project-props.ts).
 */
export class ProjectDelivery extends Construct {
  constructor(scope: Construct, id: string, props: ProjectDeliveryProps) {
    super(scope, id);
    const cfg = props.project;
    const pipelineCfg = cfg.pipeline;
    const names = projectNames(cfg);
    const gitlab = new GitlabProject(this, "GitlabProject", gitlabProjectProps(cfg));
    const deployToken = new DeployToken(this, "DeployToken", deployTokenProps(props, gitlab));
    // An adopted pipeline keeps its own build stages; only new pipelines get ours.
    const build = pipelineCfg.adopt ? undefined : new BuildProject(this, "Build", buildProjectProps(props, names, gitlab, deployToken));
    const environments =
      pipelineCfg.environments.length > 0 ? new DeliveryEnvironments(this, "Environments", environmentsProps(props, names, deployToken)) : undefined;
    // The config refuses a proton section without a serviceCatalog section to hold its products.
    const catalog = cfg.serviceCatalog && new ServiceCatalog(this, "Catalog", catalogProps(props, names, cfg.serviceCatalog));
    if (catalog) catalogOutputs(catalog, cfg.path, names.outputKey);
    const pipeline = new GitlabPipeline(this, "Pipeline", pipelineProps(props, names, { gitlab, build, environments, catalog }));

    if (pipelineCfg.notifications) {
      if (!props.notificationKey) throw new Error(`${this.node.path}: notifications need the stack's notification key`);
      const notifications = new PipelineNotifications(
        this,
        "Notifications",
        notificationsProps(props, names, pipeline, props.notificationKey, pipelineCfg.notifications),
      );
      new TerraformOutput(this, "notifications_topic_arn", {
        value: notifications.topic.arn,
        description: `SNS topic of the pipeline notifications of ${cfg.path}`,
      }).overrideLogicalId(`${names.outputKey}_notifications_topic_arn`);
    }
    if (pipelineCfg.statusOnGitlab) new CommitStatus(this, "CommitStatus", commitStatusProps(props, names, gitlab));
    if (cfg.ci) new MergeRequestCi(this, "MergeRequestCi", mergeRequestCiProps(props, names, cfg.ci, gitlab, deployToken));
    addRunners(this, props, names, gitlab);
    addGitSync(this, props, names);

    this.outputs(props, names, gitlab, deployToken);
  }

  /** The project's Terraform outputs, named `<outputKey>_*`. */
  private outputs(props: ProjectDeliveryProps, names: ProjectNames, gitlab: GitlabProject, deployToken: DeployToken): void {
    const { path } = props.project;
    const { outputKey: key, pipelineName } = names;
    const region = StackEnv.of(this).region;
    // The pipeline waits for the handshake (count 0), so its name is output as configured.
    new TerraformOutput(this, "pipeline", { value: pipelineName, description: `CodePipeline of ${path}` }).overrideLogicalId(`${key}_pipeline`);
    new TerraformOutput(this, "pipeline_url", {
      value: `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipelineName}/view?region=${region}`,
      description: `Console page of the pipeline of ${path}`,
    }).overrideLogicalId(`${key}_pipeline_url`);
    new TerraformOutput(this, "connection_url", {
      value: props.connection.consoleUrl,
      description: `Console page of the connection the pipeline of ${path} uses (its status, and the handshake while PENDING)`,
    }).overrideLogicalId(`${key}_connection_url`);
    new TerraformOutput(this, "gitlab_url", { value: gitlab.webUrl, description: `GitLab page of ${path}` }).overrideLogicalId(`${key}_gitlab_url`);
    new TerraformOutput(this, "full_repository_id", {
      value: gitlab.pathWithNamespace,
      description: `FullRepositoryId the pipeline reads (${path})`,
    }).overrideLogicalId(`${key}_full_repository_id`);
    new TerraformOutput(this, "deploy_token_secret_arn", {
      value: deployToken.secret.arn,
      description: `Secrets Manager secret holding the deploy token of ${path} (the value itself is never an output)`,
    }).overrideLogicalId(`${key}_deploy_token_secret_arn`);
  }
}
