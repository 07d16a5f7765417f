import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { ProjectAccessToken } from "@cdktf/provider-gitlab/lib/project-access-token";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { StackEnv } from "../core/stack-env";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { awsName } from "../core/rules/aws-name";
import { IArtifactStore } from "../artifact-store/artifact-store";
import { GitlabProject } from "../gitlab-project/gitlab-project";
import { ServiceRole } from "../iam/service-role";

export interface CommitStatusProps {
  /** Base of the function's name. */
  readonly name: string;
  /** The GitLab project the statuses are posted to (its access token is made here). */
  readonly project: GitlabProject;
  /** The pipeline whose executions are reported. */
  readonly pipelineName: string;
  /** `https://host/api/v4` of the GitLab instance. */
  readonly gitlabApiUrl: string;
  /** Whose key encrypts the token's secret. */
  readonly artifactStore: IArtifactStore;
  /** Expiry of the project access token (YYYY-MM-DD). */
  readonly tokenExpiresAt: string;
  /** Secrets Manager name of the token. */
  readonly secretName: string;
}

/** The project root (where package.json is), from the sources or from the bundle in .build/. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Commit statuses back on GitLab: an EventBridge rule on the pipeline's execution state
 * changes invokes a small Node.js Lambda that reads the execution and sets running, then
 * success, failed or canceled, on the commit and branch it built, linking to the execution
 * (the state table is in lambda/commit-status/index.js). Its GitLab token is a project access
 * token (the commit status API needs the api scope, Developer role), expiring, kept in Secrets
 * Manager; the function may read only that secret and that pipeline's executions: the
 * execution itself (its state and commit) and its action executions (the source action's
 * BranchName).
 */
export class CommitStatus extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: CommitStatusProps) {
    super(scope, id);
    const token = new ProjectAccessToken(this, "Token", {
      project: props.project.projectId,
      name: "aws-codepipeline-status",
      description: "Sets commit statuses from AWS CodePipeline (gitlab-aws-delivery)",
      scopes: ["api"],
      accessLevel: "developer",
      expiresAt: props.tokenExpiresAt,
      // A new expiry replaces the token: the new one (and its secret version) comes first.
      lifecycle: { createBeforeDestroy: true },
    });
    const secret = new SecretsmanagerSecret(this, "Secret", {
      name: props.secretName,
      description: `GitLab project access token that sets commit statuses on ${props.project.path}`,
      kmsKeyId: props.artifactStore.keyArn,
      recoveryWindowInDays: 7,
    });
    new SecretsmanagerSecretVersion(this, "SecretValue", { secretId: secret.id, secretString: token.token, lifecycle: { createBeforeDestroy: true } });

    const functionName = awsName(props.name, "status", 64);
    const logs = new CloudwatchLogGroup(this, "Logs", { name: `/aws/lambda/${functionName}`, retentionInDays: 90 });
    const role = new ServiceRole(this, "Role", { name: awsName(props.name, "status", 64), service: "lambda.amazonaws.com" });
    role.addGrant({ sid: "WriteLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logs.arn}:*`] });
    role.addGrant({ sid: "ReadToken", actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] });
    role.addGrant({ sid: "DecryptToken", actions: ["kms:Decrypt"], resources: [props.artifactStore.keyArn] });
    role.addGrant({
      sid: "ReadExecutions",
      actions: ["codepipeline:GetPipelineExecution", "codepipeline:ListActionExecutions"],
      resources: [StackEnv.of(this).arn("codepipeline", props.pipelineName)],
    });

    const code = new TerraformAsset(this, "Code", { path: join(projectRoot(), "lambda", "commit-status"), type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "Resource", {
      functionName,
      description: `Commit statuses on GitLab for the pipeline ${props.pipelineName}`,
      role: role.arn,
      runtime: "nodejs20.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: code.assetHash,
      // Above the handler's own bound: it asks the context for the time left and keeps 5 s.
      timeout: 60,
      memorySize: 128,
      environment: {
        variables: {
          GITLAB_API_URL: props.gitlabApiUrl,
          PROJECT_PATH: props.project.pathWithNamespace,
          TOKEN_SECRET_ARN: secret.arn,
          STATUS_NAME: "aws-codepipeline",
        },
      },
      dependsOn: [logs],
    });
    const rule = new CloudwatchEventRule(this, "OnExecution", {
      name: awsName(props.name, "status", 64),
      description: `Execution state changes of ${props.pipelineName}`,
      eventPattern: JSON.stringify({
        source: ["aws.codepipeline"],
        "detail-type": ["CodePipeline Pipeline Execution State Change"],
        detail: { pipeline: [props.pipelineName] },
      }),
    });
    new CloudwatchEventTarget(this, "Target", { rule: rule.name, arn: this.function.arn });
    new LambdaPermission(this, "InvokeFromRule", {
      statementId: "AllowEventBridge",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });
  }
}
