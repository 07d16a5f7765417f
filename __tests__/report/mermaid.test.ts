import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { graphSection, mermaid, planGraph, stackGraph } from "../../report/mermaid";
import { addressListSection } from "../../report/address-list";
import { parse } from "yaml";
import { cliInProcess } from "../cli/run";
import { synth, synthAll } from "../helpers";

const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const load = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8"));
const bin = join(__dirname, "..", "..", "bin", "gitlab-aws-delivery.js");

describe("the picture of a plan (issue 13, item 7)", () => {
  test("a small real plan: each changed object, the references between them, coloured by action", () => {
    expect(graphSection(load("checkov/aws_codebuild_tfplan.json"))).toBe(
      [
        "<details><summary>Picture of the changes (3 objects; green created, amber updated, orange replaced, red deleted; an arrow: references)</summary>",
        "",
        "```mermaid",
        "flowchart LR",
        '  subgraph aws["AWS"]',
        '    n0["aws_codebuild_project<br/>alias"]:::create',
        '    n1["aws_codebuild_project<br/>image"]:::create',
        '    n2["aws_iam_role<br/>example"]:::create',
        "  end",
        "  n0 --> n2",
        "  n1 --> n2",
        "  classDef create fill:#d4f7dc,stroke:#1a7f37,color:#0a3d1a",
        "```",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
  });

  test("references through a data source (a policy document) and inside modules are followed; instances are counted", () => {
    const graph = planGraph(load("checkov/GithubActionsOIDCTrustPolicy_tfplan.json"));
    expect(graph.edges).toEqual([
      ["module.poc.aws_iam_role.r6", "module.poc.aws_iam_openid_connect_provider.r5"],
      ["module.poc.aws_iam_role.r1", "module.poc.aws_iam_openid_connect_provider.r5"],
    ]);
    expect(graph.nodes.find((n) => n.key === "module.poc.aws_iam_role.r1")).toEqual({
      key: "module.poc.aws_iam_role.r1",
      type: "aws_iam_role",
      side: "AWS",
      action: "create",
      count: 2,
    });
  });

  test("a replacement outranks the other actions of the same block; no-ops and reads are not drawn; nothing changed, no picture", () => {
    const plan = {
      resource_changes: [
        { address: "aws_s3_object.o[0]", type: "aws_s3_object", change: { actions: ["update"] } },
        { address: "aws_s3_object.o[1]", type: "aws_s3_object", change: { actions: ["create", "delete"] } },
        { address: "aws_s3_object.same", type: "aws_s3_object", change: { actions: ["no-op"] } },
        { address: "data.aws_region.r", mode: "data", type: "aws_region", change: { actions: ["read"] } },
      ],
    };
    expect(planGraph(plan).nodes).toEqual([{ key: "aws_s3_object.o", type: "aws_s3_object", side: "AWS", action: "replace", count: 2 }]);
    expect(graphSection({ resource_changes: [plan.resource_changes[2]] })).toBe("");
  });

  test("a 10,000-change plan: one box per type and action, bounded in lines", () => {
    const types = ["aws_codebuild_project", "aws_iam_role", "aws_iam_role_policy", "gitlab_project", "gitlab_project_deploy_token"];
    const plan = {
      resource_changes: Array.from({ length: 10_000 }, (_, i) => ({
        address: `${types[i % 5]}.r${i}`,
        type: types[i % 5],
        provider_name: i % 5 >= 3 ? "registry.terraform.io/gitlabhq/gitlab" : "registry.terraform.io/hashicorp/aws",
        change: { actions: [["create"], ["update"], ["delete", "create"], ["delete"]][i % 4] },
      })),
      configuration: {
        root_module: {
          resources: Array.from({ length: 10_000 }, (_, i) => ({
            address: `${types[i % 5]}.r${i}`,
            expressions: { role: { references: [`aws_iam_role.r${(i % 2000) * 5 + 1}.arn`, `aws_iam_role.r${(i % 2000) * 5 + 1}`] } },
          })),
        },
      },
    };
    const text = graphSection(plan);
    const lines = text.split("\n");
    expect(lines.length).toBeLessThanOrEqual(60);
    expect(text).toContain('n0["gitlab_project<br/>500 created"]:::create');
    expect(text).toContain('n19["aws_iam_role_policy<br/>500 updated"]:::update');
    expect(text).toContain("Picture of the changes (10000 objects;");
    // 20 boxes (5 types × 4 actions): 20 node lines, edges between groups only.
    expect(lines.filter((l) => /^ {4}n\d+\[/.test(l))).toHaveLength(20);
  });

  test("more types than fit: the smallest are one box; labels are escaped", () => {
    const graph = {
      nodes: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}.x`, type: `t${i}`, side: "Other" as const, action: "create" as const, count: i + 1 })),
      edges: [],
    };
    const text = mermaid(graph, { maxNodes: 10 });
    expect(text.split("\n").filter((l) => l.startsWith("    n"))).toHaveLength(20);
    expect(text).toContain('n0["81 other types ×3321"]\n');
    expect(mermaid({ nodes: [{ key: 'a.b"c', type: "a", side: "Other", count: 1 }], edges: [] })).toContain('["a<br/>b#quot;c"]');
  });
});

describe("the picture of a synthesized stack: gitlab-aws-delivery graph <stack>", () => {
  const { json } = synth();

  test("the example's team stack: GitLab and AWS objects and their references, through the policy documents", () => {
    const graph = stackGraph(json);
    const edge = (from: RegExp, to: RegExp) => graph.edges.some(([a, b]) => from.test(a) && to.test(b));
    expect(edge(/^aws_codepipeline\.acme__platform__payments-api_Pipeline_/, /^gitlab_project\.acme__platform__payments-api_GitlabProject_/)).toBe(true);
    expect(edge(/^aws_secretsmanager_secret_version\./, /^gitlab_project_deploy_token\.acme__platform__payments-api_/)).toBe(true);
    expect(edge(/^aws_iam_role_policy\.acme__platform__payments-api_Build_Role_Policy_/, /^aws_s3_bucket\.ArtifactStore_/)).toBe(true);
    expect(edge(/^aws_codepipeline\./, /^aws_iam_role\./)).toBe(true);
    expect(graph.nodes.filter((n) => n.side === "GitLab").map((n) => n.type)).toEqual(["gitlab_project", "gitlab_project_deploy_token"]);
  });

  test("the README's picture is the shipped delivery.yaml's team stack, as the command draws it now", () => {
    const root = join(__dirname, "..", "..");
    const { stacks } = synthAll(parse(readFileSync(join(root, "delivery.yaml"), "utf8")));
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain(`\n\`\`\`mermaid\n${mermaid(stackGraph(stacks["acme-delivery-acme"].json))}\`\`\`\n`);
  });

  test("the command prints it, fenced with --markdown (through the real bin); a missing stack or folder is one line", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "graph-"));
    mkdirSync(join(outdir, "stacks", "acme-delivery-acme"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), JSON.stringify(json));
    writeFileSync(
      join(outdir, "manifest.json"),
      JSON.stringify({ stacks: { "acme-delivery-acme": { synthesizedStackPath: "stacks/acme-delivery-acme/cdk.tf.json" }, "acme-delivery-shared": {} } }),
    );
    const out = execFileSync(process.execPath, [bin, "graph", "acme-delivery-acme", "-o", outdir, "--markdown"], { encoding: "utf8" });
    expect(out).toBe(`\`\`\`mermaid\n${mermaid(stackGraph(json))}\`\`\`\n`);
    expect(out).toContain('    n0["gitlab_project<br/>acme__platform__payments-api_GitlabProject"]\n');
    expect(out).toContain("  n5 --> n0\n"); // the pipeline reads the project's path
    const missing = await cliInProcess(["graph", "acme-delivery-acmee", "-o", outdir]);
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([
      1,
      "",
      `graph: stack "acme-delivery-acmee" is not in ${join(outdir, "manifest.json")}; the stacks there are: acme-delivery-acme, acme-delivery-shared\n`,
    ]);
    const nowhere = await cliInProcess(["graph", "x", "-o", join(outdir, "nope")]);
    expect([nowhere.status, nowhere.stderr]).toEqual([
      1,
      `graph: ${join(outdir, "nope", "manifest.json")} cannot be read (ENOENT); synthesize first (gitlab-aws-delivery synth), or name the output folder with --outdir\n`,
    ]);
  });
});

describe("the full list of addresses (issue 13, item 8)", () => {
  test("a real plan: every changed address with terraform's symbol, collapsed", () => {
    expect(addressListSection(load("tfplan-validator/create-delete.json"))).toBe(
      ["<details><summary>All 1 changed address</summary>", "", "```diff", "-/+ local_file.foo", "```", "", "</details>", ""].join("\n"),
    );
  });

  test("bounded for a huge plan; nothing changed, no list", () => {
    const plan = {
      resource_changes: Array.from({ length: 10_000 }, (_, i) => ({
        address: `aws_s3_object.o${String(i).padStart(5, "0")}`,
        type: "aws_s3_object",
        change: { actions: ["create"] },
      })),
    };
    const text = addressListSection(plan);
    expect(text.split("\n")).toHaveLength(2_000 + 8);
    expect(text).toContain("+ aws_s3_object.o01999\n# … and 8000 more (not listed: a note holds at most 1,000,000 characters)\n```");
    expect(addressListSection({ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["no-op"] } }] })).toBe("");
  });
});
