/*
 * Issue 4 and 5 additions judged by the real engine: the plan terraform 1.11 makes on the
 * offline AWS provider, with the connection AVAILABLE.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { FAKE_ACCOUNT_ID, FAKE_CONNECTION_ID, prepareStack, runStack } from "../../scripts/tf-check";
import { offlineEngine } from "./engine";
import { synth } from "../helpers";

const { engine, describeEngine } = offlineEngine("catalog and delivery plans");
const example = (name: string) => parse(readFileSync(join(__dirname, "..", "..", "examples", `${name}.yaml`), "utf8"));

function planExample(name: string, sharedName: string, stackName: string, connectionStatus: "AVAILABLE" | "PENDING" = "AVAILABLE") {
  const { json, shared } = synth(example(name));
  const stacks = { [sharedName]: shared.json, [stackName]: json };
  const r = runStack(engine, prepareStack(json, engine, { stacks, connectionStatus }), mkdtempSync(join(tmpdir(), `delivery-${name}-`)));
  expect(r.errors).toBe("");
  return (type: string) => r.plan!.resource_changes.filter((c: any) => c.type === type).map((c: any) => c.change.after);
}

describeEngine("plans on the real engine", () => {
  test("sync: CloudFormation gets the connection ARN in the codestar-connections form its pattern accepts", () => {
    const after = planExample("service-catalog-sync", "acme-sync-shared", "acme-sync-acme");
    const [stack] = after("aws_cloudformation_stack");
    const expected = `arn:aws:codestar-connections:eu-west-1:${FAKE_ACCOUNT_ID}:connection/${FAKE_CONNECTION_ID}`;
    expect(stack.parameters).toEqual({ ConnectionArn: expected });
    expect(new RegExp(JSON.parse(stack.template_body).Parameters.ConnectionArn.AllowedPattern).test(expected)).toBe(true);
  });

  test("sync while the connection is PENDING: no synced stack, association or constraint; the portfolio and launch role are made", () => {
    const after = planExample("service-catalog-sync", "acme-sync-shared", "acme-sync-acme", "PENDING");
    for (const type of ["aws_cloudformation_stack", "aws_servicecatalog_product_portfolio_association", "aws_servicecatalog_constraint"]) {
      expect([type, after(type)]).toEqual([type, []]);
    }
    expect(after("aws_servicecatalog_portfolio")).toHaveLength(1);
    expect(after("aws_iam_role").map((r: any) => r.name)).toContain("acme-catalog-products-vpc-launch");
  });

  test("cross-account prod: the key policy the engine renders names this account and the prod account; the notification rule watches the pipeline", () => {
    const after = planExample("environments", "acme-cd-shared", "acme-cd-acme");
    const artifactKey = after("aws_kms_key").find((k: any) => k.description.startsWith("Encrypts the CodePipeline artifacts"));
    const policy = JSON.parse(artifactKey.policy);
    expect(policy.Statement.map((s: any) => [s.Sid, s.Principal.AWS])).toEqual([
      ["AccountIamPolicies", `arn:aws:iam::${FAKE_ACCOUNT_ID}:root`],
      ["DeployAccountsDecrypt", "arn:aws:iam::210987654321:root"],
    ]);
    const [rule] = after("aws_codestarnotifications_notification_rule");
    expect(rule.resource).toBe(`arn:aws:codepipeline:eu-west-1:${FAKE_ACCOUNT_ID}:acme-shop-checkout`);
    expect(rule.event_type_ids).toEqual(["codepipeline-pipeline-manual-approval-needed", "codepipeline-pipeline-pipeline-execution-failed"]);
    const [pipeline] = after("aws_codepipeline");
    const prod = pipeline.stage.find((s: any) => s.name === "Deploy-prod");
    expect(prod.action.map((a: any) => [a.name, a.role_arn ?? null])).toEqual([
      ["Approve", null],
      ["StampCommit", null],
      ["Deploy", "arn:aws:iam::210987654321:role/acme-delivery-deploy"],
    ]);
  });
});
