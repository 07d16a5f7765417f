import { readFileSync } from "node:fs";
import { join } from "node:path";
import { driftMarkdown, driftOf } from "../../report/drift";

const load = (f: string) => JSON.parse(readFileSync(join(__dirname, "..", "fixtures", f), "utf8"));
const PIPELINE = "aws_codepipeline.acme__platform__payments-api_Pipeline_9A758224[0]";
const LOGS = "aws_cloudwatch_log_group.acme__platform__payments-api_Build_Logs_66D62765";
const TOKEN = "gitlab_project_deploy_token.acme__platform__payments-api_DeployToken_B267D8E4";

describe("drift report (issue 13, item 6)", () => {
  test("a real refresh-only plan: the pipeline's source edited in the console is high, the log retention is listed by attribute", () => {
    const plan = load("drift/console-edit.json");
    expect(plan.resource_changes).toBeUndefined(); // a refresh-only plan proposes nothing
    expect(driftMarkdown(plan, { title: "acme-delivery-acme" })).toBe(
      [
        "### Drift: acme-delivery-acme",
        "",
        "**2 objects changed outside Terraform** (a refresh-only plan; this job changed nothing)",
        "",
        "#### ⚠️ 1 risky",
        "",
        `- **high** \`${PIPELINE}\`: the pipeline's source was edited in the console or API (\`BranchName\`, \`FullRepositoryId\`): it may build another repository or branch; the next apply puts the declared source back`,
        "",
        "#### AWS (2)",
        "",
        `- \`${LOGS}\`: changed: \`retention_in_days\``,
        `- \`${PIPELINE}\`: changed: \`stage\``,
        "",
        "To undo it, apply the configuration again (the merge-request plan shows what that puts back). To keep it, change the configuration to match, or accept the new values into the state with `terraform apply -refresh-only`.",
        "",
        "",
      ].join("\n"),
    );
  });

  test("never a value: not the edited repository, branch or retention, nor a token", () => {
    for (const f of ["drift/console-edit.json", "drift/deploy-token-revoked.json", "drift/pipeline-deleted.json"]) {
      const md = driftMarkdown(load(f));
      for (const value of ["payments-api-fork", "hotfix", "standin-token", "123456789012", "2027-06-30"]) expect([f, md.includes(value)]).toEqual([f, false]);
    }
  });

  test("a real plan of a pipeline deleted in the console", () => {
    expect(driftOf(load("drift/pipeline-deleted.json"))).toEqual([
      {
        address: PIPELINE,
        type: "aws_codepipeline",
        side: "AWS",
        action: "delete",
        attributes: [],
        level: "high",
        risk: "a pipeline was deleted outside Terraform: its execution history is lost; the next apply creates it again",
      },
    ]);
  });

  test("a deploy token revoked in GitLab (hand-derived plan, see fixtures/drift/README.md): GitLab side, high", () => {
    const md = driftMarkdown(load("drift/deploy-token-revoked.json"), { title: "acme-delivery-acme" });
    expect(md).toContain(
      `- **high** \`${TOKEN}\`: the deploy token was revoked or deleted in GitLab: builds that read it from Secrets Manager fail until an apply makes a new one\n`,
    );
    expect(md).toContain(`#### GitLab (1)\n\n- \`${TOKEN}\`: gone\n`);
    expect(md).not.toContain("#### AWS");
  });

  test("a policy edited outside Terraform is high; an object of another provider is listed without a risk", () => {
    const drift = (type: string, before: object, after: object, provider = "registry.terraform.io/hashicorp/aws") => ({
      format_version: "1.2",
      planned_values: {},
      resource_drift: [{ address: `${type}.x`, mode: "managed", type, name: "x", provider_name: provider, change: { actions: ["update"], before, after } }],
    });
    expect(driftOf(drift("aws_iam_role_policy", { policy: "{}", name: "p" }, { policy: '{"Statement":[]}', name: "p" }))).toEqual([
      {
        address: "aws_iam_role_policy.x",
        type: "aws_iam_role_policy",
        side: "AWS",
        action: "update",
        attributes: ["policy"],
        level: "high",
        risk: "its policy (`policy`) was edited outside Terraform: what it allows now is not what was reviewed",
      },
    ]);
    // OpenTofu's own golden file: one drifted test_instance.
    const tofu = load("plans/opentofu/show-json_drift.json");
    expect(driftOf(tofu)).toEqual([{ address: "test_instance.should_refresh", type: "test_instance", side: "Other", action: "update", attributes: ["ami"] }]);
  });

  test("no drift", () => {
    expect(driftMarkdown({ format_version: "1.2", planned_values: {} })).toBe(
      "### Drift: Terraform\n\nNo drift: every object in the state is as Terraform left it.\n",
    );
  });
});
