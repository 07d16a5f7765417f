/*
 * GitlabRunner on a bare stack, as another cdktf app calls it (through index.ts): an
 * existing connection by ARN, an existing artifact store, a gate of its own. The
 * YAML-driven cases: __tests__/stacks/runners.test.ts.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { ArtifactStore, ConnectionGate, GitlabConnection, GitlabRunner, GitlabRunnerProps } from "../../index";
import { ConstructError } from "../../modules/core/construct-error";

type Json = Record<string, any>;
const ACCOUNT = "123456789012";
const CONNECTION_ARN = `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/0a1b2c3d-1111-2222-3333-444455556666`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0a1b2c3d-4444-5555-6666-777788889999`;
const GATE = '${(data.aws_codestarconnections_connection.Gate_Status_8645BB0D.connection_status != "PENDING") ? 1 : 0}';

function bareStack(region = "eu-west-1"): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region });
  return stack;
}

/** A runner for acme/app on an existing connection and artifact store, with overrides. */
function createRunner(stack: TerraformStack, overrides: Partial<GitlabRunnerProps> = {}): GitlabRunner {
  const connection = GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN);
  return new GitlabRunner(stack, "Runner", {
    name: "app-runner",
    connection,
    gate: new ConnectionGate(stack, "Gate", { connection, projects: ["acme/app"] }),
    artifactStore: ArtifactStore.fromAttributes(stack, "Artifacts", { bucketArn: "arn:aws:s3:::acme-artifacts", keyArn: KEY_ARN }),
    scope: { project: { fullRepositoryId: "acme/app", cloneUrl: "https://gitlab.com/acme/app.git" } },
    serverType: "GITLAB",
    ...overrides,
  });
}

/** The one resource of a type, without cdktf's metadata. */
function only(json: Json, type: string): Json {
  const all = Object.values<Json>(json.resource[type] ?? {});
  expect(all).toHaveLength(1);
  const { "//": _meta, ...body } = all[0];
  return body;
}

/** The runner role's statements, by sid. */
function statements(json: Json): Record<string, Json> {
  const [doc] = Object.entries<Json>(json.data.aws_iam_policy_document)
    .filter(([id]) => id.startsWith("Runner_Role_PolicyDocument_"))
    .map(([, d]) => d);
  return Object.fromEntries(doc.statement.map((s: Json) => [s.sid, s]));
}

const synthJson = (stack: TerraformStack): Json => JSON.parse(Testing.synth(stack, true));

describe("GitlabRunner, called as a library", () => {
  test("a project runner: its CodeBuild project reads the repository through the imported connection, encrypts with the imported key, waits for the gate", () => {
    const stack = bareStack();
    const runner = createRunner(stack, { concurrency: 2 });
    const json = synthJson(stack);
    expect(only(json, "aws_codebuild_project")).toEqual({
      name: "app-runner",
      description: "CodeBuild-hosted GitLab runner for acme/app",
      service_role: "${aws_iam_role.Runner_Role_4782C5F2.arn}",
      encryption_key: KEY_ARN,
      build_timeout: 60,
      concurrent_build_limit: 2,
      artifacts: { type: "NO_ARTIFACTS" },
      source: { type: "GITLAB", location: "https://gitlab.com/acme/app.git", auth: { type: "CODECONNECTIONS", resource: CONNECTION_ARN } },
      environment: {
        type: "LINUX_CONTAINER",
        image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        compute_type: "BUILD_GENERAL1_SMALL",
        image_pull_credentials_type: "CODEBUILD",
        privileged_mode: false,
      },
      logs_config: { cloudwatch_logs: { status: "ENABLED", group_name: "${aws_cloudwatch_log_group.Runner_Logs_679FF880.name}" } },
      count: GATE,
    });
    expect(only(json, "aws_codebuild_webhook")).toEqual({
      project_name: "app-runner",
      depends_on: ["aws_codebuild_project.Runner_A54BCE97"],
      build_type: "BUILD",
      filter_group: [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
      count: GATE,
    });
    expect(only(json, "aws_cloudwatch_log_group")).toEqual({ name: "/aws/codebuild/app-runner", retention_in_days: 90 });
    expect(json.resource.aws_codeconnections_connection).toBeUndefined();
    expect(runner.jobTag).toBe("codebuild-app-runner-$CI_PROJECT_ID-$CI_PIPELINE_IID-$CI_JOB_NAME");
  });

  test("the jobs' role: its logs, the imported key, the connection's token, and UseConnection for this repository only", () => {
    const stack = bareStack();
    createRunner(stack);
    const byId = statements(synthJson(stack));
    expect(Object.keys(byId).sort()).toEqual(["ArtifactKey", "ConnectionToken", "UseConnection", "UseConnectionLegacyPrefix", "WriteLogs"]);
    expect(byId.WriteLogs.resources).toEqual(["${aws_cloudwatch_log_group.Runner_Logs_679FF880.arn}:*"]);
    expect(byId.ArtifactKey.resources).toEqual([KEY_ARN]);
    expect(byId.UseConnection).toEqual({
      sid: "UseConnection",
      effect: "Allow",
      actions: ["codeconnections:UseConnection"],
      resources: [CONNECTION_ARN],
      condition: [{ test: "StringEquals", variable: "codeconnections:FullRepositoryId", values: ["acme/app"] }],
    });
  });

  test("a group runner on a self-managed instance: the webhook's GITLAB_GROUP scope names the instance; UseConnection for the group's repositories", () => {
    const stack = bareStack();
    createRunner(stack, { serverType: "GITLAB_SELF_MANAGED", scope: { group: { path: "acme/platform", domain: "https://gitlab.acme.example" } } });
    const json = synthJson(stack);
    expect(only(json, "aws_codebuild_project").source).toEqual({
      type: "GITLAB_SELF_MANAGED",
      location: "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION",
      auth: { type: "CODECONNECTIONS", resource: CONNECTION_ARN },
    });
    expect(only(json, "aws_codebuild_webhook").scope_configuration).toEqual({
      name: "acme/platform",
      scope: "GITLAB_GROUP",
      domain: "https://gitlab.acme.example",
    });
    expect(statements(json).UseConnectionGroup.condition).toEqual([
      { test: "StringLike", variable: "codeconnections:FullRepositoryId", values: ["acme/platform/*"] },
    ]);
  });

  test("VPC access is written in the stack's partition (GovCloud here), for the named subnets and groups only", () => {
    const stack = bareStack("us-gov-west-1");
    createRunner(stack, { vpc: { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] } });
    const json = synthJson(stack);
    const ec2 = (r: string) => `arn:aws-us-gov:ec2:us-gov-west-1:\${data.aws_caller_identity.Account.account_id}:${r}`;
    expect(statements(json).BuildNetworkInterfaces.resources).toEqual([
      ec2("network-interface/*"),
      ec2("subnet/subnet-0a1b2c3d"),
      ec2("security-group/sg-0a1b2c3d"),
    ]);
    expect(only(json, "aws_codebuild_project").vpc_config).toEqual({
      vpc_id: "vpc-0a1b2c3d",
      subnets: ["subnet-0a1b2c3d"],
      security_group_ids: ["sg-0a1b2c3d"],
    });
  });

  test("named permissions become one statement each, actions sorted", () => {
    const stack = bareStack();
    createRunner(stack, { permissions: [{ actions: ["s3:PutObject", "s3:GetObject"], resources: ["arn:aws:s3:::acme-releases/*"] }] });
    expect(statements(synthJson(stack)).Jobs1).toEqual({
      sid: "Jobs1",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:PutObject"],
      resources: ["arn:aws:s3:::acme-releases/*"],
    });
  });
});

describe("GitlabRunner: bad props, told with the construct path", () => {
  test("a wildcard action is a ConstructError", () => {
    const stack = bareStack();
    let error: unknown;
    try {
      createRunner(stack, { permissions: [{ actions: ["s3:*"], resources: ["arn:aws:s3:::acme-releases/*"] }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructError);
    expect((error as Error).message).toBe('test/Runner: permission action "s3:*" is a wildcard; name each action the jobs need');
  });

  test("an action that is a token is left to IAM, not refused", () => {
    const stack = bareStack();
    const action = new TerraformVariable(stack, "action", { type: "string" }).stringValue;
    createRunner(stack, { permissions: [{ actions: [action], resources: ["arn:aws:s3:::acme-releases/*"] }] });
    expect(statements(synthJson(stack)).Jobs1.actions).toEqual(["${var.action}"]);
  });

  test("a group on a self-managed instance without its domain", () => {
    expect(() => createRunner(bareStack(), { serverType: "GITLAB_SELF_MANAGED", scope: { group: { path: "acme/platform" } } })).toThrow(
      'test/Runner: the group acme/platform is on a self-managed instance: give scope.group.domain (its URL, e.g. "https://gitlab.example.com")',
    );
  });
});
