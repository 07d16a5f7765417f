import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { ciPolicyDocuments, ciPolicyFiles, MANAGED_POLICY_MAX, pack } from "../../report/ci-policies";
import { synthesizeConfig } from "../../app/synth-tree";
import { config, rawConfig, rawProject } from "../helpers";

const READ = /^[a-z0-9-]+:(Describe|Get|List|BatchGet)[A-Za-z]*$/;

function stacksOf(raw: Record<string, unknown>) {
  const cfg = config(raw);
  const out = mkdtempSync(join(tmpdir(), "ci-policies-"));
  try {
    const names = synthesizeConfig(cfg, out);
    return { cfg, stacks: names.map((n) => JSON.parse(readFileSync(join(out, "stacks", n, "cdk.tf.json"), "utf8"))) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const withOidc = (projects = [rawProject()], oidc: Record<string, unknown> = {}) => rawConfig({ projects, ci: { oidc: { project: "acme/infra", ...oidc } } });

describe("CI role policies (ci.oidc)", () => {
  const { cfg, stacks } = stacksOf(withOidc());
  const { plan, apply } = ciPolicyDocuments(cfg, stacks);
  const actions = (docs: typeof plan) => docs.flatMap((d) => d.Statement.flatMap((s) => s.Action));
  const resources = (docs: typeof plan) => docs.flatMap((d) => d.Statement.flatMap((s) => s.Resource));

  test("the plan role may only read: every action is a Describe, Get, List or BatchGet, and none hands out a GitLab credential", () => {
    expect(actions(plan).length).toBeGreaterThan(10);
    expect(actions(plan).filter((a) => !READ.test(a))).toEqual([]);
    expect(actions(plan).filter((a) => /GetConnectionToken|GetIndividualAccessToken|GetInstallationUrl/.test(a))).toEqual([]);
    // What a refresh reads: the pipeline, the build project, the role, the deploy-token secret.
    expect(actions(plan)).toEqual(
      expect.arrayContaining(["codepipeline:GetPipeline", "codebuild:BatchGetProjects", "iam:GetRole", "secretsmanager:GetSecretValue"]),
    );
  });

  test("the apply role gets the deployer policy, less the CI roles, their policies and the console handshake", () => {
    expect(actions(apply)).toEqual(expect.arrayContaining(["codepipeline:CreatePipeline", "iam:PutRolePolicy", "iam:PassRole"]));
    expect(resources(apply).filter((r) => /acme-delivery-ci-(plan|apply)|oidc-provider/.test(r))).toEqual([]);
    expect(apply.flatMap((d) => d.Statement.map((s) => s.Sid)).filter((sid) => /^CiOidc|Handshake/.test(sid))).toEqual([]);
    expect(actions(apply)).not.toContain("codeconnections:GetIndividualAccessToken");
  });

  test("like every policy of the stacks, the documents name their actions: no wildcard action", () => {
    expect([...actions(plan), ...actions(apply)].filter((a) => a.includes("*"))).toEqual([]);
  });

  test("ARNs carry the account placeholder that the shared stack's templatefile fills in", () => {
    expect(resources(apply)).toContain("arn:aws:iam::${account_id}:role/acme-platform-payments-api-build");
    expect(resources(apply).filter((r) => r.includes(":*:") && r.startsWith("arn:aws:iam"))).toEqual([]);
  });

  test("files are named plan-N.json and apply-N.json and each fits one managed policy", () => {
    const files = ciPolicyFiles(cfg, stacks);
    expect(Object.keys(files)).toEqual(["plan-1.json", "apply-1.json"]);
    for (const text of Object.values(files)) expect(JSON.stringify(JSON.parse(text)).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX);
  });

  test("without ci.oidc there is nothing to write", () => {
    const plain = stacksOf(rawConfig());
    expect(ciPolicyFiles(plain.cfg, plain.stacks)).toEqual({});
  });
});

describe("packing into managed policies", () => {
  const statement = (sid: string, n: number) => ({
    Sid: sid,
    Effect: "Allow" as const,
    Action: ["iam:GetRole"],
    Resource: Array.from({ length: n }, (_, i) => `arn:aws:iam::\${account_id}:role/project-${String(i).padStart(4, "0")}-build`),
  });

  test("statements fill a document up to 6,144 characters, then the next; a statement too big alone is cut by resources", () => {
    const docs = pack([statement("Small", 3), statement("Huge", 400)]);
    expect(docs.length).toBeGreaterThan(2);
    for (const d of docs) expect(JSON.stringify(d).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX);
    const huge = docs.flatMap((d) => d.Statement).filter((s) => s.Sid.startsWith("Huge"));
    expect(huge.flatMap((s) => s.Resource)).toEqual(statement("Huge", 400).Resource);
    expect(new Set(huge.map((s) => s.Sid)).size).toBe(huge.length);
  });

  test("a config whose apply policy needs more managed policies than allowed is refused with the way out", () => {
    const projects = Array.from({ length: 40 }, (_, i) => rawProject({ path: `acme/team/service-${i}` }));
    const { cfg, stacks } = stacksOf(withOidc(projects, { maxApplyPolicies: 1 }));
    expect(() => ciPolicyDocuments(cfg, stacks)).toThrow(
      /^ci\.oidc: the apply role needs \d+ managed policies for this config \(each holds 6144 characters\), more than ci\.oidc\.maxApplyPolicies \(1\); ask AWS to raise the "managed policies per role" quota \(up to 20\) and set ci\.oidc\.maxApplyPolicies to it, or split the projects over several configs$/,
    );
  });
});
