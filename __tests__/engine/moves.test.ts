/*
 * A project moved to another stack on purpose (its `stack:` changed against the lock file),
 * on the real engine: the stack it leaves forgets its objects (removed, destroy = false), and
 * none is deleted; the stack it joins imports them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { movesOf } from "../../report/moves";
import { markdownSummary, risksOf } from "../../report/plan-report";
import { buildApp, validateTree } from "../../stacks/app";
import { Assignment, assignStacks } from "../../stacks/assignment";
import { config, rawConfig, rawProject } from "../helpers";
import { offlineEngine } from "./engine";
import { Lifecycle } from "./lifecycle";

const { engine, describeEngine } = offlineEngine("moves between stacks");

type Raw = Record<string, any>;

function stacksOf(raw: Raw, assignment: Assignment): Record<string, Raw> {
  const outdir = mkdtempSync(join(tmpdir(), "delivery-moves-"));
  try {
    const { app, shared, stacks } = buildApp(config(raw), { outdir, finalOutdir: "cdktf.out", assignment });
    validateTree(app);
    app.synth();
    return Object.fromEntries([shared, ...stacks].map((s) => [s.node.id, JSON.parse(readFileSync(join(outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8"))]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const v1Raw = rawConfig({ projects: [rawProject(), rawProject({ path: "acme/platform/web" })] });
const v2Raw = rawConfig({ projects: [rawProject(), rawProject({ path: "acme/platform/web", stack: "web" })] });
const before = assignStacks(config(v1Raw));
const after = assignStacks(config(v2Raw), before);
const v1 = stacksOf(v1Raw, before);
const v2 = stacksOf(v2Raw, after);

test("the move is recorded, and each stack says its half: removed blocks in the one left, import blocks in the one joined", () => {
  expect(after.moves).toEqual([{ project: "acme/platform/web", from: "acme-delivery-acme", to: "acme-delivery-web" }]);
  const forgotten = v2["acme-delivery-acme"].removed.map((r: Raw) => r.from).filter((a: string) => a.includes("web"));
  const imported = v2["acme-delivery-web"].import.map((i: Raw) => i.to);
  // Everything but the deploy token and its secret version (made anew) is imported.
  expect(imported.map((a: string) => a.replace("[0]", ""))).toEqual(
    forgotten.filter((a: string) => !/^(gitlab_project_deploy_token|aws_secretsmanager_secret_version)\./.test(a)),
  );
  expect(v2["acme-delivery-web"].import).toContainEqual({ to: expect.stringMatching(/^aws_codepipeline\..*\[0\]$/), id: "acme-platform-web" });
  expect(v2["acme-delivery-web"].import).toContainEqual({
    to: expect.stringMatching(/^aws_iam_role_policy\..*Build_Role_Policy/),
    id: "acme-platform-web-build:least-privilege",
  });
  expect(v2["acme-delivery-web"].import).toContainEqual({ to: expect.stringMatching(/^gitlab_project\./), id: "acme/platform/web" });
  expect(v2["acme-delivery-acme"].removed.every((r: Raw) => r.lifecycle.destroy === false)).toBe(true);
});

describeEngine("a move on the real engine", () => {
  const life = new Lifecycle(engine, "moves");
  let state: Raw;

  beforeAll(() => {
    state = life.deploy(v1["acme-delivery-acme"], "acme-delivery-acme", { stacks: v1 });
  });

  test("the stack the project leaves forgets its objects and deletes none; the other project is untouched", () => {
    const p = life.plan(v2["acme-delivery-acme"], state, "acme-delivery-acme", { stacks: v2 });
    expect(p.changes.filter((c) => !c.address.includes("acme__platform__web"))).toEqual([]);
    expect(new Set(p.changes.map((c) => c.actions.join("+")))).toEqual(new Set(["forget"]));
    expect(p.changes.length).toBeGreaterThanOrEqual(12);
    // The plan report names it a move: every AWS object moved out, none a risk. (The GitLab
    // stand-ins, terraform_data, are not named for the project: __tests__/report/moves.test.ts.)
    const aws = p.changes.filter((c) => c.type.startsWith("aws_")).map((c) => c.address);
    expect([...movesOf(p.run.plan!)].filter(([a]) => a.startsWith("aws_"))).toEqual(aws.map((a) => [a, "out"]));
    expect(risksOf(p.run.plan!).filter((r) => r.address.startsWith("aws_"))).toEqual([]);
    expect(markdownSummary(p.run.plan!)).toContain(
      `**A move between stacks:** ${aws.length} objects moved out to another stack (left in place, state forgotten).`,
    );
    // The source of __tests__/fixtures/moves/moved-out.json (README there says how it was copied).
    writeFileSync(join(tmpdir(), "gad-moves-moved-out.json"), JSON.stringify(p.run.plan));
  });
});

describeEngine("the import half on the real engine, offline", () => {
  // An import reads the object from AWS even with -refresh=false, and this machine has no
  // network: what can be proved here is that terraform accepts every import block, starts
  // each import with the id written, and fails only on the reads.
  test("terraform starts importing objects with the ids written; the only errors are the AWS reads it cannot make offline", () => {
    const run = new Lifecycle(engine, "moves-in").tryPlan(v2["acme-delivery-web"], undefined, "acme-delivery-web", { stacks: v2 });
    expect(run.ok).toBe(false);
    // Terraform stops starting imports after the first failed read: those it started are checked.
    const started = [...run.errors.matchAll(/^(\S+): Preparing import\.\.\. \[id=(.*)\]$/gm)].map((m) => [m[1], m[2]]);
    expect(started.length).toBeGreaterThanOrEqual(4);
    const written = new Map(
      v2["acme-delivery-web"].import.map((i: Raw) => [String(i.to).replace(/^gitlab_([a-z_]+)\.(.*)$/, "terraform_data.standin_gitlab_$1_$2"), i.id]),
    );
    for (const [to, id] of started) {
      const want = String(written.get(to));
      // An id written as an expression (the report group's ARN from the caller identity) is checked by its known parts.
      if (want.includes("${")) expect(id).toMatch(/^arn:[^:]+:codebuild:eu-west-1:123456789012:report-group\/acme-platform-web-tests$/);
      else expect([to, id]).toEqual([to, want]);
    }
    const errors = run.errors.split("\n").filter((l) => l.startsWith("Error: "));
    expect(errors.length).toBeGreaterThan(0);
    expect(
      errors.filter((l) => !/^Error: reading .*: operation error .*request send failed/.test(l) && !/^Error: reading .* \(.*\): operation error/.test(l)),
    ).toEqual([]);
  });
});
