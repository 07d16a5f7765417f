/*
 * Drift on the real engine: the example's team stack is deployed with the lifecycle harness
 * (the state an apply leaves), then planned with `terraform plan -refresh-only` while the
 * real AWS provider refreshes against a localhost CodePipeline and CloudWatch Logs (fake-aws/,
 * the fake a move's import half is planned against too) that answer with the deployed objects,
 * edited as "someone in the console" would. The drift report reads the plan terraform made.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { driftMarkdown, driftOf } from "../../report/drift";
import { synth } from "../helpers";
import { offlineEngine } from "./engine";
import { FakeAwsObjects, objectsOf } from "./fake-aws";
import { FakeAwsPlan, planWithFakeAws } from "./fake-aws/plan";
import { Lifecycle } from "./lifecycle";

const { engine, describeEngine } = offlineEngine("drift (refresh-only plans)");
type Json = Record<string, any>;

describeEngine("drift: refresh-only plans of the example's team stack", () => {
  const { json, shared } = synth();
  const stacks = { "acme-delivery-shared": shared.json, "acme-delivery-acme": json };
  const life = new Lifecycle(engine, "drift");
  let state: Json;
  let folder = 0;
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A refresh-only plan of the stack whose AWS side answers with `objects`; the state holds the pipeline, log groups and GitLab stand-ins. */
  function refreshOnly(objects: FakeAwsObjects): Promise<FakeAwsPlan> {
    const dir = join(tmpdir(), `gad-drift-${process.pid}-${folder++}`);
    made.push(dir);
    const kept = state.resources.filter((r: Json) => ["aws_codepipeline", "aws_cloudwatch_log_group", "terraform_data"].includes(r.type));
    return planWithFakeAws(engine, json, objects, { dir, stacks, state: { ...state, resources: kept }, refreshOnly: true });
  }

  /**
   * What `terraform apply -refresh-only` records: each refreshed object's values in the state.
   * The harness makes up computed values (an empty `trigger_all`, null `tags`) that the
   * provider reads back differently; once accepted, an unedited AWS shows no drift.
   */
  function accept(plan: Json): void {
    for (const d of plan.resource_drift ?? []) {
      const resource = state.resources.find((r: Json) => r.type === d.type && r.name === d.name);
      const instance = resource.instances.find((i: Json) => (i.index_key ?? null) === (d.index ?? null));
      instance.attributes = d.change.after;
    }
  }
  // AWS as the state left it: the two services this stack's refresh reads.
  const objects = (): FakeAwsObjects => {
    const { pipelines, logGroups } = objectsOf(state);
    return { pipelines, logGroups };
  };
  const PIPELINE = "aws_codepipeline.acme__platform__payments-api_Pipeline_9A758224[0]";
  const LOGS = "aws_cloudwatch_log_group.acme__platform__payments-api_Build_Logs_66D62765";

  beforeAll(async () => {
    state = life.deploy(json, "acme-delivery-acme", { stacks });
    accept((await refreshOnly(objects())).plan);
  }, 300_000);

  test("AWS as it was left: the refresh reads the pipeline and the log group, and finds no drift", async () => {
    const { plan, calls } = await refreshOnly(objects());
    expect([...new Set(calls)].sort()).toEqual([
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.ListTagsForResource",
      "Logs_20140328.DescribeLogGroups",
      "Logs_20140328.ListTagsForResource",
    ]);
    expect(plan.resource_drift ?? []).toEqual([]);
    expect(driftOf(plan)).toEqual([]);
    expect(driftMarkdown(plan, { title: "acme-delivery-acme" })).toBe(
      "### Drift: acme-delivery-acme\n\nNo drift: every object in the state is as Terraform left it.\n",
    );
  }, 120_000);

  test("the pipeline's source edited in the console and the log retention shortened: high for the source, named attributes for both", async () => {
    const edited = objects();
    const pipeline = edited.pipelines["acme-platform-payments-api"];
    Object.assign(pipeline.stage[0].action[0].configuration, { FullRepositoryId: "acme/platform/payments-api-fork", BranchName: "hotfix" });
    edited.logGroups["/aws/codebuild/acme-platform-payments-api"].retention_in_days = 7;
    const { plan } = await refreshOnly(edited);
    writeFileSync(join(tmpdir(), "gad-drift-console-edit.json"), JSON.stringify(plan));
    expect(driftOf(plan)).toEqual([
      { address: LOGS, type: "aws_cloudwatch_log_group", side: "AWS", action: "update", attributes: ["retention_in_days"] },
      {
        address: PIPELINE,
        type: "aws_codepipeline",
        side: "AWS",
        action: "update",
        attributes: ["stage"],
        level: "high",
        risk: "the pipeline's source was edited in the console or API (`BranchName`, `FullRepositoryId`): it may build another repository or branch; the next apply puts the declared source back",
      },
    ]);
    const md = driftMarkdown(plan, { title: "acme-delivery-acme" });
    expect(md).toContain("**2 objects changed outside Terraform**");
    expect(md).not.toContain("payments-api-fork");
    expect(md).not.toContain("hotfix");
  }, 120_000);

  test("the pipeline deleted in the console: high, its history is gone", async () => {
    const { plan } = await refreshOnly({ ...objects(), pipelines: {} });
    writeFileSync(join(tmpdir(), "gad-drift-pipeline-deleted.json"), JSON.stringify(plan));
    expect(driftOf(plan)).toEqual([
      {
        address: PIPELINE,
        type: "aws_codepipeline",
        side: "AWS",
        action: "delete",
        attributes: [],
        level: "high",
        risk: "a pipeline was deleted outside Terraform: its execution history is lost; the next apply creates it again",
      },
    ]);
  }, 120_000);
});
