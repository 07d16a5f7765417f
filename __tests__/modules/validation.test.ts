/*
 * Construct checks the construct way: errors name the construct's path, whole-construct
 * rules are validations (run when the app synthesizes, `Testing.synth(stack, true)`).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ArtifactStore, BuildProject, GitlabConnection } from "../../index";
import { ConstructError } from "../../modules/core/construct-error";

function stackWithBuild(privilegedReason?: string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const artifactStore = new ArtifactStore(stack, "Artifacts", { bucketPrefix: "app-artifacts-", keyAlias: "app-artifacts" });
  new BuildProject(stack, "Build", { name: "app", artifactStore, privileged: true, privilegedReason });
  return stack;
}

describe("validation", () => {
  test("a privileged build without its reason fails validation, named by its path", () => {
    expect(() => Testing.synth(stackWithBuild(), true)).toThrow("[test/Build] a privileged build needs a privilegedReason (written into its description)");
  });

  test("a privileged build with its reason validates", () => {
    expect(() => Testing.synth(stackWithBuild("docker builds"), true)).not.toThrow();
  });

  test("a construct's error is a ConstructError carrying its path", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    let error: unknown;
    try {
      GitlabConnection.fromArn(stack, "Connection", "not-an-arn");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructError);
    expect((error as ConstructError).constructPath).toBe("test/Connection");
    expect((error as Error).message).toMatch(/^test\/Connection: "not-an-arn" is not a connection ARN/);
  });
});
