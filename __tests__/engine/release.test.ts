/*
 * Safe releases on the real engine (aws 5.100.0): the new default (prod rolls back on
 * failure) reaches pipelines deployed before it as an in-place update, and stage conditions
 * added later touch only the pipeline and its role's policy.
 */
import { risksOf } from "../../report/plan-report";
import { offlineEngine } from "./engine";
import { Lifecycle } from "./lifecycle";
import { rawConfig, rawProject, synthAll } from "../helpers";

const { engine, describeEngine } = offlineEngine("safe-release transitions");

type Raw = Record<string, any>;
const STACK = "acme-delivery-acme";
const DEPLOY = { codebuild: { buildspec: "deploy/buildspec.yml" } };

function stacksOf(environments: Raw[]): Record<string, Raw> {
  const { shared, stacks } = synthAll(rawConfig({ projects: [rawProject({ pipeline: { environments } })] }));
  return { "acme-delivery-shared": shared.json, ...Object.fromEntries(Object.entries(stacks).map(([k, v]) => [k, v.json])) };
}

const pipelineOf = (stack: Raw): Raw => Object.values<Raw>(stack.resource.aws_codepipeline)[0];

/** What the version before safe releases synthesized: the same stack, no on_failure on any stage. */
function beforeSafeReleases(stacks: Record<string, Raw>): Record<string, Raw> {
  const copy = structuredClone(stacks);
  for (const stage of pipelineOf(copy[STACK]).stage) delete stage.on_failure;
  return copy;
}

describeEngine("safe releases on day 2", () => {
  const life = new Lifecycle(engine, "release");
  const now = stacksOf([
    { name: "dev", deploy: DEPLOY },
    { name: "prod", deploy: DEPLOY },
  ]);
  const before = beforeSafeReleases(now);
  let state: Raw;
  const plan = (stacks: Record<string, Raw>) => life.plan(stacks[STACK], state, STACK, { stacks });

  beforeAll(() => {
    state = life.deploy(before[STACK], STACK, { stacks: before });
  });

  test("the only difference the new default makes is the prod stage's on_failure", () => {
    expect(pipelineOf(now[STACK]).stage.map((s: Raw) => [s.name, s.on_failure])).toEqual([
      ["Source", undefined],
      ["BuildAndTest", undefined],
      ["Deploy-dev", undefined],
      ["Deploy-prod", { result: "ROLLBACK" }],
    ]);
    expect(beforeSafeReleases(now)).toEqual(before);
  });

  test("a pipeline deployed before the prod rollback default is updated in place, not replaced; nothing else changes", () => {
    const p = plan(now);
    expect(p.summary).toEqual([expect.stringMatching(/^aws_codepipeline\.acme__platform__payments-api_Pipeline_[0-9A-F]{8}\[0\]: update$/)]);
    const after = p.changes[0].change.after.stage.map((s: Raw) => [s.name, s.on_failure]);
    expect(after).toEqual([
      ["Source", []],
      ["BuildAndTest", []],
      ["Deploy-dev", []],
      ["Deploy-prod", [{ condition: [], result: "ROLLBACK", retry_configuration: [] }]],
    ]);
    // The plan report explains the changed condition (from this real plan).
    expect(risksOf(p.run.plan!).map((r) => `${r.level}: ${r.message}`)).toEqual([
      "medium: stage Deploy-prod's on-failure handling changes from none to ROLLBACK",
    ]);
  });

  test("entry alarms, a window, watched alarms and retries: the pipeline and its role's policy are updated, nothing created or replaced", () => {
    const p = plan(
      stacksOf([
        { name: "dev", deploy: DEPLOY, release: { entry: { window: { cron: "* 0-59 8-17 ? * MON-FRI" } }, onFailure: "retry-failed-actions" } },
        { name: "prod", deploy: DEPLOY, release: { entry: { alarms: ["payments-5xx"] }, watch: { alarms: ["payments-5xx"], minutes: 10 } } },
      ]),
    );
    expect([...new Set(p.changes.map((c) => `${c.type}: ${c.actions.join("+")}`))].sort()).toEqual(["aws_codepipeline: update", "aws_iam_role_policy: update"]);
    const prod = p.changes.find((c) => c.type === "aws_codepipeline")!.change.after.stage[3];
    expect(prod.on_success[0].condition[0].rule[0].configuration).toEqual({ AlarmName: "payments-5xx", WaitTime: "10" });
    const policy = JSON.parse(p.changes.find((c) => c.type === "aws_iam_role_policy")!.change.after.policy ?? "{}");
    expect(policy.Statement.find((s: Raw) => s.Sid === "ReadStageAlarms")).toEqual({
      Sid: "ReadStageAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
      Resource: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:payments-5xx",
    });
  });
});
