/*
 * The plan report on real plans of our own stacks: terraform plans the example's team stack
 * against a hand-written prior state holding an old bucket and log group the config no
 * longer has (deletes), the report group under another name (a replacement) and the KMS
 * key with rotation off (an update).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { graphSection, planGraph } from "../../report/mermaid";
import { changesOf, gitlabReport, markdownSummary, risksOf } from "../../report/plan-report";
import { FAKE_ACCOUNT_ID, prepareStack, runStack } from "../../scripts/tf-check";
import { offlineEngine } from "./engine";
import { byPath, only, synth } from "../helpers";

const { engine, describeEngine } = offlineEngine("plan report on real plans");

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';
const resource = (type: string, name: string, attributes: Record<string, unknown>) => ({
  mode: "managed",
  type,
  name,
  provider: AWS,
  instances: [{ schema_version: 0, attributes }],
});

describeEngine("plan report on real plans of our stacks", () => {
  const { json, shared } = synth();
  const reportGroup = byPath(json, "aws_codebuild_report_group", "acme__platform__payments-api/Build/TestReports").name;
  const key = only(json, "aws_kms_key").name;
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: "00000000-0000-0000-0000-000000000003",
    outputs: {},
    resources: [
      resource("aws_s3_bucket", "old_artifacts", {
        id: "acme-old-artifacts",
        bucket: "acme-old-artifacts",
        arn: "arn:aws:s3:::acme-old-artifacts",
        force_destroy: false,
      }),
      resource("aws_cloudwatch_log_group", "old_logs", {
        id: "/aws/codebuild/old",
        name: "/aws/codebuild/old",
        arn: `arn:aws:logs:eu-west-1:${FAKE_ACCOUNT_ID}:log-group:/aws/codebuild/old`,
      }),
      resource("aws_codebuild_report_group", reportGroup, {
        id: `arn:aws:codebuild:eu-west-1:${FAKE_ACCOUNT_ID}:report-group/old-name-tests`,
        arn: `arn:aws:codebuild:eu-west-1:${FAKE_ACCOUNT_ID}:report-group/old-name-tests`,
        name: "old-name-tests",
        type: "TEST",
        delete_reports: false,
        export_config: [{ type: "NO_EXPORT", s3_destination: [] }],
        tags: {},
        tags_all: { "managed-by": "gitlab-aws-delivery", team: "platform" },
      }),
      resource("aws_kms_key", key, {
        id: "1234abcd-12ab-34cd-56ef-1234567890ab",
        key_id: "1234abcd-12ab-34cd-56ef-1234567890ab",
        arn: `arn:aws:kms:eu-west-1:${FAKE_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        description: "Encrypts the CodePipeline artifacts in acme-delivery-acme-artifacts-*",
        enable_key_rotation: false,
        rotation_period_in_days: 0,
        deletion_window_in_days: 30,
        is_enabled: true,
        key_usage: "ENCRYPT_DECRYPT",
        customer_master_key_spec: "SYMMETRIC_DEFAULT",
        multi_region: false,
        bypass_policy_lockout_safety_check: false,
        policy: "{}",
        tags: {},
        tags_all: { "managed-by": "gitlab-aws-delivery", team: "platform" },
      }),
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), "delivery-report-"));
  let run: ReturnType<typeof runStack>;
  beforeAll(() => {
    run = runStack(engine, prepareStack(json, engine, { stacks: { "acme-delivery-shared": shared.json, "acme-delivery-acme": json } }), dir, {
      priorState: state,
    });
  });

  test("terraform plans the deletes, the replacement and the update", () => {
    expect(run.errors).toBe("");
    const byAddress = Object.fromEntries(changesOf(run.plan!).map((c) => [c.address, c.action]));
    expect(byAddress["aws_s3_bucket.old_artifacts"]).toBe("delete");
    expect(byAddress["aws_cloudwatch_log_group.old_logs"]).toBe("delete");
    expect(byAddress[`aws_codebuild_report_group.${reportGroup}`]).toBe("replace");
    expect(byAddress[`aws_kms_key.${key}`]).toBe("update");
  });

  test("GitLab's counts: three deletes (two removals, one replacement), the replacement's create among the creates", () => {
    const report = gitlabReport(run.plan!);
    const creates = run.plan!.resource_changes.filter((c: any) => c.change.actions.includes("create")).length;
    expect(report).toEqual({ create: creates, update: 1, delete: 3 });
  });

  test("the summary flags the deleted bucket, lists the rest by action, and prints no value", () => {
    // The new roles' policies are built from ARNs known only at apply: they cannot be judged here.
    const unknownPolicy = "a policy document is known only at apply: this plan cannot show what it allows; review it after apply";
    expect(risksOf(run.plan!)).toEqual([
      {
        level: "high",
        address: expect.stringMatching(/^aws_iam_role_policy\.acme__platform__payments-api_Build_Role_Policy_[0-9A-F]{8}$/),
        message: unknownPolicy,
      },
      {
        level: "high",
        address: expect.stringMatching(/^aws_iam_role_policy\.acme__platform__payments-api_Pipeline_Role_Policy_[0-9A-F]{8}$/),
        message: unknownPolicy,
      },
      {
        level: "high",
        address: "aws_s3_bucket.old_artifacts",
        message:
          "an S3 bucket is deleted: pipeline artifacts (the record of what was deployed) go with it; this tool guards it with prevent_destroy, so the guard was lifted or it left the configuration: make sure that is intended",
      },
    ]);
    const md = markdownSummary(run.plan!, { title: "acme-delivery-acme" });
    expect(md).toContain("- **high** `aws_s3_bucket.old_artifacts`: an S3 bucket is deleted");
    // Why: the attribute that forces the replacement (replace_paths), terraform's reason for a delete.
    expect(md).toMatch(/<details><summary>1 replaced<\/summary>\n\n- `aws_codebuild_report_group\.[^`]+`: forced by `name`\n/);
    expect(md).toMatch(
      /<details><summary>2 deleted<\/summary>\n\n- `aws_s3_bucket\.old_artifacts`: removed from the configuration\n- `aws_cloudwatch_log_group\.old_logs`: removed from the configuration|<details><summary>2 deleted<\/summary>\n\n- `aws_cloudwatch_log_group\.old_logs`: removed from the configuration\n- `aws_s3_bucket\.old_artifacts`: removed from the configuration/,
    );
    expect(md).toContain(`- \`aws_kms_key.${key}\``);
    expect(md).not.toContain("1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(md).not.toContain("Encrypts the CodePipeline artifacts");
  });

  test("the note's picture: the changed objects coloured by action, arrows from the plan's references (through the policy documents)", () => {
    const graph = planGraph(run.plan!);
    const node = (re: RegExp) => graph.nodes.find((n) => re.test(n.key));
    expect(node(/^aws_codebuild_report_group\./)?.action).toBe("replace");
    expect(node(/^aws_kms_key\./)?.action).toBe("update");
    expect(node(/^aws_s3_bucket\.old_artifacts$/)?.action).toBe("delete");
    expect(node(/^aws_codepipeline\./)?.action).toBe("create");
    const edge = (from: RegExp, to: RegExp) => graph.edges.some(([a, b]) => from.test(a) && to.test(b));
    expect(edge(/^aws_iam_role_policy\.acme__platform__payments-api_Build_Role_Policy_/, /^aws_codebuild_report_group\./)).toBe(true);
    expect(edge(/^aws_codepipeline\./, /^aws_codebuild_project\./)).toBe(true);
    expect(edge(/^aws_codebuild_project\./, /^aws_kms_key\./)).toBe(true);
    const section = graphSection(run.plan!);
    expect(section).toMatch(/\n {4}n\d+\["aws_codebuild_report_group<br\/>acme__platform__payments-api_Build_TestReports"\]:::replace\n/);
    expect(section).toMatch(/\n {4}n\d+\["aws_s3_bucket<br\/>old_artifacts"\]:::delete\n/);
    expect(section).not.toContain("1234abcd-12ab-34cd-56ef-1234567890ab");
  });
});
