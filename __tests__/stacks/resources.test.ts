import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildReportGroup } from "@cdktf/provider-aws/lib/codebuild-report-group";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { DataGitlabGroup } from "@cdktf/provider-gitlab/lib/data-gitlab-group";
import { Project } from "@cdktf/provider-gitlab/lib/project";
import { ProjectDeployToken } from "@cdktf/provider-gitlab/lib/project-deploy-token";
import { byPath, only, rawConfig, rawProject, synth } from "../helpers";

const P = "acme__platform__payments-api";

describe("GitlabProject", () => {
  const { json, text } = synth();

  test("creates the project in its group, found by full path, and guards it", () => {
    const group = only(json, "gitlab_group", "data");
    expect(text).toHaveDataSourceWithProperties(DataGitlabGroup, { full_path: "acme/platform" });
    expect(text).toHaveResourceWithProperties(Project, {
      name: "payments-api",
      path: "payments-api",
      namespace_id: `\${data.gitlab_group.${group.name}.group_id}`,
      default_branch: "main",
      visibility_level: "private",
      archive_on_destroy: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("DeployToken", () => {
  const { json, text } = synth();
  const token = `gitlab_project_deploy_token.${only(json, "gitlab_project_deploy_token").name}`;

  test("is a project deploy token (not the deprecated gitlab_deploy_token) with least scopes and an RFC 3339 expiry", () => {
    expect(json.resource.gitlab_deploy_token).toBeUndefined();
    expect(text).toHaveResourceWithProperties(ProjectDeployToken, {
      project: `\${gitlab_project.${only(json, "gitlab_project").name}.id}`,
      name: "aws-delivery",
      scopes: ["read_repository"],
      expires_at: "2027-06-30T00:00:00Z",
    });
  });

  test("a new expiry makes a new token before the old one is revoked (GitLab cannot change a token)", () => {
    expect(only(json, "gitlab_project_deploy_token").body.lifecycle).toEqual({ create_before_destroy: true });
  });

  test("its value goes only into a KMS-encrypted Secrets Manager secret", () => {
    const secret = byPath(json, "aws_secretsmanager_secret", `${P}/DeployToken/Secret`);
    expect(text).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: "gitlab-aws-delivery/acme/platform/payments-api/deploy-token",
      kms_key_id: `\${aws_kms_key.${only(json, "aws_kms_key").name}.arn}`,
      recovery_window_in_days: 7,
    });
    expect(only(json, "aws_secretsmanager_secret_version").body).toEqual({
      secret_id: `\${aws_secretsmanager_secret.${secret.name}.id}`,
      secret_string: `\${jsonencode({"username" = ${token}.username, "token" = ${token}.token})}`,
      lifecycle: { create_before_destroy: true },
    });
    const mentions = JSON.stringify(json).match(new RegExp(`${token.replace(/[.]/g, "\\.")}\\.token`, "g"));
    expect(mentions).toHaveLength(1);
  });

  test("CodeBuild reads it from the secret (SECRETS_MANAGER), never as plain text", () => {
    const secretArn = `\${aws_secretsmanager_secret.${byPath(json, "aws_secretsmanager_secret", `${P}/DeployToken/Secret`).name}.arn}`;
    const vars = only(json, "aws_codebuild_project").body.environment.environment_variable;
    expect(vars).toEqual([
      { name: "GITLAB_DEPLOY_TOKEN_USERNAME", value: `${secretArn}:username`, type: "SECRETS_MANAGER" },
      { name: "GITLAB_DEPLOY_TOKEN", value: `${secretArn}:token`, type: "SECRETS_MANAGER" },
    ]);
  });

  test("scopes, name and username come from the config", () => {
    const { text: t } = synth(
      rawConfig({
        projects: [rawProject({ deployToken: { expiresAt: "2027-01-15", name: "ci", username: "aws-ci", scopes: ["read_repository", "read_registry"] } })],
      }),
    );
    expect(t).toHaveResourceWithProperties(ProjectDeployToken, {
      name: "ci",
      username: "aws-ci",
      scopes: ["read_repository", "read_registry"],
      expires_at: "2027-01-15T00:00:00Z",
    });
  });
});

describe("ArtifactStore", () => {
  const { json, text } = synth();
  const bucket = only(json, "aws_s3_bucket");
  const bucketRef = (attr: string) => `\${aws_s3_bucket.${bucket.name}.${attr}}`;
  const keyArn = `\${aws_kms_key.${only(json, "aws_kms_key").name}.arn}`;

  test("the bucket is retained and named from the config", () => {
    expect(bucket.body).toEqual({ bucket_prefix: "acme-delivery-acme-artifacts-", force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  test("the KMS key rotates and is retained; an alias names it", () => {
    expect(text).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, "aws_kms_alias").body).toEqual({
      name: "alias/acme-delivery-acme-artifacts",
      target_key_id: `\${aws_kms_key.${only(json, "aws_kms_key").name}.key_id}`,
    });
  });

  test("versioning on, all public access blocked, owner-enforced, KMS by default", () => {
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, { bucket: bucketRef("id"), versioning_configuration: { status: "Enabled" } });
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: bucketRef("id"),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(json, "aws_s3_bucket_ownership_controls").body.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(only(json, "aws_s3_bucket_server_side_encryption_configuration").body.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: keyArn }, bucket_key_enabled: true },
    ]);
  });

  test("the bucket policy denies every request without TLS", () => {
    const doc = byPath(json, "aws_iam_policy_document", "ArtifactStore/TlsOnlyPolicy", "data");
    expect(only(json, "aws_s3_bucket_policy").body).toEqual({ bucket: bucketRef("id"), policy: `\${data.aws_iam_policy_document.${doc.name}.json}` });
    expect(doc.body.statement).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [bucketRef("arn"), `${bucketRef("arn")}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });
});

describe("BuildProject", () => {
  const { json, text } = synth();

  test("runs the buildspec from the pipeline source, not privileged, encrypted with the artifact key, logging to its group", () => {
    const logs = byPath(json, "aws_cloudwatch_log_group", `${P}/Build/Logs`);
    expect(text).toHaveResourceWithProperties(CodebuildProject, {
      name: "acme-platform-payments-api",
      service_role: `\${aws_iam_role.${byPath(json, "aws_iam_role", `${P}/Build/Role`).name}.arn}`,
      encryption_key: `\${aws_kms_key.${only(json, "aws_kms_key").name}.arn}`,
      build_timeout: 60,
      artifacts: { type: "CODEPIPELINE" },
      source: { type: "CODEPIPELINE", buildspec: "buildspec.yml" },
      logs_config: { cloudwatch_logs: { status: "ENABLED", group_name: `\${aws_cloudwatch_log_group.${logs.name}.name}` } },
    });
    const env = only(json, "aws_codebuild_project").body.environment;
    expect(env).toMatchObject({
      type: "LINUX_CONTAINER",
      image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
      compute_type: "BUILD_GENERAL1_SMALL",
      image_pull_credentials_type: "CODEBUILD",
      privileged_mode: false,
    });
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/codebuild/acme-platform-payments-api", retention_in_days: 90 });
  });

  test("a path with dots gives names CodeBuild accepts", () => {
    const { json: j } = synth(rawConfig({ projects: [rawProject({ path: "acme/web.site" })] }));
    expect(only(j, "aws_codebuild_project").body.name).toBe("acme-web-site");
    expect(only(j, "aws_codepipeline").body.name).toBe("acme-web-site");
  });

  test("has a test report group named as CodeBuild resolves `reports: tests:`", () => {
    expect(text).toHaveResourceWithProperties(CodebuildReportGroup, {
      name: "acme-platform-payments-api-tests",
      type: "TEST",
      export_config: { type: "NO_EXPORT" },
    });
  });

  test("image, compute, buildspec, timeout, privileged mode and plain variables come from the config, variables sorted", () => {
    const { json: j } = synth(
      rawConfig({
        projects: [
          rawProject({
            pipeline: {
              build: {
                image: "aws/codebuild/standard:7.0",
                computeType: "BUILD_GENERAL1_LARGE",
                buildspec: "ci/buildspec.yaml",
                timeoutMinutes: 30,
                privileged: true,
                privilegedReason: "builds Docker images",
                environmentVariables: { STAGE: "test", APP: "payments" },
              },
            },
          }),
        ],
      }),
    );
    const body = only(j, "aws_codebuild_project").body;
    expect(body.source.buildspec).toBe("ci/buildspec.yaml");
    expect(body.description).toBe("Build and test stage of the GitLab delivery pipeline. Privileged because: builds Docker images");
    expect(body.build_timeout).toBe(30);
    expect(body.environment).toMatchObject({ image: "aws/codebuild/standard:7.0", compute_type: "BUILD_GENERAL1_LARGE", privileged_mode: true });
    expect(body.environment.environment_variable.slice(0, 2)).toEqual([
      { name: "APP", value: "payments", type: "PLAINTEXT" },
      { name: "STAGE", value: "test", type: "PLAINTEXT" },
    ]);
  });
});
