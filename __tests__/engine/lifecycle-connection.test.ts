/*
 * Day 2 for the connection, on the real engine: a handshaken connection that goes ERROR
 * (GitLab authorization revoked) and comes back, a state written before the merge-request CI
 * project was gated, and a connection renamed. Each case plans against the state the first
 * config leaves (see lifecycle.ts).
 */
import { offlineEngine } from "./engine";
import { Lifecycle } from "./lifecycle";
import { FAKE_ACCOUNT_ID, FAKE_CONNECTION_ID } from "../../scripts/tf-check";
import { rawConfig, rawProject, synthAll } from "../helpers";

const { engine, describeEngine } = offlineEngine("day-2 transitions of the connection");

type Raw = Record<string, any>;
const URL = `https://eu-west-1.console.aws.amazon.com/codesuite/settings/${FAKE_ACCOUNT_ID}/eu-west-1/codeconnections/connections/${FAKE_CONNECTION_ID}`;
const ADOPTED = {
  name: "storefront-release",
  roleName: "service-role/AWSCodePipelineServiceRole-eu-west-1-storefront-release",
  artifactBucket: "codepipeline-eu-west-1-123456789012",
  stages: [
    {
      name: "Build",
      actions: [
        {
          name: "Build",
          actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
          configuration: { ProjectName: "storefront-build" },
          inputArtifacts: [{ name: "SourceArtifact" }],
        },
      ],
    },
  ],
};

function stacksOf(raw: Raw): Record<string, Raw> {
  const { shared, stacks } = synthAll(raw);
  return { "acme-delivery-shared": shared.json, ...Object.fromEntries(Object.entries(stacks).map(([k, v]) => [k, v.json])) };
}

describeEngine("day 2: the connection", () => {
  const life = new Lifecycle(engine, "connection");
  const v1 = stacksOf(
    rawConfig({
      projects: [
        rawProject({ ci: {}, pipeline: { notifications: { emails: ["payments@acme.example"] } } }),
        rawProject({ path: "acme/storefront", mode: "adopt", pipeline: { adopt: ADOPTED } }),
      ],
    }),
  );
  const TEAM = "acme-delivery-acme";
  let available: Raw;

  beforeAll(() => {
    // The import block of the adopted pipeline reads AWS; its prior state stands in for that
    // read: the deploy plans it like a created one, which leaves the same state.
    const team = { ...v1[TEAM] };
    delete team.import;
    available = life.deploy(team, "team", { stacks: v1 });
  });

  const gated = (state: Raw) =>
    state.resources
      .filter((r: Raw) =>
        ["aws_codepipeline", "aws_codebuild_webhook", "aws_codebuild_project", "aws_codestarnotifications_notification_rule"].includes(r.type),
      )
      .map((r: Raw) => `${r.type}.${r.name}${r.instances[0].index_key !== undefined ? `[${r.instances[0].index_key}]` : ""}`);

  test("the state after the handshake holds both pipelines, the CI project and webhook, the rule", () => {
    expect(
      gated(available)
        .filter((a: string) => /\[0\]$/.test(a))
        .map((a: string) => a.split(".")[0]),
    ).toEqual(["aws_codebuild_project", "aws_codebuild_webhook", "aws_codepipeline", "aws_codepipeline", "aws_codestarnotifications_notification_rule"]);
  });

  test("AVAILABLE → ERROR: nothing is deleted or replaced (the adopted pipeline and its history included); terraform says how to repair it", () => {
    const team = { ...v1[TEAM] };
    const p = life.plan(team, available, "team", { stacks: v1, connectionStatus: "ERROR" });
    expect(p.summary).toEqual([]);
    const printed = p.run.planOutput!.replace(/[│╷╵]/g, "").replace(/\s+/g, " ");
    expect(printed).toContain("Check block assertion failed");
    expect(printed).toContain("The GitLab connection acme-gitlab is in ERROR");
    expect(printed).toContain(`open ${URL}, choose 'Update pending connection' and authorize again as a GitLab user with the Owner role`);
    expect(p.run.plan!.planned_values.outputs.next_step.value).toContain(
      "The pipelines of acme/platform/payments-api, acme/storefront are kept, with their history",
    );
    expect(p.run.plan!.planned_values.outputs.connection_status.value).toBe("ERROR");
  });

  test("ERROR → AVAILABLE again: still nothing to do, and the check passes", () => {
    const p = life.plan(v1[TEAM], available, "team", { stacks: v1, connectionStatus: "AVAILABLE" });
    expect(p.summary).toEqual([]);
    expect(p.run.planOutput).not.toContain("Check block assertion failed");
  });

  test("a state written before the CI project was gated: terraform moves it to [0] by itself, nothing is replaced", () => {
    const older = JSON.parse(JSON.stringify(available));
    const ci = older.resources.find((r: Raw) => r.type === "aws_codebuild_project" && /MergeRequestCi/.test(r.name));
    delete ci.instances[0].index_key;
    const p = life.plan(v1[TEAM], older, "team", { stacks: v1 });
    expect(p.summary).toEqual([`aws_codebuild_project.${ci.name}[0]: no-op (from aws_codebuild_project.${ci.name})`]);
  });

  test("the connection renamed: the shared stack's plan is refused (a new connection would need a new handshake)", () => {
    const shared = life.deploy(v1["acme-delivery-shared"], "shared", { stacks: v1 });
    const renamed = stacksOf(rawConfig({ connection: { name: "acme-gitlab-2" } }));
    const r = life.tryPlan(renamed["acme-delivery-shared"], shared, "shared", { stacks: renamed });
    expect(r.ok).toBe(false);
    expect(r.errors.replace(/[│╷╵]/g, "").replace(/\s+/g, " ")).toMatch(
      /Instance cannot be destroyed .* Resource aws_codeconnections_connection\.Connection_[0-9A-F]{8} has lifecycle\.prevent_destroy set, but the plan calls for this resource to be destroyed/,
    );
  });
});
