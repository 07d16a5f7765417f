/*
 * DeliveryEnvironments on a bare stack, as another app calls it (the YAML-driven cases:
 * __tests__/stacks/environments.test.ts).
 */
import { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { Lazy, TerraformStack, Testing } from "cdktf";
import { ArtifactStore } from "../../modules/artifact-store/artifact-store";
import { DeployToken } from "../../modules/deploy-token/deploy-token";
import { GitlabProject } from "../../modules/gitlab-project/gitlab-project";
import { DeliveryEnvironments, EnvironmentProps } from "../../modules/pipeline/environments";

describe("DeliveryEnvironments, called as a library", () => {
  function environments(env: EnvironmentProps): DeliveryEnvironments {
    const stack = new TerraformStack(Testing.app(), "test");
    const artifactStore = new ArtifactStore(stack, "ArtifactStore", { bucketPrefix: "acme", keyAlias: "alias/acme" });
    const project = new GitlabProject(stack, "GitlabProject", { path: "acme/app" });
    const deployToken = new DeployToken(stack, "DeployToken", {
      project,
      secretName: "acme/app/token",
      kmsKeyArn: artifactStore.key.arn,
      expiresAt: "2027-06-30",
    });
    return new DeliveryEnvironments(stack, "Environments", {
      name: "acme-app",
      projectPath: "acme/app",
      artifactStore,
      deployToken,
      buildOutput: "build_output",
      environments: [env],
    });
  }
  const cloudformation = { stackName: "app-prod", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/cfn" };

  test("refuses, when the app is validated, a CloudFormation variable that no template parameter can be named (with the construct path)", () => {
    const construct = environments({ name: "prod", variables: { DB_HOST: "db", Stage: "prod" }, cloudformation });
    expect(construct.node.validate()).toEqual([
      'environment prod: variable "DB_HOST" is not a CloudFormation parameter name (letters and digits only), and a CloudFormation deploy passes its variables as template parameters',
    ]);
    expect(() => TerraformStack.of(construct).runAllValidations()).toThrow(
      '[test/Environments] environment prod: variable "DB_HOST" is not a CloudFormation parameter name',
    );
  });

  test("a variable name that is a token is left to CloudFormation", () => {
    const name = Lazy.stringValue({ produce: () => "DB_HOST" });
    expect(environments({ name: "prod", variables: { [name]: "db" }, cloudformation }).node.validate()).toEqual([]);
  });

  test("an environment deployed both ways, or neither, does not type-check, and is refused", () => {
    const codebuild = { buildspec: "deploy.yml" };
    // @ts-expect-error -- codebuild and cloudformation together do not type-check
    expect(() => environments({ name: "prod", codebuild, cloudformation })).toThrow(
      "test/Environments: environment prod: give one of codebuild and cloudformation (how it deploys), not both",
    );
    // @ts-expect-error -- an environment that deploys neither way does not type-check
    expect(() => environments({ name: "prod" })).toThrow(
      "test/Environments: environment prod: give one of codebuild and cloudformation (how it deploys), not neither",
    );
  });

  test("passes CloudFormation variables as ParameterOverrides", () => {
    const [, , deploy] = environments({ name: "prod", variables: { DbHost: "db", Stage: "prod" }, cloudformation }).stages[0]
      .action as CodepipelineStageAction[];
    expect(deploy.configuration?.ParameterOverrides).toBe('{"DbHost":"db","Stage":"prod"}');
  });
});
