/*
 * Adopting an existing pipeline, judged by the real engine. The existing pipeline (a
 * CodeCommit source, then Build and Deploy) is given to terraform as prior state, which is
 * what the import block yields once it has read it from AWS.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { FAKE_ACCOUNT_ID, FAKE_CONNECTION_ID, prepareStack, runStack } from "../../scripts/tf-check";
import { offlineEngine } from "./engine";
import { only, synth } from "../helpers";

const { engine, describeEngine } = offlineEngine("adopting a pipeline");

// A role the console made: under the IAM path /service-role/, as the example names it.
const ROLE_NAME = "AWSCodePipelineServiceRole-eu-west-1-storefront-release";
const ROLE = `service-role/${ROLE_NAME}`;
const BUCKET = "codepipeline-eu-west-1-123456789012";

function existingPipelineState(name: string) {
  const action = (o: Record<string, any>) => ({
    category: o.category,
    configuration: o.configuration,
    input_artifacts: o.input ?? [],
    name: o.name,
    namespace: "",
    output_artifacts: o.output ?? [],
    owner: "AWS",
    provider: o.provider,
    region: "",
    role_arn: "",
    run_order: 1,
    timeout_in_minutes: 0,
    version: "1",
  });
  const stage = (stageName: string, a: Record<string, any>) => ({ name: stageName, before_entry: [], on_failure: [], on_success: [], action: [action(a)] });
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000002",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_codepipeline",
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            index_key: 0,
            schema_version: 0,
            attributes: {
              id: "storefront-release",
              arn: `arn:aws:codepipeline:eu-west-1:${FAKE_ACCOUNT_ID}:storefront-release`,
              name: "storefront-release",
              role_arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/${ROLE}`,
              pipeline_type: "V2",
              execution_mode: "QUEUED",
              tags: {},
              tags_all: {},
              trigger: [],
              variable: [],
              artifact_store: [{ encryption_key: [], location: BUCKET, region: "", type: "S3" }],
              stage: [
                stage("Source", {
                  name: "Source",
                  category: "Source",
                  provider: "CodeCommit",
                  configuration: { RepositoryName: "storefront", BranchName: "main" },
                  output: ["SourceArtifact"],
                }),
                stage("Build", {
                  name: "Build",
                  category: "Build",
                  provider: "CodeBuild",
                  configuration: { ProjectName: "storefront-build" },
                  input: ["SourceArtifact"],
                  output: ["BuildArtifact"],
                }),
                stage("Deploy", {
                  name: "Deploy",
                  category: "Deploy",
                  provider: "ECS",
                  configuration: { ClusterName: "storefront", ServiceName: "storefront-web", FileName: "imagedefinitions.json" },
                  input: ["BuildArtifact"],
                }),
              ],
            },
          },
        ],
      },
    ],
  };
}

describeEngine("adopting an existing pipeline on the real engine", () => {
  const raw = parse(readFileSync(join(__dirname, "..", "..", "examples", "adopt-pipeline.yaml"), "utf8"));
  const { json, shared } = synth(raw);
  const stacks = { "acme-legacy-shared": shared.json, "acme-legacy-acme": json };
  const pipeline = only(json, "aws_codepipeline").name;
  const dir = mkdtempSync(join(tmpdir(), "delivery-adopt-"));
  const plan = (status: "PENDING" | "AVAILABLE", priorState?: object) =>
    runStack(engine, prepareStack(json, engine, { stacks, connectionStatus: status }), join(dir, `${status}-${Boolean(priorState)}`), { priorState });

  test("before the handshake nothing is imported and no pipeline is planned", () => {
    const r = plan("PENDING");
    expect(r.errors).toBe("");
    expect(r.plan!.resource_changes.filter((c: any) => c.type === "aws_codepipeline")).toEqual([]);
    expect(r.planOutput).not.toContain("Preparing import");
  });

  test("after it, terraform imports the pipeline by name (reading it needs AWS, out of reach here)", () => {
    const r = plan("AVAILABLE");
    expect(r.errors).toContain(`aws_codepipeline.${pipeline}[0]: Preparing import... [id=storefront-release]`);
  });

  test("once imported, the plan updates it in place: GitLab source, its Build and Deploy stages, role and bucket kept", () => {
    const r = plan("AVAILABLE", existingPipelineState(pipeline));
    expect(r.errors).toBe("");
    const change = r.plan!.resource_changes.find((c: any) => c.type === "aws_codepipeline");
    expect(change.change.actions).toEqual(["update"]);
    const after = change.change.after;
    expect(after.stage.map((s: any) => [s.name, s.action[0].provider])).toEqual([
      ["Source", "CodeStarSourceConnection"],
      ["Build", "CodeBuild"],
      ["Deploy", "ECS"],
    ]);
    expect(after.stage[0].action[0].configuration).toEqual({
      BranchName: "main",
      ConnectionArn: `arn:aws:codeconnections:eu-west-1:${FAKE_ACCOUNT_ID}:connection/${FAKE_CONNECTION_ID}`,
      FullRepositoryId: "acme/storefront",
      OutputArtifactFormat: "CODE_ZIP",
    });
    expect(after.stage[0].action[0].output_artifacts).toEqual(["SourceArtifact"]);
    expect(after.role_arn).toBe(`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/service-role/AWSCodePipelineServiceRole-eu-west-1-storefront-release`);
    expect(after.artifact_store).toEqual([
      {
        encryption_key: [{ id: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", type: "KMS" }],
        location: BUCKET,
        region: "",
        type: "S3",
      },
    ]);
  });

  test("the role keeps its /service-role/ path on the pipeline; its inline policy goes to the role's bare name", () => {
    const r = plan("AVAILABLE", existingPipelineState(pipeline));
    expect(r.errors).toBe("");
    const change = r.plan!.resource_changes.find((c: any) => c.type === "aws_codepipeline");
    expect(change.change.before.role_arn).toBe(`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/service-role/${ROLE_NAME}`);
    expect(change.change.after.role_arn).toBe(change.change.before.role_arn);
    const policy = r.plan!.resource_changes.filter((c: any) => c.type === "aws_iam_role_policy");
    expect(policy.map((c: any) => [c.change.actions, c.change.after.name, c.change.after.role])).toEqual([[["create"], "gitlab-aws-delivery", ROLE_NAME]]);
  });
});

describeEngine("an adopted pipeline's role given by ARN, on the real engine", () => {
  const raw = parse(readFileSync(join(__dirname, "..", "..", "examples", "adopt-pipeline.yaml"), "utf8"));
  const dir = mkdtempSync(join(tmpdir(), "delivery-adopt-arn-"));
  const planWithRole = (roleArn: string) => {
    raw.projects[0].pipeline.adopt.roleName = roleArn;
    const { json, shared } = synth(raw);
    const stacks = { "acme-legacy-shared": shared.json, "acme-legacy-acme": json };
    return runStack(engine, prepareStack(json, engine, { stacks, connectionStatus: "AVAILABLE" }), join(dir, roleArn.split(":")[4]), {
      priorState: existingPipelineState(only(json, "aws_codepipeline").name),
    });
  };

  test("in the stack's account: the pipeline keeps that ARN", () => {
    const r = planWithRole(`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/${ROLE}`);
    expect(r.errors).toBe("");
    const change = r.plan!.resource_changes.find((c: any) => c.type === "aws_codepipeline");
    expect(change.change.after.role_arn).toBe(`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/service-role/${ROLE_NAME}`);
  });

  test("in another account: the plan fails, naming both accounts", () => {
    const r = planWithRole(`arn:aws:iam::210987654321:role/${ROLE}`);
    expect(r.errors).toContain("Resource precondition failed");
    expect(r.errors.replace(/\s+/g, " ")).toContain(
      `The existing role arn:aws:iam::210987654321:role/service-role/${ROLE_NAME} is in account 210987654321, but this stack deploys to account ${FAKE_ACCOUNT_ID}; a service role serves its own account only: name the role of account ${FAKE_ACCOUNT_ID}.`,
    );
  });
});
