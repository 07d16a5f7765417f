/*
 * The handshake gate judged by the real engine: terraform 1.11 plans the synthesized stack
 * on the AWS provider from the offline mirror, against a prior state in which the
 * connection exists and is PENDING, then AVAILABLE.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, FAKE_ACCOUNT_ID, findEngine, prepareStack, runStack } from "../../scripts/tf-check";
import { only, rawConfig, rawProject, synth } from "../helpers";

const found = findEngine();
const engine = "skip" in found || found.mode !== "mirror" ? undefined : found;
if (!engine && process.env.DELIVERY_TF_REQUIRED === "1") {
  throw new Error(`the real-engine tests cannot be skipped here: ${"skip" in found ? found.skip : "registry mode has no plan"}`);
}
if (!engine) console.log(`handshake engine tests skipped: ${"skip" in found ? found.skip : "registry mode has no offline plan"}`);
const describeEngine = engine ? describe : describe.skip;

const ARN = `arn:aws:codeconnections:eu-west-1:${FAKE_ACCOUNT_ID}:connection/0a1b2c3d-1111-2222-3333-444455556666`;

function stateWithConnection(connectionName: string, status: string) {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000001",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_codeconnections_connection",
        name: connectionName,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              arn: ARN,
              id: ARN,
              name: "acme-gitlab",
              provider_type: "GitLab",
              host_arn: null,
              connection_status: status,
              owner_account_id: FAKE_ACCOUNT_ID,
              tags: null,
              tags_all: { "managed-by": "gitlab-aws-delivery", team: "platform" },
              timeouts: null,
            },
          },
        ],
      },
    ],
  };
}

describeEngine("handshake gate on the real engine", () => {
  // A template-looking value proves the escaping on the real engine too.
  const { json } = synth(rawConfig({ projects: [rawProject({ pipeline: { build: { environmentVariables: { GREETING: "hello ${USER}" } } } })] }));
  const connection = only(json, "aws_codeconnections_connection").name;
  const prepared = prepareStack(json, engine as Engine);
  const dir = mkdtempSync(join(tmpdir(), "delivery-handshake-"));

  test("first deploy (no state): the plan creates everything, the pipeline's gate is left for apply", () => {
    const r = runStack(engine as Engine, prepared, join(dir, "first"));
    expect(r.errors).toBe("");
    const actions = Object.fromEntries(r.plan!.resource_changes.map((c: any) => [c.type, c.change.actions]));
    expect(actions.aws_codeconnections_connection).toEqual(["create"]);
    expect(actions.aws_codepipeline).toEqual(["create"]);
  });

  test("while the connection is PENDING the plan stops at the pipeline, naming the handshake page and the Owner role", () => {
    const r = runStack(engine as Engine, prepared, join(dir, "pending"), { priorState: stateWithConnection(connection, "PENDING") });
    expect(r.ok).toBe(false);
    expect(r.errors).toContain("Resource precondition failed");
    expect(r.errors).toContain(`connection_status is "PENDING"`);
    const message = r.errors.replace(/\s+/g, " ");
    expect(message).toContain(
      `Complete the handshake at https://eu-west-1.console.aws.amazon.com/codesuite/settings/${FAKE_ACCOUNT_ID}/eu-west-1/codeconnections/connections/0a1b2c3d-1111-2222-3333-444455556666`,
    );
    expect(message).toContain("a user with the Owner role on acme/platform/payments-api");
  });

  test("once AVAILABLE the next plan creates the pipeline and leaves the connection alone", () => {
    const r = runStack(engine as Engine, prepared, join(dir, "available"), { priorState: stateWithConnection(connection, "AVAILABLE") });
    expect(r.errors).toBe("");
    const byType = Object.fromEntries(r.plan!.resource_changes.map((c: any) => [c.type, c.change.actions]));
    expect(byType.aws_codeconnections_connection).toEqual(["no-op"]);
    expect(byType.aws_codepipeline).toEqual(["create"]);
    const pipeline = r.plan!.resource_changes.find((c: any) => c.type === "aws_codepipeline");
    expect(pipeline.change.after.stage[0].action[0].configuration).toEqual({
      BranchName: "main",
      ConnectionArn: ARN,
      FullRepositoryId: "acme/platform/payments-api",
      OutputArtifactFormat: "CODE_ZIP",
    });
    expect(pipeline.change.after.pipeline_type).toBe("V2");
    const build = r.plan!.resource_changes.find((c: any) => c.type === "aws_codebuild_project");
    expect(build.change.after.environment[0].environment_variable[0]).toEqual({ name: "GREETING", type: "PLAINTEXT", value: "hello ${USER}" });
  });
});
