/*
 * Stage conditions (safe releases) as another cdktf app gives them: a pipeline on a bare
 * stack whose environments carry `conditions`. The YAML's defaults (rollback for prod):
 * __tests__/stacks/release.test.ts; the config's checks: __tests__/config/release.test.ts.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import {
  ArtifactStore,
  BuildProject,
  DeliveryEnvironments,
  DeployToken,
  EnvironmentProps,
  GitlabConnection,
  GitlabPipeline,
  GitlabProject,
  ServiceRole,
  StageConditions,
} from "../../index";

type Json = Record<string, any>;
const ACCOUNT = "123456789012";
const CONNECTION_ARN = `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/0a1b2c3d-1111-2222-3333-444455556666`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app-pipeline`;
const DEPLOY = { codebuild: { buildspec: "deploy/buildspec.yml" } };

/** A pipeline of acme/app with these environments, on an existing connection and role; its synthesized JSON. */
function synthPipeline(environments: EnvironmentProps[], region = "eu-west-1"): Json {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region });
  new GitlabProvider(stack, "gitlab", {});
  const project = GitlabProject.fromPath(stack, "Project", "acme/app");
  const artifactStore = new ArtifactStore(stack, "Artifacts", { bucketPrefix: "app-artifacts-", keyAlias: "app-artifacts" });
  const deployToken = new DeployToken(stack, "DeployToken", {
    project,
    secretName: "acme/app/token",
    kmsKeyArn: artifactStore.keyArn,
    expiresAt: "2027-06-30",
  });
  new GitlabPipeline(stack, "Pipeline", {
    name: "app",
    project,
    connection: GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN),
    role: ServiceRole.fromArn(stack, "PipelineRole", ROLE_ARN),
    artifactStore,
    build: new BuildProject(stack, "Build", { name: "app", artifactStore }),
    branch: "main",
    environments: new DeliveryEnvironments(stack, "Environments", {
      name: "app",
      projectPath: "acme/app",
      artifactStore,
      deployToken,
      buildOutput: "build_output",
      environments,
    }),
  });
  return JSON.parse(Testing.synth(stack, true));
}

const stageOf = (json: Json, name: string): Json => Object.values<Json>(json.resource.aws_codepipeline)[0].stage.find((s: Json) => s.name === name);
const readAlarms = (json: Json): Json | undefined =>
  Object.entries<Json>(json.data.aws_iam_policy_document)
    .filter(([id]) => id.startsWith("PipelineRole_PolicyDocument_"))
    .flatMap(([, d]) => d.statement)
    .find((s: Json) => s.sid === "ReadStageAlarms");

const RULE = (provider: string) => ({ category: "Rule", owner: "AWS", provider, version: "1" });

describe("stage conditions, called as a library", () => {
  const conditions: StageConditions = {
    entry: { alarms: ["app-5xx", "app-latency"], window: { cron: "* 0-59 8-17 ? * MON-FRI", timeZone: "Europe/Berlin" } },
    afterSuccess: { alarms: ["app-5xx"], waitMinutes: 15 },
    onFailure: { result: "ROLLBACK" },
  };

  test("entry alarms and window, watched alarms and rollback become the stage's before_entry, on_success and on_failure", () => {
    const stage = stageOf(synthPipeline([{ name: "prod", approval: false, ...DEPLOY, conditions }]), "Deploy-prod");
    expect(stage.before_entry).toEqual({
      condition: {
        result: "FAIL",
        rule: [
          { name: "Alarm1", rule_type_id: RULE("CloudWatchAlarm"), configuration: { AlarmName: "app-5xx" } },
          { name: "Alarm2", rule_type_id: RULE("CloudWatchAlarm"), configuration: { AlarmName: "app-latency" } },
          { name: "DeploymentWindow", rule_type_id: RULE("DeploymentWindow"), configuration: { Cron: "* 0-59 8-17 ? * MON-FRI", TimeZone: "Europe/Berlin" } },
        ],
      },
    });
    expect(stage.on_success).toEqual({
      condition: {
        result: "ROLLBACK",
        rule: [{ name: "Alarm1", rule_type_id: RULE("CloudWatchAlarm"), configuration: { AlarmName: "app-5xx", WaitTime: "15" } }],
      },
    });
    expect(stage.on_failure).toEqual({ result: "ROLLBACK" });
  });

  test("a retry carries its mode; a window alone defaults to UTC; a SKIP result is kept", () => {
    const stage = stageOf(
      synthPipeline([
        {
          name: "staging",
          ...DEPLOY,
          conditions: { entry: { window: { cron: "* * 8-17 ? * MON-FRI" }, result: "SKIP" }, onFailure: { result: "RETRY", retryMode: "FAILED_ACTIONS" } },
        },
      ]),
      "Deploy-staging",
    );
    expect(stage.before_entry).toEqual({
      condition: {
        result: "SKIP",
        rule: [{ name: "DeploymentWindow", rule_type_id: RULE("DeploymentWindow"), configuration: { Cron: "* * 8-17 ? * MON-FRI", TimeZone: "UTC" } }],
      },
    });
    expect(stage.on_failure).toEqual({ result: "RETRY", retry_configuration: { retry_mode: "FAILED_ACTIONS" } });
    expect(stage.on_success).toBeUndefined();
  });

  test("the pipeline's role may read the named alarms alone, once each, in the stack's partition (GovCloud here)", () => {
    const json = synthPipeline([{ name: "prod", approval: false, ...DEPLOY, conditions }], "us-gov-west-1");
    const alarm = (name: string) => `arn:aws-us-gov:cloudwatch:us-gov-west-1:\${data.aws_caller_identity.Account.account_id}:alarm:${name}`;
    expect(readAlarms(json)).toEqual({
      sid: "ReadStageAlarms",
      effect: "Allow",
      actions: ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"],
      resources: [alarm("app-5xx"), alarm("app-latency")],
    });
  });

  test("without conditions the stage has none of the blocks, and no alarm is readable", () => {
    const json = synthPipeline([{ name: "prod", approval: false, ...DEPLOY }]);
    expect(Object.keys(stageOf(json, "Deploy-prod")).sort()).toEqual(["action", "name"]);
    expect(readAlarms(json)).toBeUndefined();
  });
});
