import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { awsName, projectBaseName, projectConstructId } from "../config/naming";
import { DeliveryConfig, ProjectConfig } from "../config/schema";
import { ArtifactStore } from "../modules/artifact-store/artifact-store";
import { BuildProject } from "../modules/build/build-project";
import { GitlabConnection } from "../modules/connection/gitlab-connection";
import { DeployToken } from "../modules/deploy-token/deploy-token";
import { GitlabProject } from "../modules/gitlab-project/gitlab-project";
import { GitlabPipeline } from "../modules/pipeline/gitlab-pipeline";

/** GitLab.com's API; the token comes from GITLAB_TOKEN in the environment, never the YAML. */
export const GITLAB_COM_API = "https://gitlab.com/api/v4/";

export interface DeliveryStackOptions {
  /** Local state file of a stack, relative to the stack's synthesized folder. */
  readonly localStatePath: (stack: string) => string;
}

/**
 * One deployable unit: the connection and artifact store it shares, and per project the
 * GitLab project, its deploy token, a build project and the pipeline linking them.
 */
export class DeliveryStack extends TerraformStack {
  readonly connection: GitlabConnection;
  readonly artifactStore: ArtifactStore;

  constructor(scope: Construct, config: DeliveryConfig, options: DeliveryStackOptions) {
    super(scope, config.name);
    new LocalBackend(this, { path: options.localStatePath(config.name) });
    new AwsProvider(this, "aws", {
      region: config.aws.region,
      defaultTags: [{ tags: { "managed-by": "gitlab-aws-delivery", ...config.aws.defaultTags } }],
    });
    new GitlabProvider(this, "gitlab", { baseUrl: GITLAB_COM_API });
    const account = new DataAwsCallerIdentity(this, "Account");

    this.connection = new GitlabConnection(this, "Connection", { name: config.connection.name, region: config.aws.region });
    this.artifactStore = new ArtifactStore(this, "ArtifactStore", {
      bucketPrefix: `${awsName(config.name, "artifacts", 36)}-`,
      keyAlias: awsName(config.name, "artifacts", 200),
    });

    for (const project of config.projects) {
      new ProjectDelivery(this, projectConstructId(project.path), {
        project,
        accountId: account.accountId,
        connection: this.connection,
        artifactStore: this.artifactStore,
      });
    }

    new TerraformOutput(this, "connection_arn", { value: this.connection.arn, description: "ARN of the GitLab connection" });
    new TerraformOutput(this, "connection_status", {
      value: this.connection.status,
      description: "PENDING until someone completes the handshake in the console; pipelines are created once it is AVAILABLE",
    });
    new TerraformOutput(this, "connection_handshake_url", {
      value: this.connection.consoleUrl,
      description:
        "Open this page, choose 'Update pending connection' and authorize as a GitLab user with the Owner role on each project",
    });
    new TerraformOutput(this, "artifact_bucket", { value: this.artifactStore.bucket.bucket, description: "Artifact bucket" });
  }
}

interface ProjectDeliveryProps {
  readonly project: ProjectConfig;
  readonly accountId: string;
  readonly connection: GitlabConnection;
  readonly artifactStore: ArtifactStore;
}

/** Everything one GitLab project gets; its construct id is derived from the project path. */
class ProjectDelivery extends Construct {
  constructor(scope: Construct, id: string, props: ProjectDeliveryProps) {
    super(scope, id);
    const cfg = props.project;
    const base = projectBaseName(cfg.path, cfg.name);
    const gitlab = new GitlabProject(this, "GitlabProject", {
      path: cfg.path,
      mode: cfg.mode,
      defaultBranch: cfg.defaultBranch,
      visibility: cfg.visibility,
      description: cfg.description,
    });
    const deployToken = new DeployToken(this, "DeployToken", {
      project: gitlab,
      secretName: `gitlab-aws-delivery/${cfg.path}/deploy-token`,
      kmsKeyArn: props.artifactStore.key.arn,
      expiresAt: cfg.deployToken.expiresAt,
      scopes: cfg.deployToken.scopes,
      name: cfg.deployToken.name,
      username: cfg.deployToken.username,
    });
    const pipelineCfg = cfg.pipeline;
    const build = new BuildProject(this, "Build", {
      name: awsName(base, "", 100),
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
        pipelineCfg.artifactFormat === "CODEBUILD_CLONE_REF"
          ? { connection: props.connection, fullRepositoryId: gitlab.pathWithNamespace }
          : undefined,
    });
    const pipeline = new GitlabPipeline(this, "Pipeline", {
      name: awsName(base, "", 100),
      accountId: props.accountId,
      project: gitlab,
      connection: props.connection,
      artifactStore: props.artifactStore,
      build,
      branch: pipelineCfg.branch ?? cfg.defaultBranch,
      executionMode: pipelineCfg.executionMode,
      artifactFormat: pipelineCfg.artifactFormat,
      push: pipelineCfg.triggers.push,
      mergeRequests: pipelineCfg.triggers.mergeRequests,
    });

    const key = projectConstructId(cfg.path).replace(/[^A-Za-z0-9_]/g, "_");
    new TerraformOutput(this, "pipeline", {
      staticId: true,
      value: pipeline.pipeline.name,
      description: `CodePipeline of ${cfg.path}`,
    }).overrideLogicalId(`${key}_pipeline`);
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
