import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DeliveryConfig } from "../config/schema";
import { GitlabConnection } from "../modules/connection/gitlab-connection";

export interface StackOptions {
  /** Local state file of a stack, relative to the stack's synthesized folder. */
  readonly localStatePath: (stack: string) => string;
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

/**
 * The connection every project's pipeline uses, in a stack of its own: it is created
 * once, handshaken once, and no team's plan can replace it.
 */
export class SharedStack extends TerraformStack {
  readonly connection: GitlabConnection;

  constructor(scope: Construct, config: DeliveryConfig, options: StackOptions) {
    const name = sharedStackName(config);
    super(scope, name);
    new LocalBackend(this, { path: options.localStatePath(name) });
    awsProvider(this, config);
    this.connection = new GitlabConnection(this, "Connection", { name: config.connection.name, region: config.aws.region });

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
