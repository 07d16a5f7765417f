/*
 * The shared provider process (scripts/shared-provider.ts): terraform attached to it plans
 * exactly what terraform with a provider of its own plans, and it does not outlive its owner.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareStack, providerBinary, runStack, terraformEnv } from "../../scripts/tf-check";
import { alive, REATTACH_ENV, SHARED_PROVIDER_ENV } from "../../scripts/shared-provider";
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

/** User + system CPU of a process, in clock ticks (Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
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
    const pid = JSON.parse(env[REATTACH_ENV]!)["registry.terraform.io/hashicorp/aws"].Pid;
    const cpuBefore = cpuTicks(pid);
    const shared = [runStack(engine, prepared, join(dir, "shared-1")), runStack(engine, prepared, join(dir, "shared-2"))];
    process.env[SHARED_PROVIDER_ENV] = "0";
    let own;
    try {
      own = runStack(engine, prepared, join(dir, "own"));
    } finally {
      delete process.env[SHARED_PROVIDER_ENV];
    }
    for (const run of [...shared, own]) expect(run.errors).toBe("");
    // The shared process did the provider's work of the first two plans (the third had its own).
    expect(cpuTicks(pid)).toBeGreaterThan(cpuBefore + 50);
    // The second plan in the same provider process is configured anew, and is the same.
    expect(comparable(shared[0].plan!)).toEqual(comparable(own.plan!));
    expect(comparable(shared[1].plan!)).toEqual(comparable(own.plan!));
    const pipeline = own.plan!.resource_changes.find((c: Json) => c.type === "aws_codepipeline");
    expect(pipeline.change.after.stage[0].action[0].configuration.ConnectionArn).toBe(CONNECTION_ARN);
  });

  test("it ends when the process that started it is killed (no stray 690 MB processes after a run)", async () => {
    const script = `const { startSharedProvider } = require(${JSON.stringify(join(__dirname, "..", "..", "scripts", "shared-provider"))});
      const p = startSharedProvider(process.argv[1]); console.log(p.pid); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), "-e", script, providerBinary(engine)], { stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve) => owner.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
    expect(alive(pid)).toBe(true);
    owner.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });
});
