import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "../../app/run-synth";
import { organisationConfig } from "../../bench/organisation";

// Issue 19's done-when, at a size a test run affords: 400 projects in 8 subgroups of one
// top-level group (the assignment of 2,000 in 40 is in __tests__/stacks/assignment.test.ts;
// `npm run bench` synthesizes 10,000 and adds one the same way).
const dir = mkdtempSync(join(tmpdir(), "delivery-org-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, "delivery.yaml");
const lock = join(dir, "delivery.lock.yaml");

/** Synthesizes the config as `cdktf synth` does (one process), then reads every stack's cdk.tf.json. */
async function synthesize(outdir: string): Promise<Map<string, string>> {
  await runSynth({ configFile: config, outdir, command: [], warn: () => undefined, env: { DELIVERY_SYNTH_WORKERS: "1" } });
  return new Map(readdirSync(join(outdir, "stacks")).map((s) => [s, readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")]));
}

test("400 projects, 8 subgroups: bounded stacks; adding one project changes exactly one team stack and the lock file", async () => {
  writeFileSync(config, organisationConfig(400));
  const before = await synthesize(join(dir, "one"));
  const resources = (text: string) => Object.values<Record<string, unknown>>(JSON.parse(text).resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
  const team = [...before.keys()].filter((s) => s !== "acme-org-shared");
  expect(team).toHaveLength(8);
  expect(team).toContain("acme-org-acme-team-7");
  // 50 projects of 12 resources and the stack's own (artifact store, keys): far below one stack of 24,000.
  expect(Math.max(...team.map((s) => resources(before.get(s)!)))).toBeLessThan(700);
  const lockBefore = readFileSync(lock, "utf8");
  expect(lockBefore).toContain("  acme-org-acme-team-7:\n    - acme/team-7/service-300\n");

  appendFileSync(config, `  - path: acme/team-7/one-more\n    deployToken: { expiresAt: "2030-06-30" }\n`);
  const after = await synthesize(join(dir, "two"));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((s) => before.get(s) !== after.get(s));
  expect(changed).toEqual(["acme-org-acme-team-7"]);
  const lockAfter = readFileSync(lock, "utf8");
  expect(lockAfter.replace("    - acme/team-7/one-more\n", "")).toBe(lockBefore);
  expect(lockAfter).not.toBe(lockBefore);
}, 600_000);
