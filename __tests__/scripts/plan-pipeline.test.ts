/*
 * Merge-request plans over changed stacks only (issue 19, item 5): which synthesized stacks
 * differ from the base commit's synthesis, and the child pipeline with one plan job each.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CommandError } from "../../scripts/command-error";
import { changedStacks, main, planPipeline } from "../../scripts/plan-pipeline";

/** A synthesized tree: stack name → its folder's files (path → text). */
function tree(stacks: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), "plan-pipeline-"));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: Object.fromEntries(Object.keys(stacks).map((s) => [s, { name: s }])) }));
  for (const [stack, files] of Object.entries(stacks)) {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, "stacks", stack, path, ".."), { recursive: true });
      writeFileSync(join(dir, "stacks", stack, path), text);
    }
  }
  return dir;
}

const json = (resources: number) => JSON.stringify({ resource: { aws_iam_role: Object.fromEntries([...Array(resources).keys()].map((i) => [`r${i}`, {}])) } });

describe("changed stacks: a synthesized folder that differs from the base commit's, or is new", () => {
  const base = tree({
    "acme-delivery-shared": { "cdk.tf.json": json(1) },
    "acme-delivery-acme-team-1": { "cdk.tf.json": json(2) },
    "acme-delivery-acme-team-2": { "cdk.tf.json": json(3), "ci/policy.json": "{}" },
    "acme-delivery-acme-team-3": { "cdk.tf.json": json(4) },
    "acme-delivery-old": { "cdk.tf.json": json(1) },
  });

  test("one project added to team 1, a file beside team 2's JSON changed, team 4 new, old gone; terraform's own files never count", () => {
    const head = tree({
      "acme-delivery-shared": { "cdk.tf.json": json(1), ".terraform/providers/x": "binary", ".terraform.lock.hcl": "lock", "plan.json": "{}" },
      "acme-delivery-acme-team-1": { "cdk.tf.json": json(3) },
      "acme-delivery-acme-team-2": { "cdk.tf.json": json(3), "ci/policy.json": '{"Statement":[]}' },
      "acme-delivery-acme-team-3": { "cdk.tf.json": json(4) },
      "acme-delivery-acme-team-4": { "cdk.tf.json": json(1) },
    });
    expect(changedStacks(head, base)).toEqual({
      changed: ["acme-delivery-acme-team-1", "acme-delivery-acme-team-2", "acme-delivery-acme-team-4"],
      unchanged: ["acme-delivery-acme-team-3", "acme-delivery-shared"],
      gone: ["acme-delivery-old"],
      reason: "3 of 5 stacks differ from the base commit's synthesis",
    });
  });

  test("a file only one side has is a change; the same bytes are none", () => {
    const head = tree({ "acme-delivery-acme-team-3": { "cdk.tf.json": json(4), "extra.json": "{}" }, "acme-delivery-shared": { "cdk.tf.json": json(1) } });
    expect(changedStacks(head, base).changed).toEqual(["acme-delivery-acme-team-3"]);
  });

  test("without a synthesis of the base commit, every stack is planned, and the reason says so", () => {
    const head = tree({ b: { "cdk.tf.json": "{}" }, a: { "cdk.tf.json": "{}" } });
    for (const b of [undefined, join(tmpdir(), "no-such-folder")]) {
      expect(changedStacks(head, b)).toEqual({
        changed: ["a", "b"],
        unchanged: [],
        gone: [],
        reason: "no synthesis of the base commit to compare with: every stack is planned",
      });
    }
  });

  test("no synthesized head is one line naming the missing manifest", () => {
    const empty = mkdtempSync(join(tmpdir(), "plan-pipeline-"));
    expect(() => changedStacks(empty, base)).toThrow(
      new CommandError(`${join(empty, "manifest.json")} is missing: synthesize first (npx gitlab-aws-delivery synth)`),
    );
  });

  test("an organisation of 200 team stacks, one changed: one plan job", () => {
    const stacks = (changed: number) =>
      Object.fromEntries([...Array(200).keys()].map((i) => [`acme-delivery-acme-team-${i}`, { "cdk.tf.json": json(i === changed ? 51 : 50) }]));
    const r = changedStacks(tree(stacks(7)), tree(stacks(-1)));
    expect([r.changed, r.unchanged.length, r.reason]).toEqual([["acme-delivery-acme-team-7"], 199, "1 of 200 stacks differ from the base commit's synthesis"]);
  });
});

/** The parts of .gitlab-ci.yml the generator copies, small enough to read in the expected YAML. */
const CI = {
  stages: ["test", "synth", "plan", "apply"],
  variables: { TF_IN_AUTOMATION: "1" },
  default: { interruptible: true },
  ".node-and-terraform": { image: "hashicorp/terraform:1.11", before_script: ["npm ci"] },
  ".aws-oidc": { id_tokens: { AWS_ID_TOKEN: { aud: "sts.amazonaws.com" } } },
  ".plan-stack": { stage: "plan", extends: [".node-and-terraform", ".aws-oidc"], script: ['plan "$STACK"'] },
  ".unrelated": { script: ["not copied"] },
  synth: { script: ["not copied"] },
};

describe("the child pipeline", () => {
  const stacks = (changed: string[], gone: string[] = []) => ({
    changed,
    unchanged: [],
    gone,
    reason: `${changed.length} of 5 stacks differ from the base commit's synthesis`,
  });

  test("one job per changed stack from the parent's synthesis, in lanes: job n waits for job n - lanes, and runs even when it failed", () => {
    const yaml = planPipeline({ ci: CI, stacks: stacks(["s1", "s2", "s3"], ["old"]), parentPipelineId: "901", mergeRequestIid: "7", lanes: 2 });
    expect(yaml).toBe(
      [
        "# Generated by scripts/plan-pipeline.ts for merge request !7: 3 of 5 stacks differ from the base commit's synthesis.",
        "# At most 2 plans at once; each posts its note on the merge request.",
        "# No longer synthesized (their state stays; destroy it on purpose): old.",
        "stages:",
        "  - plan",
        "variables:",
        '  TF_IN_AUTOMATION: "1"',
        '  CI_MERGE_REQUEST_IID: "7"',
        "default:",
        "  interruptible: true",
        ".aws-oidc:",
        "  id_tokens:",
        "    AWS_ID_TOKEN:",
        "      aud: sts.amazonaws.com",
        ".node-and-terraform:",
        "  image: hashicorp/terraform:1.11",
        "  before_script:",
        "    - npm ci",
        ".plan-stack:",
        "  stage: plan",
        "  extends:",
        "    - .node-and-terraform",
        "    - .aws-oidc",
        "  script:",
        '    - plan "$STACK"',
        "plan s1:",
        "  extends: .plan-stack",
        "  needs:",
        '    - pipeline: "901"',
        "      job: synth",
        "  variables:",
        "    STACK: s1",
        "plan s2:",
        "  extends: .plan-stack",
        "  needs:",
        '    - pipeline: "901"',
        "      job: synth",
        "  variables:",
        "    STACK: s2",
        "plan s3:",
        "  extends: .plan-stack",
        "  needs:",
        '    - pipeline: "901"',
        "      job: synth",
        "    - job: plan s1",
        "      artifacts: false",
        "  when: always",
        "  variables:",
        "    STACK: s3",
        "",
      ].join("\n"),
    );
  });

  test("nothing changed: one job that says so (a child pipeline needs a job)", () => {
    expect(planPipeline({ ci: CI, stacks: stacks([]), parentPipelineId: "901", mergeRequestIid: "7", lanes: 10 })).toBe(
      [
        "# Generated by scripts/plan-pipeline.ts for merge request !7: 0 of 5 stacks differ from the base commit's synthesis.",
        "stages:",
        "  - plan",
        "variables:",
        '  TF_IN_AUTOMATION: "1"',
        '  CI_MERGE_REQUEST_IID: "7"',
        "default:",
        "  interruptible: true",
        "no stack changed:",
        "  stage: plan",
        "  script:",
        '    - "echo \\"0 of 5 stacks differ from the base commit\'s synthesis: nothing to plan\\""',
        "",
      ].join("\n"),
    );
  });

  test("120 changed stacks, 10 lanes: 120 jobs, never more than 10 without a job to wait for", () => {
    const names = [...Array(120).keys()].map((i) => `acme-delivery-acme-team-${i}`);
    const doc = parse(planPipeline({ ci: CI, stacks: stacks(names), parentPipelineId: "901", mergeRequestIid: "7", lanes: 10 }));
    const jobs = Object.keys(doc).filter((k) => k.startsWith("plan "));
    expect(jobs).toHaveLength(120);
    expect(jobs.filter((j) => doc[j].needs.length === 1)).toEqual(jobs.slice(0, 10));
    expect(doc["plan acme-delivery-acme-team-119"].needs[1]).toEqual({ job: "plan acme-delivery-acme-team-109", artifacts: false });
  });

  test("bad inputs are one line naming the value and the fix", () => {
    const o = { ci: CI, stacks: stacks(["s1"]), parentPipelineId: "901", mergeRequestIid: "7", lanes: 2 };
    expect(() => planPipeline({ ...o, parentPipelineId: "" })).toThrow(new CommandError('CI_PIPELINE_ID "" is not a pipeline id; run this in a GitLab CI job'));
    expect(() => planPipeline({ ...o, mergeRequestIid: "" })).toThrow(
      new CommandError('CI_MERGE_REQUEST_IID "" is not a merge request iid; run this in a merge-request pipeline'),
    );
    expect(() => planPipeline({ ...o, ci: { ...CI, ".plan-stack": undefined } })).toThrow(
      new CommandError(".gitlab-ci.yml has no .plan-stack job template to copy into the plan pipeline; restore it from the shipped .gitlab-ci.yml"),
    );
  });
});

describe("the command the plan-select job runs", () => {
  const head = tree({ a: { "cdk.tf.json": "{}" }, b: { "cdk.tf.json": "{}" } });
  const base = tree({ a: { "cdk.tf.json": "{}" }, b: { "cdk.tf.json": "[]" } });
  const ci = join(mkdtempSync(join(tmpdir(), "plan-pipeline-")), "ci.yml");
  writeFileSync(ci, readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8"));
  const env = { CI_PIPELINE_ID: "901", CI_MERGE_REQUEST_IID: "7" };

  test("reads the shipped .gitlab-ci.yml, writes the pipeline, and says what it plans", () => {
    const out = join(tmpdir(), `plan-pipeline-${process.pid}.yml`);
    expect(main(["--head", head, "--base", base, "--ci", ci, "--out", out], env)).toBe("1 of 2 stacks differ from the base commit's synthesis: b");
    const doc = parse(readFileSync(out, "utf8"));
    expect(Object.keys(doc)).toEqual(["stages", "variables", "default", ".aws-oidc", ".node-and-terraform", ".plan-stack", "plan b"]);
    expect(doc[".plan-stack"]).toEqual(parse(readFileSync(ci, "utf8"))[".plan-stack"]);
    expect(main(["--head", head, "--ci", ci, "--out", out], env)).toBe("no synthesis of the base commit to compare with: every stack is planned: a b");
    expect(() => main(["--head", head, "--ci", `${ci}.missing`, "--out", out], env)).toThrow(
      new CommandError(`cannot read ${ci}.missing (ENOENT); run this from the project's root or pass --ci <file>`),
    );
  });

  test("PLAN_LANES: 10 when unset or empty, else a whole number of at least 1", () => {
    const out = join(tmpdir(), `plan-pipeline-${process.pid}.yml`);
    main(["--head", head, "--ci", ci, "--out", out], { ...env, PLAN_LANES: "" });
    expect(readFileSync(out, "utf8")).toContain("# At most 10 plans at once");
    main(["--head", head, "--ci", ci, "--out", out], { ...env, PLAN_LANES: "1" });
    expect(parse(readFileSync(out, "utf8"))["plan b"].needs[1]).toEqual({ job: "plan a", artifacts: false });
    for (const bad of ["0", "two", "1.5"]) {
      expect(() => main(["--head", head, "--ci", ci, "--out", out], { ...env, PLAN_LANES: bad })).toThrow(
        new CommandError(`PLAN_LANES "${bad}" is not a whole number of at least 1; set it to how many plans may run at once (e.g. 10)`),
      );
    }
  });
});

test("as a command, a bad input is one line on stderr and exit 1, never a stack trace", () => {
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const root = join(__dirname, "..", "..");
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "scripts", "plan-pipeline.ts"), "--head", "/nonexistent"],
    {
      encoding: "utf8",
    },
  );
  expect([r.status, r.stdout, r.stderr]).toEqual([
    1,
    "",
    "plan-pipeline: /nonexistent/manifest.json is missing: synthesize first (npx gitlab-aws-delivery synth)\n",
  ]);
});
