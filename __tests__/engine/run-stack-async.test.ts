import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, planSummary, runStack, runStackAsync } from "../../scripts/tf-check";
import { REATTACH_ENV } from "../../scripts/shared-provider";

/*
 * tf-check runs its stacks' terraform from one node process (runStackAsync) where it started a
 * process per stack running runStack: both must give the same result for the same terraform.
 * A stand-in terraform prints what a plan prints, more than a pipe holds at once, and fails
 * where the configuration asks it to.
 */
describe("runStackAsync gives what runStack gives", () => {
  const dir = mkdtempSync(join(tmpdir(), "run-stack-async-"));
  const fake = join(dir, "terraform");
  writeFileSync(
    fake,
    [
      "#!/bin/sh",
      'echo "args: $*"',
      "seq 1 40000",
      'if grep -q fail main.tf.json; then echo "Error: Unsupported argument in $(basename "$PWD")" >&2; exit 1; fi',
      'echo "Plan: 2 to add, 0 to change, 0 to destroy."',
      'echo "Warning: provider development overrides are in effect" >&2',
    ].join("\n"),
  );
  chmodSync(fake, 0o755);
  const engine: Engine = { terraform: fake, mirror: "/mirror", awsVersion: "5.100.0", mode: "mirror" };
  // A lane's environment names its shared provider; none is started for a stand-in terraform.
  const env = { ...process.env, [REATTACH_ENV]: "{}" };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ["a plan", { resource: {} }, true],
    ["a failing plan", { resource: {}, fail: true }, false],
  ])("%s", async (_name, prepared, ok) => {
    const sync = runStack(engine, prepared, join(dir, "sync", "stack"), { json: false, env });
    const async = await runStackAsync(engine, prepared, join(dir, "async", "stack"), { json: false, env });
    expect({ ...async, dir: undefined }).toEqual({ ...sync, dir: undefined });
    expect(async.ok).toBe(ok);
    const text = ok ? async.planOutput! : async.errors;
    expect(text.split("\n").filter((line) => line === "40000")).toHaveLength(1);
    if (ok) expect(planSummary(async.planOutput)).toBe("Plan: 2 to add, 0 to change, 0 to destroy");
    else
      expect(async.errors).toMatch(
        /^terraform plan failed:\nargs: plan -no-color -refresh=false -lock=false -out=plan\.bin\n1\n[\s\S]*\nError: Unsupported argument in stack$/,
      );
    expect(JSON.parse(readFileSync(join(dir, "async", "stack", "main.tf.json"), "utf8"))).toEqual(prepared);
  });

  test("a terraform that cannot start is a failed step, not a crash", async () => {
    const missing: Engine = { ...engine, terraform: join(dir, "no-such-terraform") };
    const run = await runStackAsync(missing, {}, join(dir, "missing"), { json: false, env });
    expect(run.ok).toBe(false);
    expect(run.errors).toMatch(/^terraform plan failed:\n\n.*ENOENT/);
  });
});
