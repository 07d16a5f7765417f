import { byPath, connectionArnRef, only, rawConfig, rawProject, statements, synth } from "../helpers";

const P = "acme__platform__payments-api";

describe("least-privilege IAM", () => {
  const { json, shared } = synth();
  const ref = (type: string, fragment: string, attr: string) => `\${${type}.${byPath(json, type, fragment).name}.${attr}}`;
  const conn = connectionArnRef(shared.json);
  const bucket = `\${aws_s3_bucket.${only(json, "aws_s3_bucket").name}.arn}`;
  const key = `\${aws_kms_key.${only(json, "aws_kms_key").name}.arn}`;
  const repo = `\${gitlab_project.${only(json, "gitlab_project").name}.path_with_namespace}`;

  test("the pipeline role: UseConnection under both prefixes on this connection and repository, StartBuild on its project, S3 and KMS on the store", () => {
    expect(statements(json, `${P}/Pipeline/Role/PolicyDocument`)).toEqual({
      UseConnection: {
        sid: "UseConnection",
        effect: "Allow",
        actions: ["codeconnections:UseConnection"],
        resources: [conn],
        condition: [{ test: "StringEquals", variable: "codeconnections:FullRepositoryId", values: [repo] }],
      },
      UseConnectionLegacyPrefix: {
        sid: "UseConnectionLegacyPrefix",
        effect: "Allow",
        actions: ["codestar-connections:UseConnection"],
        resources: [conn],
        condition: [{ test: "StringEquals", variable: "codestar-connections:FullRepositoryId", values: [repo] }],
      },
      ArtifactObjects: {
        sid: "ArtifactObjects",
        effect: "Allow",
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        resources: [`${bucket}/*`],
      },
      ArtifactBucket: {
        sid: "ArtifactBucket",
        effect: "Allow",
        actions: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
        resources: [bucket],
      },
      ArtifactKey: {
        sid: "ArtifactKey",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        resources: [key],
      },
      StartBuild: {
        sid: "StartBuild",
        effect: "Allow",
        actions: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"],
        resources: [ref("aws_codebuild_project", `${P}/Build`, "arn")],
      },
    });
  });

  test("the CodeBuild role with CODE_ZIP: logs, reports, artifacts, the deploy-token secret, and no connection", () => {
    const s = statements(json, `${P}/Build/Role/PolicyDocument`);
    expect(Object.keys(s).sort()).toEqual(["ArtifactBucket", "ArtifactKey", "ArtifactObjects", "DeployTokenSecret", "TestReports", "WriteLogs"]);
    expect(s.WriteLogs.resources).toEqual([`${ref("aws_cloudwatch_log_group", `${P}/Build/Logs`, "arn")}:*`]);
    expect(s.WriteLogs.actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(s.TestReports.resources).toEqual([ref("aws_codebuild_report_group", `${P}/Build/TestReports`, "arn")]);
    expect(s.DeployTokenSecret).toEqual({
      sid: "DeployTokenSecret",
      effect: "Allow",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [ref("aws_secretsmanager_secret", `${P}/DeployToken/Secret`, "arn")],
    });
  });

  test("the CodeBuild role gets UseConnection only when the source artifact is CODEBUILD_CLONE_REF", () => {
    const clone = synth(rawConfig({ projects: [rawProject({ pipeline: { artifactFormat: "CODEBUILD_CLONE_REF" } })] }));
    const s = statements(clone.json, `${P}/Build/Role/PolicyDocument`);
    expect(s.UseConnection.actions).toEqual(["codeconnections:UseConnection"]);
    expect(s.UseConnectionLegacyPrefix.actions).toEqual(["codestar-connections:UseConnection"]);
    expect(s.UseConnection.resources).toEqual([connectionArnRef(clone.shared.json)]);
  });

  test("roles trust only their service, acting for this account (one trust document per service and stack)", () => {
    const account = "${data.aws_caller_identity.Account.account_id}";
    for (const [fragment, service] of [
      ["Trust-codepipeline", "codepipeline.amazonaws.com"],
      ["Trust-codebuild", "codebuild.amazonaws.com"],
    ]) {
      expect(json.data.aws_iam_policy_document[fragment].statement).toEqual([
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [service] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account] }],
        },
      ]);
    }
    const role = byPath(json, "aws_iam_role", `${P}/Pipeline/Role`).body;
    expect(role.assume_role_policy).toBe("${data.aws_iam_policy_document.Trust-codepipeline.json}");
    expect(byPath(json, "aws_iam_role", `${P}/Build/Role`).body.assume_role_policy).toBe("${data.aws_iam_policy_document.Trust-codebuild.json}");
  });

  test("no Allow statement anywhere has a wildcard action or a * resource", () => {
    const allows = Object.values(json.data.aws_iam_policy_document).flatMap((d: any) => d.statement.filter((s: any) => s.effect === "Allow"));
    expect(allows.length).toBeGreaterThan(10);
    for (const s of allows) {
      for (const a of s.actions) expect(a).not.toContain("*");
      for (const r of s.resources ?? []) expect(r).not.toBe("*");
    }
  });

  test("policies are attached from the policy-document data source, not hand-built JSON", () => {
    const policies = Object.values(json.resource.aws_iam_role_policy) as Array<{ policy: string; role: string }>;
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const doc = /^\$\{data\.aws_iam_policy_document\.([\w-]+_PolicyDocument_[0-9A-F]{8})\.json\}$/.exec(policy.policy);
      expect(doc).not.toBeNull();
      expect(json.data.aws_iam_policy_document[doc![1]].statement.length).toBeGreaterThan(0);
      expect(policy.role).toMatch(/^\$\{aws_iam_role\.[\w-]+\.id\}$/);
    }
  });
});
