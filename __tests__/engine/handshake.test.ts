/*
 * The handshake gate judged by the real engine: terraform 1.11 plans the synthesized stacks
 * on the AWS provider from the offline mirror, with the shared connection's status (read by
 * a data source at plan time) stood in as PENDING, then AVAILABLE.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_ACCOUNT_ID, FAKE_CONNECTION_ID, prepareStack, runStack } from "../../scripts/tf-check";
import { offlineEngine } from "./engine";
import { rawConfig, rawProject, synth } from "../helpers";

const { engine, describeEngine } = offlineEngine("handshake gate");

const URL = `https://eu-west-1.console.aws.amazon.com/codesuite/settings/${FAKE_ACCOUNT_ID}/eu-west-1/codeconnections/connections/${FAKE_CONNECTION_ID}`;

describeEngine("handshake gate on the real engine", () => {
  // A template-looking value proves the escaping on the real engine too.
  const { json, shared } = synth(rawConfig({ projects: [rawProject({ pipeline: { build: { environmentVariables: { GREETING: "hello ${USER}" } } } })] }));
  const stacks = { "acme-delivery-shared": shared.json, "acme-delivery-acme": json };
  const dir = mkdtempSync(join(tmpdir(), "delivery-handshake-"));
  const plan = (status: "PENDING" | "AVAILABLE") => runStack(engine, prepareStack(json, engine, { stacks, connectionStatus: status }), join(dir, status));
  const actions = (r: ReturnType<typeof plan>) => Object.fromEntries(r.plan!.resource_changes.map((c: any) => [c.type, c.change.actions]));

  test("the shared stack creates the connection", () => {
    const r = runStack(engine, prepareStack(shared.json, engine, { stacks }), join(dir, "shared"));
    expect(r.errors).toBe("");
    expect(r.plan!.resource_changes.map((c: any) => [c.type, c.change.actions])).toEqual([["aws_codeconnections_connection", ["create"]]]);
  });

  test("while PENDING: every AWS resource but the pipeline is planned, and terraform warns where and who completes the handshake", () => {
    const r = plan("PENDING");
    expect(r.errors).toBe("");
    const planned = actions(r);
    expect(planned.aws_codepipeline).toBeUndefined();
    // GitLab objects are stood in offline; every AWS resource but the pipeline is planned.
    for (const type of ["aws_codebuild_project", "aws_s3_bucket", "aws_kms_key", "aws_iam_role", "aws_secretsmanager_secret"]) {
      expect([type, planned[type]]).toEqual([type, ["create"]]);
    }
    const printed = r.planOutput!.replace(/[│╷╵]/g, "").replace(/\s+/g, " ");
    expect(printed).toContain("Check block assertion failed");
    expect(printed).toContain(`Complete the handshake at ${URL} ('Update pending connection'), signed in to GitLab as a user with the Owner role`);
    expect(r.plan!.planned_values.outputs.next_step.value).toContain(`Complete the handshake at ${URL}`);
  });

  test("while PENDING, merge-request CI (it reads GitLab through the connection) is not planned either; once AVAILABLE it is", () => {
    const ci = synth(rawConfig({ projects: [rawProject({ ci: {} })] }));
    const ciStacks = { "acme-delivery-shared": ci.shared.json, "acme-delivery-acme": ci.json };
    const names = (status: "PENDING" | "AVAILABLE") => {
      const r = runStack(engine, prepareStack(ci.json, engine, { stacks: ciStacks, connectionStatus: status }), join(dir, `ci-${status}`), { validate: false });
      expect(r.errors).toBe("");
      return r
        .plan!.resource_changes.filter((c: any) => /^aws_codebuild_(project|webhook)$/.test(c.type))
        .map((c: any) => `${c.type}: ${c.change.after.name ?? c.change.after.project_name}`);
    };
    expect(names("PENDING")).toEqual(["aws_codebuild_project: acme-platform-payments-api"]);
    expect(names("AVAILABLE").sort()).toEqual([
      "aws_codebuild_project: acme-platform-payments-api",
      "aws_codebuild_project: acme-platform-payments-api-ci",
      "aws_codebuild_webhook: acme-platform-payments-api-ci",
    ]);
  });

  test("once AVAILABLE: the next plan creates the pipeline with the real repository path", () => {
    const r = plan("AVAILABLE");
    expect(r.errors).toBe("");
    expect(actions(r).aws_codepipeline).toEqual(["create"]);
    expect(r.planOutput).not.toContain("Check block assertion failed");
    const pipeline = r.plan!.resource_changes.find((c: any) => c.type === "aws_codepipeline");
    expect(pipeline.address).toMatch(/^aws_codepipeline\.acme__platform__payments-api_Pipeline_[0-9A-F]{8}\[0\]$/);
    expect(pipeline.change.after.stage[0].action[0].configuration).toEqual({
      BranchName: "main",
      ConnectionArn: `arn:aws:codeconnections:eu-west-1:${FAKE_ACCOUNT_ID}:connection/${FAKE_CONNECTION_ID}`,
      FullRepositoryId: "acme/platform/payments-api",
      OutputArtifactFormat: "CODE_ZIP",
    });
    expect(pipeline.change.after.pipeline_type).toBe("V2");
    expect(r.plan!.planned_values.outputs.next_step.value).toBe("none: the connection is AVAILABLE");
    const build = r.plan!.resource_changes.find((c: any) => c.type === "aws_codebuild_project");
    expect(build.change.after.environment[0].environment_variable[0]).toEqual({ name: "GREETING", type: "PLAINTEXT", value: "hello ${USER}" });
  });
});
