/* Inputs a user can break by hand, found by a fresh-user review: one line, exit 1, no stack trace. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliInProcess as cli } from "./run";

function outdir(manifest: string, stack?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "policy-input-"));
  writeFileSync(join(dir, "manifest.json"), manifest);
  if (stack !== undefined) {
    mkdirSync(join(dir, "stacks", "x"), { recursive: true });
    writeFileSync(join(dir, "stacks", "x", "cdk.tf.json"), stack);
  }
  return dir;
}

test.each([
  ["an empty manifest", "{}", undefined, (d: string) => `policy: ${d}/manifest.json lists no stacks, so there is nothing to check; synthesize again\n`],
  [
    "a manifest with no stacks (a gate that checks nothing must not pass)",
    '{"stacks":{}}',
    undefined,
    (d: string) => `policy: ${d}/manifest.json lists no stacks, so there is nothing to check; synthesize again\n`,
  ],
  [
    "a stack file that is not JSON",
    '{"stacks":{"x":{"synthesizedStackPath":"stacks/x/cdk.tf.json"}}}',
    "{bad",
    (d: string) => `policy: ${d}/stacks/x/cdk.tf.json is not valid JSON (Expected property name or '}' in JSON at position 1); synthesize again\n`,
  ],
  [
    "a manifest that is not JSON",
    "{",
    undefined,
    (d: string) => expect.stringMatching(new RegExp(`^policy: ${d}/manifest\\.json is not valid JSON \\(.*\\); synthesize again\\n$`)),
  ],
])("policy on %s: one line, exit 1", async (_what, manifest, stack, message) => {
  const dir = outdir(manifest, stack);
  const r = await cli(["policy", dir]);
  expect([r.status, r.stdout, r.stderr]).toEqual([1, "", message(dir)]);
});

test('tf-check --only "" names no config: refused, nothing checked', async () => {
  const r = await cli(["tf-check", "--only", ""]);
  expect([r.status, r.stdout, r.stderr]).toEqual([1, "", 'tf-check: --only "" names no config; give file names without .yaml, e.g. --only delivery,fleet\n']);
});
