import { risksOf } from "../../report/plan-report";

type Raw = Record<string, any>;
const plan = (type: string, actions: string[], before: Raw | null, after: Raw | null) => ({
  format_version: "1.2",
  resource_changes: [{ address: `${type}.x`, type, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions, before, after } }],
});
const stage = (name: string, extra: Raw = {}) => ({ name, action: [], before_entry: [], on_failure: [], on_success: [], ...extra });
const alarmRule = (alarm: string) => ({
  name: "Alarm1",
  configuration: { AlarmName: alarm },
  rule_type_id: [{ category: "Rule", owner: "AWS", provider: "CloudWatchAlarm", version: "1" }],
});
const words = (p: Raw) => risksOf(p).map((r) => `${r.level}: ${r.message}`);

describe("plan report: stage conditions, runners and Git sync", () => {
  test("rollback removed from a stage: said so, with what it was", () => {
    const before = { stage: [stage("Deploy-prod", { on_failure: [{ result: "ROLLBACK", condition: [], retry_configuration: [] }] })] };
    const after = { stage: [stage("Deploy-prod")] };
    expect(words(plan("aws_codepipeline", ["update"], before, after))).toEqual([
      "medium: stage Deploy-prod's on-failure handling changes from ROLLBACK to none: it no longer rolls back to the last good execution on failure",
    ]);
  });

  test("an entry alarm swapped and a retry mode changed", () => {
    const before = {
      stage: [
        stage("Deploy-prod", { before_entry: [{ condition: [{ result: "FAIL", rule: [alarmRule("old-5xx")] }] }] }),
        stage("Deploy-dev", { on_failure: [{ result: "RETRY", retry_configuration: [{ retry_mode: "FAILED_ACTIONS" }] }] }),
      ],
    };
    const after = {
      stage: [
        stage("Deploy-prod", { before_entry: [{ condition: [{ result: "FAIL", rule: [alarmRule("new-5xx")] }] }] }),
        stage("Deploy-dev", { on_failure: [{ result: "RETRY", retry_configuration: [{ retry_mode: "ALL_ACTIONS" }] }] }),
      ],
    };
    expect(words(plan("aws_codepipeline", ["update"], before, after))).toEqual([
      "medium: stage Deploy-prod's entry check changes from FAIL when CloudWatchAlarm(old-5xx) to FAIL when CloudWatchAlarm(new-5xx)",
      "medium: stage Deploy-dev's on-failure handling changes from RETRY (FAILED_ACTIONS) to RETRY (ALL_ACTIONS)",
    ]);
  });

  test("an unchanged pipeline update (another attribute) says nothing about conditions", () => {
    const s = { stage: [stage("Deploy-prod", { on_failure: [{ result: "ROLLBACK" }] })] };
    expect(words(plan("aws_codepipeline", ["update"], s, s))).toEqual([]);
  });

  test("a runner's webhook or project removed; a merge-request webhook is not a runner", () => {
    const hook = { filter_group: [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }] };
    expect(words(plan("aws_codebuild_webhook", ["delete"], hook, null))).toEqual([
      "medium: a CodeBuild runner's webhook is deleted: GitLab jobs tagged for it stay pending until a runner takes them",
    ]);
    expect(
      words(plan("aws_codebuild_webhook", ["delete"], { filter_group: [{ filter: [{ type: "EVENT", pattern: "PULL_REQUEST_CREATED" }] }] }, null)),
    ).toEqual([]);
    expect(words(plan("aws_codebuild_project", ["delete", "create"], { description: "CodeBuild-hosted GitLab runner for acme/app" }, {}))).toEqual([
      "medium: a CodeBuild-hosted GitLab runner is replaced: jobs tagged for it stay pending meanwhile",
    ]);
  });

  test("a Git sync stack deleted names the stacks that stop following GitLab", () => {
    const template = JSON.stringify({
      Resources: { A: { Type: "AWS::CodeStarConnections::SyncConfiguration", Properties: { ResourceName: "shared-network" } } },
    });
    expect(words(plan("aws_cloudformation_stack", ["delete"], { template_body: template }, null))).toEqual([
      "medium: a Git sync is deleted: CloudFormation stops following GitLab for shared-network",
    ]);
    expect(words(plan("aws_cloudformation_stack", ["delete"], { template_body: "{}" }, null))).toEqual([]);
  });
});
