import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { stateBackend } from "./state-backend";
import { requireTerraform } from "./terraform-version";
import { DeliveryConfig } from "../config/schema";
import { awsName } from "../modules/core/rules/aws-name";
import { instanceHost } from "../config/instance-url";
import { GitlabConnection } from "../modules/connection/gitlab-connection";
import { GitlabHost } from "../modules/connection/gitlab-host";
import { codebuildSourceCredential } from "../modules/connection/source-credential";
import { GitlabCiOidc } from "../modules/oidc/gitlab-ci-oidc";

export interface StackOptions {
  /** The project root as seen from a stack's synthesized folder (for local state paths). */
  readonly localRoot: string;
}

/** Name of the stack that holds what every project shares. */
export function sharedStackName(config: DeliveryConfig): string {
  return `${config.name}-shared`;
}

/** AWS provider with the configured region and default tags (every stack declares one). */
export function awsProvider(scope: Construct, config: DeliveryConfig): AwsProvider {
  return new AwsProvider(scope, "aws", {
    region: config.aws.region,
    defaultTags: [{ tags: { "managed-by": "gitlab-aws-delivery", ...config.aws.defaultTags } }],
  });
}

/** CodeBuild's name for the kind of GitLab in the config. */
export function codebuildServerType(config: DeliveryConfig): "GITLAB" | "GITLAB_SELF_MANAGED" {
  return config.gitlab.kind === "gitlab.com" ? "GITLAB" : "GITLAB_SELF_MANAGED";
}

/** The GitLab API base URL the GitLab provider uses (the token comes from GITLAB_TOKEN). */
export function gitlabApiUrl(config: DeliveryConfig): string {
  return `${config.gitlab.kind === "gitlab.com" ? "https://gitlab.com" : config.gitlab.url}/api/v4/`;
}

/**
 * The connection every project's pipeline uses (and, for a self-managed instance, its
 * host), in a stack of its own: created once, set up once, and no team's plan can replace it.
 */
export class SharedStack extends TerraformStack {
  readonly connection: GitlabConnection;
  readonly host?: GitlabHost;

  constructor(scope: Construct, config: DeliveryConfig, options: StackOptions) {
    const name = sharedStackName(config);
    super(scope, name);
    stateBackend(this, config, options.localRoot);
    requireTerraform(this);
    awsProvider(this, config);
    if (config.gitlab.kind !== "gitlab.com") {
      const url = config.gitlab.url!;
      this.host = new GitlabHost(this, "Host", {
        name: awsName(config.name, "gitlab", 64),
        endpoint: url,
        port: instanceHost(url).port,
        vpc: config.gitlab.vpc,
      });
      new TerraformOutput(this, "host_arn", { value: this.host.arn, description: `ARN of the CodeConnections host for ${url}` });
      new TerraformOutput(this, "host_setup", {
        value:
          `The host for ${url} starts PENDING: in https://console.aws.amazon.com/codesuite/settings/connections (Hosts tab, region ` +
          `${config.aws.region}) choose it, 'Set up host', and enter a GitLab personal access token with the api scope of an ` +
          `administrator of ${url}. Then complete the connection handshake (connection_handshake_url).`,
        description: "How to finish the host (a person must do it once)",
      });
    }
    this.connection = new GitlabConnection(this, "Connection", { name: config.connection.name, host: this.host });
    if (config.projects.some((p) => p.ci || p.runners.length > 0)) {
      // Account-wide: merge-request CI builds and runners authenticate through the connection with it.
      codebuildSourceCredential(this, "CodebuildSourceCredential", { connection: this.connection, serverType: codebuildServerType(config) });
    }

    const oidc = config.ci?.oidc;
    if (oidc) {
      const ci = new GitlabCiOidc(this, "CiOidc", {
        issuerUrl: config.gitlab.kind === "gitlab.com" ? "https://gitlab.com" : config.gitlab.url!,
        project: oidc.project,
        applyBranch: oidc.applyBranch,
        namePrefix: config.name,
      });
      new TerraformOutput(this, "ci_plan_role_arn", {
        value: ci.planRole.arn,
        description: `Role the plan jobs of ${oidc.project} assume (AWS_ROLE_ARN with an id_tokens token, any branch or merge request)`,
      });
      new TerraformOutput(this, "ci_apply_role_arn", {
        value: ci.applyRole.arn,
        description: `Role the apply job of ${oidc.project} assumes (branch ${oidc.applyBranch} only)`,
      });
    }
    new TerraformOutput(this, "connection_arn", { value: this.connection.arn, description: "ARN of the GitLab connection" });
    new TerraformOutput(this, "connection_status", {
      value: this.connection.status,
      description: "PENDING until someone completes the handshake in the console; pipelines are created once it is AVAILABLE",
    });
    new TerraformOutput(this, "connection_handshake_url", {
      value: this.connection.consoleUrl,
      description: "Open this page, choose 'Update pending connection' and authorize as a GitLab user with the Owner role on each project",
    });
  }
}
