/*
 * The shared provider process (scripts/shared-provider.ts) and the schema proxy in front of it
 * (scripts/provider-proxy.js): terraform attached to them plans exactly what terraform with a
 * provider of its own plans, reads the schema of the types its folder names and nothing else,
 * and neither process outlives its owner.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { prepareStack, providerBinary, runStack, sharedProvider, terraformEnv } from "../../scripts/tf-check";
import { alive, PROVIDER_REGISTRY_ENV, REATTACH_ENV, SCHEMA_TYPES_ENV, SHARED_PROVIDER_ENV } from "../../scripts/shared-provider";
import { announceSchemaTypes } from "../../scripts/schema-types";
import { CONNECTION_ARN, STACK_NAME, synthLibraryApp } from "../../examples/library-app/main";
import { offlineEngine } from "./engine";

const { engine, describeEngine } = offlineEngine("shared provider");

type Json = Record<string, any>;

/** A plan without what differs between two runs of the same plan (time stamps, an unordered list). */
function comparable(plan: Json): Json {
  const { timestamp: _t, relevant_attributes: relevant, ...rest } = plan;
  const key = (r: Json) => JSON.stringify(r);
  return { ...rest, relevant_attributes: [...(relevant ?? [])].sort((a, b) => key(a).localeCompare(key(b))) };
}

/** How many requests of each kind the shared provider has received, from its log (-debug logs each at trace level). */
function providerCalls(): Record<string, number> {
  const log = join(dirname(sharedProvider()!.schemaTypesFile), "provider.log");
  const counts: Record<string, number> = {};
  for (const line of readFileSync(log, "utf8").split("\n")) {
    if (!line.includes('"@message":"Received request"')) continue;
    const rpc = /"tf_rpc":"(\w+)"/.exec(line)?.[1];
    if (rpc) counts[rpc] = (counts[rpc] ?? 0) + 1;
  }
  return counts;
}

describeEngine("the shared provider", () => {
  const dir = mkdtempSync(join(tmpdir(), "delivery-shared-provider-"));
  synthLibraryApp(join(dir, "out"));
  const prepared = prepareStack(JSON.parse(readFileSync(join(dir, "out", "stacks", STACK_NAME, "cdk.tf.json"), "utf8")), engine);

  test("terraform attaches to it, and plans what it plans with a provider of its own, twice in a row", () => {
    // Whatever the caller's environment says: this is the test of sharing.
    delete process.env[SHARED_PROVIDER_ENV];
    const env = terraformEnv(engine, join(dir, "probe"));
    expect(JSON.parse(env[REATTACH_ENV]!)).toEqual({
      "registry.terraform.io/hashicorp/aws": expect.objectContaining({ Protocol: "grpc", ProtocolVersion: 5, Pid: expect.any(Number) }),
    });
    // terraform attaches to the proxy; the provider's work is done in the provider's process.
    expect(JSON.parse(env[REATTACH_ENV]!)["registry.terraform.io/hashicorp/aws"].Pid).not.toBe(sharedProvider()!.pid);
    const before = providerCalls();
    const shared = [runStack(engine, prepared, join(dir, "shared-1")), runStack(engine, prepared, join(dir, "shared-2"))];
    process.env[SHARED_PROVIDER_ENV] = "0";
    let own;
    try {
      own = runStack(engine, prepared, join(dir, "own"));
    } finally {
      delete process.env[SHARED_PROVIDER_ENV];
    }
    for (const run of [...shared, own]) expect(run.errors).toBe("");
    // The shared process did the provider's work of the first two plans (the third had its own):
    // each AWS object of the stack planned twice; its configuration validated at most once (the proxy kept the answer).
    const calls = providerCalls();
    const planned = Object.entries(prepared.resource as Json).reduce(
      (n, [type, byName]) => n + (type.startsWith("aws_") ? Object.keys(byName as Json).length : 0),
      0,
    );
    expect(planned).toBeGreaterThan(10);
    expect(calls.PlanResourceChange - (before.PlanResourceChange ?? 0)).toBe(2 * planned);
    expect(calls.Configure - (before.Configure ?? 0)).toBe(2);
    expect((calls.PrepareProviderConfig ?? 0) - (before.PrepareProviderConfig ?? 0)).toBeLessThanOrEqual(1);
    // The second plan in the same provider process is configured anew, and is the same.
    expect(comparable(shared[0].plan!)).toEqual(comparable(own.plan!));
    expect(comparable(shared[1].plan!)).toEqual(comparable(own.plan!));
    const pipeline = own.plan!.resource_changes.find((c: Json) => c.type === "aws_codepipeline");
    expect(pipeline.change.after.stage[0].action[0].configuration.ConnectionArn).toBe(CONNECTION_ARN);
  });

  test("the same process's later test files (modules loaded anew) attach to the same provider, through the worker's registry", () => {
    expect(process.env[PROVIDER_REGISTRY_ENV]).toBeTruthy();
    const first = terraformEnv(engine, join(dir, "probe-1"))[REATTACH_ENV];
    let again: string | undefined;
    jest.isolateModules(() => {
      const fresh = require("../../scripts/tf-check") as typeof import("../../scripts/tf-check");
      again = fresh.terraformEnv(engine, join(dir, "probe-2"))[REATTACH_ENV];
    });
    expect(again).toBe(first);
  });

  test("through the proxy, terraform reads the schema of exactly the types its folder names, as the provider sends them", () => {
    const folder = join(dir, "schema");
    mkdirSync(folder, { recursive: true });
    const config = {
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: engine.awsVersion } } },
      resource: { aws_s3_bucket: { b: { bucket: "b" } }, aws_kms_key: { k: {} } },
      data: { aws_iam_policy_document: { p: {} } },
    };
    writeFileSync(join(folder, "main.tf.json"), JSON.stringify(config));
    writeFileSync(
      join(folder, "prior.tfstate"),
      JSON.stringify({ version: 4, resources: [{ mode: "managed", type: "aws_codepipeline", name: "gone", instances: [] }] }),
    );
    const env = terraformEnv(engine, folder);
    announceSchemaTypes(env, folder);
    expect(JSON.parse(readFileSync(env[SCHEMA_TYPES_ENV]!, "utf8")).resources).toEqual(["aws_codepipeline", "aws_kms_key", "aws_s3_bucket"]);
    const schemaOf = (e: NodeJS.ProcessEnv) =>
      JSON.parse(execFileSync(engine.terraform, ["providers", "schema", "-json"], { cwd: folder, env: e, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 }))
        .provider_schemas["registry.terraform.io/hashicorp/aws"];
    const trimmed = schemaOf(env);
    const { [REATTACH_ENV]: _r, [SCHEMA_TYPES_ENV]: _s, ...own } = env;
    const full = schemaOf(own);
    expect(Object.keys(trimmed.resource_schemas)).toEqual(["aws_codepipeline", "aws_kms_key", "aws_s3_bucket"]);
    expect(Object.keys(trimmed.data_source_schemas)).toEqual(["aws_iam_policy_document"]);
    expect(Object.keys(full.resource_schemas).length).toBeGreaterThan(1000);
    for (const type of ["aws_codepipeline", "aws_kms_key", "aws_s3_bucket"]) expect(trimmed.resource_schemas[type]).toEqual(full.resource_schemas[type]);
    expect(trimmed.data_source_schemas.aws_iam_policy_document).toEqual(full.data_source_schemas.aws_iam_policy_document);
    expect(trimmed.provider).toEqual(full.provider);
    expect(trimmed.functions).toEqual(full.functions);
  });

  test("a type the folder does not name is unknown to the command: terraform says so, no plan goes wrong quietly", () => {
    const folder = join(dir, "unnamed");
    const config = { resource: { aws_s3_bucket: { b: { bucket: "b" } } } };
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "main.tf.json"), JSON.stringify(config));
    const env = terraformEnv(engine, folder);
    // The list of another folder, as if a caller ran terraform without announcing its own.
    writeFileSync(env[SCHEMA_TYPES_ENV]!, JSON.stringify({ resources: ["aws_kms_key"], data: [], ephemeral: [] }));
    const run = () =>
      execFileSync(engine.terraform, ["plan", "-no-color", "-refresh=false", "-lock=false"], { cwd: folder, env, encoding: "utf8", stdio: "pipe" });
    expect(run).toThrow(/Invalid resource type[\s\S]*does not support resource type "aws_s3_bucket"/);
  });

  test("it and its proxy end when the process that started them is killed (no stray 690 MB processes after a run)", async () => {
    const script = `const { startSharedProvider } = require(${JSON.stringify(join(__dirname, "..", "..", "scripts", "shared-provider"))});
      const p = startSharedProvider(process.argv[1]);
      console.log(JSON.stringify([p.pid, Object.values(JSON.parse(p.reattach))[0].Pid])); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), "-e", script, providerBinary(engine)], { stdio: ["ignore", "pipe", "inherit"] });
    const pids = await new Promise<number[]>((resolve) => owner.stdout.once("data", (d) => resolve(JSON.parse(String(d)))));
    expect(pids).toHaveLength(2);
    expect(pids[0]).not.toBe(pids[1]);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    owner.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  });
});
