/*
 * Drift on the real engine: the example's team stack is deployed with the lifecycle harness
 * (the state an apply leaves), then planned with `terraform plan -refresh-only` while the
 * real AWS provider refreshes against a localhost CodePipeline and CloudWatch Logs
 * (fake-aws.ts) that answer with the deployed objects, edited as "someone in the console"
 * would. The drift report reads the plan terraform made.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { driftMarkdown, driftOf } from "../../report/drift";
import { prepareStack } from "../../scripts/tf-check";
import { synth } from "../helpers";
import { offlineEngine } from "./engine";
import { fakeAws, FakeAwsObjects } from "./fake-aws";
import { Lifecycle } from "./lifecycle";

const { engine, describeEngine } = offlineEngine("drift (refresh-only plans)");
const run = promisify(execFile);
type Json = Record<string, any>;

/** The objects of `state` (with attributes) of one type, by their `name`. */
const byName = (state: Json, type: string): Record<string, Json> =>
  Object.fromEntries(
    state.resources.filter((r: Json) => r.type === type).flatMap((r: Json) => r.instances.map((i: Json) => [i.attributes.name, structuredClone(i.attributes)])),
  );

describeEngine("drift: refresh-only plans of the example's team stack", () => {
  const { json, shared } = synth();
  const stacks = { "acme-delivery-shared": shared.json, "acme-delivery-acme": json };
  const life = new Lifecycle(engine, "drift");
  let state: Json;
  let folder = 0;
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A refresh-only plan of the stack whose AWS side answers with `objects`; the state holds the pipeline, log groups and GitLab stand-ins. */
  async function refreshOnly(objects: FakeAwsObjects): Promise<{ plan: Json; calls: string[] }> {
    const aws = await fakeAws(objects);
    try {
      const prepared = prepareStack(json, engine, { stacks, gitlabObjects: true });
      prepared.provider.aws = prepared.provider.aws.map((p: Json) => ({ ...p, endpoints: [{ codepipeline: aws.url, logs: aws.url }] }));
      const dir = join(tmpdir(), `gad-drift-${process.pid}-${folder++}`);
      made.push(dir);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify(prepared, null, 2));
      const kept = state.resources.filter((r: Json) => ["aws_codepipeline", "aws_cloudwatch_log_group", "terraform_data"].includes(r.type));
      writeFileSync(join(dir, "prior.tfstate"), JSON.stringify({ ...state, resources: kept }, null, 2));
      writeFileSync(
        join(dir, "terraform.rc"),
        `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(engine.mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
      );
      const env = { ...process.env, TF_CLI_CONFIG_FILE: join(dir, "terraform.rc"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
      const tf = (args: string[]) => run(engine.terraform, args, { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 });
      await tf(["init", "-no-color", "-backend=false"]);
      // Asynchronous on purpose: the fake AWS answers from this process's event loop.
      await tf(["plan", "-no-color", "-refresh-only", "-lock=false", "-state=prior.tfstate", "-out=drift.cache"]);
      const shown = await tf(["show", "-json", "-no-color", "drift.cache"]);
      writeFileSync(join(dir, "drift.json"), shown.stdout);
      return { plan: JSON.parse(shown.stdout), calls: aws.calls };
    } finally {
      await aws.close();
    }
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
  const objects = (): FakeAwsObjects => ({ pipelines: byName(state, "aws_codepipeline"), logGroups: byName(state, "aws_cloudwatch_log_group") });
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
