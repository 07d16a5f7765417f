import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { ProjectDeployToken } from "@cdktf/provider-gitlab/lib/project-deploy-token";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { GitlabProject } from "../gitlab-project/gitlab-project";
import { IRoleGrantee } from "../iam/grantee";

export interface DeployTokenProps {
  /** The GitLab project the token reads. */
  readonly project: GitlabProject;
  /** Secrets Manager secret name. */
  readonly secretName: string;
  /** KMS key (ARN token) that encrypts the secret. */
  readonly kmsKeyArn: string;
  /** Expiry date `YYYY-MM-DD` (UTC); mandatory so that no token lives forever. */
  readonly expiresAt: string;
  /** What the token may do on the project. @default ["read_repository"] */
  readonly scopes?: readonly string[];
  /** Name of the token on GitLab. @default "aws-delivery" */
  readonly name?: string;
  /** Username the token authenticates as. @default - GitLab chooses `gitlab+deploy-token-<id>` */
  readonly username?: string;
  /** Tags of the secret. @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
}

/**
 * A project deploy token whose value goes straight from the GitLab provider into a Secrets
 * Manager secret (a cross-provider reference): it is never written in the config, the
 * CodeBuild project or an output.
 */
export class DeployToken extends Construct {
  readonly token: ProjectDeployToken;
  readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: DeployTokenProps) {
    super(scope, id);
    this.token = new ProjectDeployToken(this, "Resource", {
      project: props.project.projectId,
      name: props.name ?? "aws-delivery",
      username: props.username,
      scopes: [...(props.scopes ?? ["read_repository"])],
      expiresAt: `${props.expiresAt}T00:00:00Z`,
      // GitLab cannot change a token: a new expiry replaces it. The new token (and the secret
      // version holding it) comes first, so builds never read a revoked one.
      lifecycle: { createBeforeDestroy: true },
    });
    this.secret = new SecretsmanagerSecret(this, "Secret", {
      name: props.secretName,
      description: `GitLab deploy token of ${props.project.path}`,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: 7,
      tags: props.tags,
    });
    new SecretsmanagerSecretVersion(this, "SecretValue", {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({ username: this.token.username, token: this.token.token }),
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** CodeBuild environment-variable value for a JSON key of the secret (type SECRETS_MANAGER). */
  secretReference(key: "username" | "token"): string {
    return `${this.secret.arn}:${key}`;
  }

  /** Read this secret only. */
  grantRead(grantee: IRoleGrantee): void {
    grantee.addGrant({ sid: "DeployTokenSecret", actions: ["secretsmanager:GetSecretValue"], resources: [this.secret.arn] });
  }
}
