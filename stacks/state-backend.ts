import { CloudBackend, HttpBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { join } from "node:path";
import { DeliveryConfig } from "../config/schema";

/**
 * The backend of one stack: each stack has a state of its own, keyed by the stack name.
 * Credentials never come from the config: Terraform Cloud reads TF_TOKEN_<host>, S3 the AWS
 * credential chain, the GitLab HTTP backend TF_HTTP_USERNAME / TF_HTTP_PASSWORD.
 * `localRoot` is the project root as seen from the stack's synthesized folder.
 */
export function stateBackend(stack: TerraformStack, config: DeliveryConfig, localRoot: string): void {
  const name = stack.node.id;
  const state = config.state;
  switch (state.backend) {
    case "local":
      new LocalBackend(stack, { path: join(localRoot, state.local?.directory ?? ".", `terraform.${name}.tfstate`) });
      return;
    case "terraform-cloud": {
      const cloud = state.terraformCloud!;
      new CloudBackend(stack, {
        organization: cloud.organization,
        hostname: cloud.hostname,
        workspaces: new NamedCloudWorkspace(cloud.workspaceName.replace("{stack}", name), cloud.project),
      });
      return;
    }
    case "s3": {
      const s3 = state.s3!;
      const backend = new S3Backend(stack, {
        bucket: s3.bucket,
        key: `${s3.keyPrefix}/${name}.tfstate`,
        region: s3.region ?? config.aws.region,
        encrypt: true,
        kmsKeyId: s3.kmsKeyId,
        dynamodbTable: s3.dynamodbTable,
      });
      // cdktf 0.21's S3Backend has no use_lockfile (S3-native locking, Terraform >= 1.10).
      if (s3.useLockfile) backend.addOverride("use_lockfile", true);
      return;
    }
    case "gitlab": {
      const base = `${config.gitlab.kind === "gitlab.com" ? "https://gitlab.com" : config.gitlab.url}/api/v4/projects/${state.gitlab!.projectId}/terraform/state/${name}`;
      new HttpBackend(stack, {
        address: base,
        lockAddress: `${base}/lock`,
        unlockAddress: `${base}/lock`,
        lockMethod: "POST",
        unlockMethod: "DELETE",
        retryWaitMin: 5,
      });
      return;
    }
  }
}
