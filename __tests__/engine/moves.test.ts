/*
 * A project moved to another stack on purpose (its `stack:` changed against the lock file),
 * on the real engine: the stack it leaves forgets its objects (removed, destroy = false), and
 * none is deleted; the stack it joins imports them, reading each from a localhost AWS that
 * holds the objects as the old stack left them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { movesOf } from "../../report/moves";
import { markdownSummary, risksOf } from "../../report/plan-report";
import { FAKE_ACCOUNT_ID } from "../../scripts/tf-check";
import { buildApp, validateTree } from "../../stacks/app";
import { Assignment, assignStacks } from "../../stacks/assignment";
import { config, rawConfig, rawProject } from "../helpers";
import { offlineEngine } from "./engine";
import { objectsOf } from "./fake-aws";
import { FakeAwsPlan, planWithFakeAws } from "./fake-aws/plan";
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

let sourceState: Raw | undefined;
/** The stack the project leaves, as an apply of v1 leaves it: the objects both halves of the move act on. */
const deployedSource = (): Raw => (sourceState ??= new Lifecycle(engine, "moves").deploy(v1["acme-delivery-acme"], "acme-delivery-acme", { stacks: v1 }));

describeEngine("a move on the real engine", () => {
  const life = new Lifecycle(engine, "moves");
  let state: Raw;

  beforeAll(() => {
    state = deployedSource();
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

describeEngine("the import half on the real engine, against AWS as the project's old stack left it", () => {
  // An import reads its object from AWS even with -refresh=false. AWS here is the localhost
  // fake (fake-aws/), answering every read with the objects as the source stack's state holds
  // them: the very objects the target stack imports.
  const TARGET = "acme-delivery-web";
  let source: Raw;
  let planned: FakeAwsPlan;
  let plan: Raw;
  const changes = (): Raw[] => plan.resource_changes.filter((c: Raw) => c.mode === "managed");
  const imported = (): Raw[] => changes().filter((c) => c.change.importing);

  const dir = join(tmpdir(), `gad-moves-in-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    source = deployedSource();
    planned = await planWithFakeAws(engine, v2[TARGET], objectsOf(source), { dir, stacks: v2 });
    plan = planned.plan;
    // The source of __tests__/fixtures/moves/moved-in.json (README there says how it was copied).
    writeFileSync(join(tmpdir(), "gad-moves-moved-in.json"), JSON.stringify(plan));
  }, 300_000);

  test("the plan completes: every read an import makes is answered, by these services only", () => {
    expect(planned.unknown).toEqual([]);
    expect([...new Set(planned.calls)].sort()).toEqual([
      "CodeBuild_20161006.BatchGetProjects",
      "CodeBuild_20161006.BatchGetReportGroups",
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.ListTagsForResource",
      "Logs_20140328.DescribeLogGroups",
      "Logs_20140328.ListTagsForResource",
      "iam.GetRole",
      "iam.GetRolePolicy",
      "iam.ListAttachedRolePolicies",
      "iam.ListRolePolicies",
      "secretsmanager.DescribeSecret",
      "secretsmanager.GetResourcePolicy",
    ]);
    expect(plan.errored).toBe(false);
    expect(planned.output).toContain("Plan: 10 to import, 10 to add, 6 to change, 0 to destroy.");
  });

  test("every import block is imported by the id written, at its address; none of them is created", () => {
    const secretArn = objectsOf(source).secrets["gitlab-aws-delivery/acme/platform/web/deploy-token"].arn;
    // The ids written as expressions, as terraform evaluates them: the account from the caller
    // identity (stood in), the secret's ARN read by name from AWS (DescribeSecret).
    const resolve = (id: string) =>
      id
        .replace("${data.aws_caller_identity.Account.account_id}", FAKE_ACCOUNT_ID)
        .replace(/^\$\{data\.aws_secretsmanager_secret\.acme__platform__web_DeployToken_SecretMoved_[0-9A-F]{8}\.arn\}$/, secretArn);
    // GitLab objects are terraform_data stand-ins offline (lifecycle.ts); so are their import blocks' addresses.
    const standin = (to: string) => to.replace(/^gitlab_([a-z_]+)\.(.*)$/, "terraform_data.standin_gitlab_$1_$2");
    const written = v2[TARGET].import.map((i: Raw) => [standin(i.to), resolve(i.id)]);
    expect(written.some(([, id]: string[]) => id.includes("${"))).toBe(false);
    expect(
      imported()
        .map((c) => [c.address, c.change.importing.id])
        .sort(),
    ).toEqual(written.sort());
    expect(secretArn).toBe("arn:aws:secretsmanager:eu-west-1:123456789012:secret:gitlab-aws-delivery/acme/platform/web/deploy-token-AbCdEf");
    expect(imported().filter((c) => !["no-op", "update"].includes(c.change.actions.join("+")))).toEqual([]);
    expect(changes().filter((c) => c.change.actions.includes("delete"))).toEqual([]);
  });

  test("the only creates: the new deploy token and its secret version, and the artifact store the stack joined has of its own", () => {
    const created = changes()
      .filter((c) => c.change.actions.join("+") === "create")
      .map((c) => c.address.replace(/_[0-9A-F]{8}$/, ""))
      .sort();
    expect(created).toEqual([
      "aws_kms_alias.ArtifactStore_KeyAlias",
      "aws_kms_key.ArtifactStore_Key",
      "aws_s3_bucket.ArtifactStore",
      "aws_s3_bucket_ownership_controls.ArtifactStore_Ownership",
      "aws_s3_bucket_policy.ArtifactStore_Policy",
      "aws_s3_bucket_public_access_block.ArtifactStore_PublicAccessBlock",
      "aws_s3_bucket_server_side_encryption_configuration.ArtifactStore_Encryption",
      "aws_s3_bucket_versioning.ArtifactStore_Versioning",
      "aws_secretsmanager_secret_version.acme__platform__web_DeployToken_SecretValue",
      "terraform_data.standin_gitlab_project_deploy_token_acme__platform__web_DeployToken",
    ]);
  });

  test("imported objects stay as they are but for the updates explained here", () => {
    const changed = Object.fromEntries(imported().map((c) => [c.address.replace(/_[0-9A-F]{8}(\[0\])?$/, ""), changedAttributes(c.change)]));
    expect(changed).toEqual({
      "aws_cloudwatch_log_group.acme__platform__web_Build_Logs": [],
      "aws_codebuild_report_group.acme__platform__web_Build_TestReports": [],
      "aws_iam_role.acme__platform__web_Build_Role": [],
      "aws_iam_role.acme__platform__web_Pipeline_Role": [],
      // (1) The stack joined has its own artifact store (bucket and KMS key, created above):
      // what uses the store follows it (the references are checked below).
      "aws_codebuild_project.acme__platform__web_Build": ["encryption_key"],
      "aws_iam_role_policy.acme__platform__web_Build_Role_Policy": ["policy"],
      "aws_iam_role_policy.acme__platform__web_Pipeline_Role_Policy": ["policy"],
      // (2) Also `trigger`: the provider reads a pipeline's triggers into `trigger_all` only and
      // keeps `trigger` from its prior state, which an import does not have.
      "aws_codepipeline.acme__platform__web_Pipeline": ["artifact_store", "trigger"],
      // (3) Also two arguments AWS does not hold (Terraform's own: the deletion recovery window,
      // replica overwrite): an import leaves them unset, the configuration's values fill them.
      "aws_secretsmanager_secret.acme__platform__web_DeployToken_Secret": ["force_overwrite_replica_secret", "kms_key_id", "recovery_window_in_days"],
      // (4) The GitLab project's stand-in: terraform_data imports an id and nothing else, so its
      // input is filled after the import. The GitLab provider (not offline) reads the project.
      "terraform_data.standin_gitlab_project_acme__platform__web_GitlabProject": ["input", "output"],
    });
    const refs = (address: string, ...path: string[]) => {
      let e: Raw = plan.configuration.root_module.resources.find((r: Raw) => r.address === address.replace(/\[0\]$/, "")).expressions;
      for (const p of path) e = Array.isArray(e) ? e[0][p] : e[p];
      return e.references;
    };
    const [project, pipeline, secret] = ["aws_codebuild_project", "aws_codepipeline", "aws_secretsmanager_secret"].map((t) =>
      imported().find((c) => c.type === t)!,
    );
    const KEY = "aws_kms_key.ArtifactStore_Key_FF470AAB";
    expect(refs(project.address, "encryption_key")).toContain(`${KEY}.arn`);
    expect(refs(secret.address, "kms_key_id")).toContain(`${KEY}.arn`);
    expect(refs(pipeline.address, "artifact_store", "encryption_key", "id")).toContain(`${KEY}.arn`);
    expect(refs(pipeline.address, "artifact_store", "location")).toContain("aws_s3_bucket.ArtifactStore_8A81FDFB.bucket");
    // (2) AWS has the trigger the configuration declares.
    const { before, after } = pipeline.change;
    expect(before.trigger).toEqual([]);
    expect(before.trigger_all).toEqual(emptyListsForNull(after.trigger));
    // (3)
    expect([secret.change.before.recovery_window_in_days, secret.change.before.force_overwrite_replica_secret]).toEqual([null, null]);
    // (1) Of each role's policy only the artifact store's statements change: every other
    // statement of the planned document is the imported one's.
    for (const role of ["Build", "Pipeline"]) {
      const document = plan.resource_changes.find((c: Raw) =>
        c.address.startsWith(`data.aws_iam_policy_document.acme__platform__web_${role}_Role_PolicyDocument_`),
      )!;
      const policy = imported().find((c) => c.address.startsWith(`aws_iam_role_policy.acme__platform__web_${role}_Role_Policy_`))!;
      const statements = document.change.after.statement.map((s: Raw, i: number) => ({
        ...s,
        unknown: document.change.after_unknown.statement[i].resources.includes(true),
      }));
      expect(statements.filter((s: Raw) => s.unknown).map((s: Raw) => s.sid)).toEqual(["ArtifactObjects", "ArtifactBucket", "ArtifactKey"]);
      const importedStatements = new Map(JSON.parse(policy.change.before.policy).Statement.map((s: Raw) => [s.Sid, s]));
      for (const s of statements.filter((x: Raw) => !x.unknown)) {
        const was = importedStatements.get(s.sid) as Raw;
        expect([s.sid, [was.Resource].flat(), [was.Action].flat().sort()]).toEqual([s.sid, s.resources, [...s.actions].sort()]);
      }
    }
  });

  test("the plan report names every imported AWS object moved in, with the id it is imported by", () => {
    const aws = imported().filter((c) => c.type.startsWith("aws_"));
    expect([...movesOf(plan)].sort()).toEqual(aws.map((c) => [c.address, "in"]).sort());
    const md = markdownSummary(plan, { title: TARGET });
    expect(md).toContain(`**A move between stacks:** ${aws.length} objects moved in (imported, not created).`);
    expect(md).toContain(`<details><summary>${aws.length} moved in (imported, not created)</summary>`);
    expect(md).toContain(
      "- `aws_iam_role_policy.acme__platform__web_Build_Role_Policy_7F109C01`: imported by id `acme-platform-web-build:least-privilege`; then updated in place: changes `policy`",
    );
    expect(md).toContain("imported by id `acme-platform-web`; then updated in place: changes `artifact_store`, `trigger`");
    // The new artifact store's key policy and the roles' policies name a bucket and key made by
    // this apply: the report cannot show them yet, and says so.
    expect(risksOf(plan).map((r) => r.address.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws_iam_role_policy.acme__platform__web_Build_Role_Policy",
      "aws_iam_role_policy.acme__platform__web_Pipeline_Role_Policy",
      "aws_kms_key.ArtifactStore_Key",
    ]);
  });
});

/** Top-level attributes whose value differs, or holds a value known only at apply. */
function changedAttributes(change: Raw): string[] {
  const unknown = (m: unknown): boolean => m === true || (m !== null && typeof m === "object" && Object.values(m).some(unknown));
  const names = new Set([...Object.keys(change.before ?? {}), ...Object.keys(change.after ?? {})]);
  return [...names].filter((k) => JSON.stringify(change.before?.[k]) !== JSON.stringify(change.after?.[k]) || unknown(change.after_unknown?.[k])).sort();
}

/** A block list as the provider reads it back from AWS: an unset list is empty, not null. */
function emptyListsForNull(v: unknown): unknown {
  if (v === null) return [];
  if (Array.isArray(v)) return v.map(emptyListsForNull);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, emptyListsForNull(x)]));
  return v;
}
