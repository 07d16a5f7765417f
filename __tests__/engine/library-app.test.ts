/*
 * The library consumer example (examples/library-app), judged by the real engine: its own
 * cdktf app builds a pipeline on an existing connection and an existing role, using only
 * the package's entry point; terraform plans it offline.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareStack, runStack } from "../../scripts/tf-check";
import { CONNECTION_ARN, PIPELINE_ROLE_ARN, STACK_NAME, synthLibraryApp } from "../../examples/library-app/main";
import { offlineEngine } from "./engine";

const { engine, describeEngine } = offlineEngine("library consumer app");

describeEngine("the library consumer app on the real engine", () => {
  const dir = mkdtempSync(join(tmpdir(), "delivery-library-app-"));
  synthLibraryApp(join(dir, "out"));
  const stack = JSON.parse(readFileSync(join(dir, "out", "stacks", STACK_NAME, "cdk.tf.json"), "utf8"));
  const run = runStack(engine, prepareStack(stack, engine), join(dir, "plan"));
  const changes = () => run.plan!.resource_changes as Array<{ type: string; address: string; change: { actions: string[]; after: any } }>;

  test("plans without errors", () => {
    expect(run.errors).toBe("");
  });

  test("the pipeline's source action uses the existing connection, and the pipeline runs as the existing role", () => {
    const pipeline = changes().find((c) => c.type === "aws_codepipeline")!;
    expect(pipeline.change.actions).toEqual(["create"]);
    expect(pipeline.change.after.role_arn).toBe(PIPELINE_ROLE_ARN);
    expect(pipeline.change.after.stage[0].action[0].configuration.ConnectionArn).toBe(CONNECTION_ARN);
  });

  test("no connection is created, and the existing role only gets an inline policy", () => {
    expect(changes().filter((c) => c.type === "aws_codeconnections_connection")).toEqual([]);
    const policies = changes().filter((c) => c.type === "aws_iam_role_policy" && c.change.after.role === "acme-web-pipeline");
    expect(policies.map((p) => [p.change.actions, p.change.after.name])).toEqual([[["create"], "gitlab-aws-delivery"]]);
    // The roles created are the build project's only.
    expect(
      changes()
        .filter((c) => c.type === "aws_iam_role")
        .map((c) => c.change.after.name),
    ).toEqual(["acme-web-build"]);
  });
});
