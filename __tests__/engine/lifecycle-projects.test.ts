/*
 * Day 2 for a team stack, on the real engine: projects added, removed, reordered, a deploy
 * token rotated, an environment inserted, a project moved to another stack. Each case plans
 * config v2 against the state config v1 leaves (see lifecycle.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { offlineEngine } from "./engine";
import { Lifecycle, TransitionPlan } from "./lifecycle";
import { rawConfig, rawProject, synthAll } from "../helpers";

const { engine, describeEngine } = offlineEngine("day-2 transitions of projects");

type Raw = Record<string, any>;
const CODEBUILD_DEPLOY = { codebuild: { buildspec: "deploy/buildspec.yml" } };
const payments = (overrides: Raw = {}) =>
  rawProject({
    ci: {},
    ...overrides,
    pipeline: {
      notifications: { emails: ["payments@acme.example"] },
      environments: [
        { name: "dev", deploy: CODEBUILD_DEPLOY },
        { name: "prod", deploy: CODEBUILD_DEPLOY },
      ],
      ...overrides.pipeline,
    },
  });
const website = (overrides: Raw = {}) => rawProject({ path: "acme/platform/web-site", ...overrides });

function stacksOf(projects: Raw[]): Record<string, Raw> {
  const { shared, stacks } = synthAll(rawConfig({ projects }));
  return { "acme-delivery-shared": shared.json, ...Object.fromEntries(Object.entries(stacks).map(([k, v]) => [k, v.json])) };
}

/** The resource types a plan touches, each with its actions, sorted. */
const touched = (p: TransitionPlan) => [...new Set(p.changes.map((c) => `${c.type}: ${c.actions.join("+")}`))].sort();

describeEngine("day 2: projects of a team stack", () => {
  const life = new Lifecycle(engine, "projects");
  const v1 = stacksOf([payments(), website()]);
  let state: Raw;
  const plan = (stacks: Record<string, Raw>, name = "acme-delivery-acme") => life.plan(stacks[name], state, name, { stacks });

  beforeAll(() => {
    state = life.deploy(v1["acme-delivery-acme"], "acme-delivery-acme", { stacks: v1 });
  });

  test("the same config again plans nothing (the derived state is what v1 leaves)", () => {
    expect(plan(v1).summary).toEqual([]);
  });

  test("a project added to the group creates its own objects and touches nothing else", () => {
    const p = plan(stacksOf([payments(), website(), rawProject({ path: "acme/platform/orders" })]));
    expect(p.changes.filter((c) => !/orders/.test(c.address))).toEqual([]);
    expect(touched(p)).toEqual([
      "aws_cloudwatch_log_group: create",
      "aws_codebuild_project: create",
      "aws_codebuild_report_group: create",
      "aws_codepipeline: create",
      "aws_iam_role: create",
      "aws_iam_role_policy: create",
      "aws_secretsmanager_secret: create",
      "aws_secretsmanager_secret_version: create",
      "terraform_data: create", // the GitLab project and its deploy token, stood in
    ]);
  });

  test("projects reordered in the config: no change at all", () => {
    expect(plan(stacksOf([website(), payments()])).summary).toEqual([]);
  });

  test("a project removed: its pipeline, build, roles and secret are deleted, the GitLab project is archived, nothing else moves", () => {
    const p = plan(stacksOf([payments()]));
    expect(p.changes.filter((c) => !/web[-_]site/.test(c.address))).toEqual([]);
    expect(touched(p)).toEqual([
      "aws_cloudwatch_log_group: delete",
      "aws_codebuild_project: delete",
      "aws_codebuild_report_group: delete",
      "aws_codepipeline: delete",
      "aws_iam_role: delete",
      "aws_iam_role_policy: delete",
      "aws_secretsmanager_secret: delete",
      "aws_secretsmanager_secret_version: delete",
      "terraform_data: delete",
    ]);
    expect(p.summary.filter((s) => s.startsWith("terraform_data."))).toEqual([
      expect.stringMatching(/^terraform_data\.standin_gitlab_project_acme__platform__web_site_GitlabProject_[0-9A-F]{8}: delete$/),
      expect.stringMatching(/^terraform_data\.standin_gitlab_project_deploy_token_acme__platform__web_site_DeployToken_[0-9A-F]{8}: delete$/),
    ]);
    // What the GitLab provider does with that delete: it archives (prevent_destroy guards the
    // project while its block is in the config; a removed block takes its lifecycle with it).
    const gitlab = Object.values<Raw>(v1["acme-delivery-acme"].resource.gitlab_project).find((p) => p.path === "web-site")!;
    expect([gitlab.archive_on_destroy, gitlab.lifecycle]).toEqual([true, { prevent_destroy: true }]);
  });

  test("a deploy token's expiry moved: a new token and secret version first, then the old ones go; nothing else", () => {
    const p = plan(stacksOf([payments({ deployToken: { expiresAt: "2027-12-31" } }), website()]));
    expect(p.summary).toEqual([
      expect.stringMatching(/^aws_secretsmanager_secret_version\.acme__platform__payments-api_DeployToken_SecretValue_[0-9A-F]{8}: create\+delete$/),
      expect.stringMatching(/^terraform_data\.standin_gitlab_project_deploy_token_acme__platform__payments_api_DeployToken_[0-9A-F]{8}: create\+delete$/),
    ]);
    const token = p.changes.find((c) => c.type === "terraform_data")!;
    expect(token.change.after.triggers_replace.expires_at).toBe("2027-12-31T00:00:00Z");
  });

  test("an environment inserted between two others: the pipeline is updated in place, the new stage's build created", () => {
    const three = [
      { name: "dev", deploy: CODEBUILD_DEPLOY },
      { name: "staging", deploy: CODEBUILD_DEPLOY },
      { name: "prod", deploy: CODEBUILD_DEPLOY },
    ];
    const p = plan(stacksOf([payments({ pipeline: { environments: three } }), website()]));
    expect(touched(p)).toEqual([
      "aws_cloudwatch_log_group: create",
      "aws_codebuild_project: create",
      "aws_codebuild_report_group: create",
      "aws_codepipeline: update",
      "aws_iam_role: create",
      "aws_iam_role_policy: create",
      "aws_iam_role_policy: update", // the pipeline role may now start the staging build
    ]);
    expect(p.changes.filter((c) => c.actions.includes("create")).every((c) => /_Environments_staging_/.test(c.address))).toBe(true);
    const pipeline = p.changes.find((c) => c.type === "aws_codepipeline")!;
    expect(pipeline.change.after.stage.map((s: Raw) => s.name)).toEqual(["Source", "BuildAndTest", "Deploy-dev", "Deploy-staging", "Deploy-prod"]);
  });

  test("a project moved to another stack (stack:) is deleted from this one: the README's state-move steps avoid it", () => {
    const moved = stacksOf([payments({ stack: "payments" }), website()]);
    const p = plan(moved);
    const others = p.changes.filter((c) => !/payments[-_]api/.test(c.address));
    expect(p.changes.filter((c) => /payments[-_]api/.test(c.address)).every((c) => c.actions.join() === "delete")).toBe(true);
    expect(p.changes.map((c) => c.type)).toContain("aws_codepipeline");
    // Payments was the stack's only project with notifications: see the next test.
    expect(others.map((c) => `${c.type}: ${c.actions.join("+")}`).sort()).toEqual(["aws_kms_alias: delete", "aws_kms_key: forget"]);
    expect(Object.keys(moved)).toContain("acme-delivery-payments");
  });

  test("the README's state move: after it, neither stack deletes or re-creates what the moved project built", () => {
    const moved = stacksOf([payments({ stack: "payments" }), website()]);
    const dir = mkdtempSync(join(tmpdir(), "gad-move-"));
    writeFileSync(join(dir, "source.tfstate"), JSON.stringify(state));
    // Every address of the project starts with its construct id (the GitLab objects' stand-ins carry it too).
    const own = state.resources
      .filter((r: Raw) => /^acme__platform__payments-api_|^standin_gitlab_[a-z_]+?_acme__platform__payments_api_/.test(r.name))
      .map((r: Raw) => `${r.type}.${r.name}`);
    expect(own.length).toBeGreaterThan(20);
    for (const address of own) {
      execFileSync(engine.terraform, ["state", "mv", "-state=source.tfstate", "-state-out=target.tfstate", address, address], {
        cwd: dir,
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        stdio: "pipe",
      });
    }
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
    const source = life.plan(moved["acme-delivery-acme"], read("source.tfstate"), "acme-delivery-acme", { stacks: moved });
    // Only the notification key (forgotten) and its alias leave the source stack.
    expect(source.summary.map((l) => l.replace(/_[0-9A-F]{8}/, ""))).toEqual([
      "aws_kms_alias.NotificationKey_Alias: delete",
      "aws_kms_key.NotificationKey: forget",
    ]);
    const target = life.plan(moved["acme-delivery-payments"], read("target.tfstate"), "acme-delivery-payments", { stacks: moved });
    const moves = target.changes.filter((c) => /^[a-z_]+\.acme__platform__payments-api_/.test(c.address) || /payments_api/.test(c.address));
    expect(moves.filter((c) => c.actions.includes("delete") || c.actions.includes("create"))).toEqual([]);
    // What is new is the target stack's own: its artifact bucket and key, notification key, gate.
    expect(target.changes.filter((c) => c.actions.includes("create")).every((c) => !/payments/.test(c.address))).toBe(true);
  });

  test("the last project with notifications gone: the stack's notification key is forgotten, never deleted", () => {
    const p = plan(stacksOf([payments({ pipeline: { notifications: undefined } }), website()]));
    const key = p.changes.filter((c) => c.type === "aws_kms_key");
    expect(key.map((c) => [c.address, c.actions])).toEqual([["aws_kms_key.NotificationKey_6F64DE1A", ["forget"]]]);
    expect(
      p.changes
        .filter((c) => c.actions.includes("delete"))
        .map((c) => c.type)
        .sort(),
    ).toEqual(["aws_codestarnotifications_notification_rule", "aws_kms_alias", "aws_sns_topic", "aws_sns_topic_policy", "aws_sns_topic_subscription"]);
  });
});
