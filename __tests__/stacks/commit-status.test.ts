import { ProjectAccessToken } from "@cdktf/provider-gitlab/lib/project-access-token";
import { byPath, only, rawConfig, rawProject, statements, synth } from "../helpers";

const P = "acme__platform__payments-api";

describe("commit statuses back on GitLab", () => {
  const { json, text } = synth(rawConfig({ projects: [rawProject({ pipeline: { statusOnGitlab: true } })] }));
  const fn = only(json, "aws_lambda_function");
  const rule = only(json, "aws_cloudwatch_event_rule");
  const secret = byPath(json, "aws_secretsmanager_secret", `${P}/CommitStatus/Secret`);

  test("a project access token with the least scope that sets statuses, expiring, stored only in Secrets Manager", () => {
    expect(text).toHaveResourceWithProperties(ProjectAccessToken, {
      name: "aws-codepipeline-status",
      scopes: ["api"],
      access_level: "developer",
      expires_at: "2027-06-30",
    });
    const token = `gitlab_project_access_token.${only(json, "gitlab_project_access_token").name}.token`;
    expect(byPath(json, "aws_secretsmanager_secret_version", `${P}/CommitStatus/SecretValue`).body.secret_string).toBe(`\${${token}}`);
    expect(secret.body.kms_key_id).toBe(`\${aws_kms_key.${only(json, "aws_kms_key").name}.arn}`);
  });

  test("an EventBridge rule on this pipeline's execution state changes invokes the function", () => {
    expect(JSON.parse(rule.body.event_pattern)).toEqual({
      source: ["aws.codepipeline"],
      "detail-type": ["CodePipeline Pipeline Execution State Change"],
      detail: { pipeline: ["acme-platform-payments-api"] },
    });
    expect(only(json, "aws_cloudwatch_event_target").body).toEqual({
      rule: `\${aws_cloudwatch_event_rule.${rule.name}.name}`,
      arn: `\${aws_lambda_function.${fn.name}.arn}`,
    });
    expect(only(json, "aws_lambda_permission").body).toEqual({
      statement_id: "AllowEventBridge",
      action: "lambda:InvokeFunction",
      function_name: `\${aws_lambda_function.${fn.name}.function_name}`,
      principal: "events.amazonaws.com",
      source_arn: `\${aws_cloudwatch_event_rule.${rule.name}.arn}`,
    });
  });

  test("the function is packaged from lambda/commit-status and told where GitLab, the project and the token are", () => {
    expect(fn.body).toMatchObject({
      function_name: "acme-platform-payments-api-status",
      runtime: "nodejs20.x",
      handler: "index.handler",
      timeout: 60,
      environment: {
        variables: {
          GITLAB_API_URL: "https://gitlab.com/api/v4",
          PROJECT_PATH: `\${gitlab_project.${only(json, "gitlab_project").name}.path_with_namespace}`,
          TOKEN_SECRET_ARN: `\${aws_secretsmanager_secret.${secret.name}.arn}`,
          STATUS_NAME: "aws-codepipeline",
        },
      },
    });
    expect(fn.body.filename).toMatch(/^assets\/[\w-]+_CommitStatus_Code_[0-9A-F]{8}\/[0-9A-F]{32}\/archive\.zip$/);
    expect(fn.body.source_code_hash).toBe(fn.body.filename.split("/")[2]);
  });

  test("its role reads that secret and that pipeline's executions only", () => {
    const s = statements(json, `${P}/CommitStatus/Role/PolicyDocument`);
    expect(Object.keys(s)).toEqual(["WriteLogs", "ReadToken", "DecryptToken", "ReadExecutions"]);
    expect(s.ReadToken.resources).toEqual([`\${aws_secretsmanager_secret.${secret.name}.arn}`]);
    // The execution's state and commit, and its source action's BranchName: nothing else, on this pipeline only.
    expect(s.ReadExecutions).toEqual({
      sid: "ReadExecutions",
      effect: "Allow",
      actions: ["codepipeline:GetPipelineExecution", "codepipeline:ListActionExecutions"],
      resources: ["arn:aws:codepipeline:eu-west-1:${data.aws_caller_identity.Account.account_id}:acme-platform-payments-api"],
    });
  });

  test("off by default", () => {
    expect(synth().json.resource.aws_lambda_function).toBeUndefined();
  });
});
