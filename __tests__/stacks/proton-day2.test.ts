/*
 * AWS Proton after its end of support, day 2 on the real engine (terraform, ~5 s of CPU: not in
 * `npm run test:unit`): a state from before the migration sees its Proton stack and publish
 * build deleted, and nothing else.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { prepareStack, runStack } from "../../scripts/tf-check";
import { offlineEngine } from "../engine/engine";
import { synth } from "../helpers";
import { V1_PROTON } from "./proton-v1";

const example = () => parse(readFileSync(join(__dirname, "..", "..", "examples", "proton.yaml"), "utf8"));
const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

const { engine, describeEngine } = offlineEngine("Proton migration, day 2");

describeEngine("day 2 on the real engine: a state from before the migration", () => {
  const { json, shared } = synth(example());
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 7,
    lineage: "00000000-0000-0000-0000-000000000011",
    outputs: {},
    resources: V1_PROTON.map((r) => ({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: AWS,
      instances: [{ schema_version: 0, attributes: r.attributes }],
    })),
  };
  let run: ReturnType<typeof runStack>;
  beforeAll(() => {
    const stacks = { "acme-proton-shared": shared.json, "acme-proton-acme": json };
    run = runStack(engine, prepareStack(json, engine, { stacks }), mkdtempSync(join(tmpdir(), "delivery-proton-day2-")), { priorState: state });
  });

  test("the next plan deletes the Proton CloudFormation stack (no prevent_destroy) and the publish build, and nothing else", () => {
    expect(run.errors).toBe("");
    const removed = run.plan!.resource_changes.filter((c: any) => c.change.actions.includes("delete"));
    expect(removed.map((c: any) => [c.address, c.change.actions, c.action_reason])).toEqual(
      V1_PROTON.map((r) => [`${r.type}.${r.name}`, ["delete"], "delete_because_no_resource_config"]).sort(),
    );
  });

  test("the plan names the Proton stack as destroyed because it left the configuration", () => {
    const address = `aws_cloudformation_stack.${V1_PROTON[0].name}`;
    expect(run.planOutput).toContain(`# ${address} will be destroyed\n  # (because ${address} is not in configuration)`);
    expect(run.planOutput).toMatch(/\n {6}- name += "acme-platform-proton-templates-proton" -> null\n/);
  });
});
