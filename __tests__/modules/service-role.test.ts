import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ServiceRole } from "../../modules/iam/service-role";

function role() {
  const stack = new TerraformStack(Testing.app(), "test");
  return new ServiceRole(stack, "Role", { name: "r", service: "codebuild.amazonaws.com" });
}

describe("ServiceRole guards its grants", () => {
  test("refuses a wildcard action", () => {
    expect(() => role().addGrant({ sid: "All", actions: ["s3:*"], resources: ["arn:aws:s3:::b"] })).toThrow(
      'test/Role: grant All uses the wildcard action "s3:*"; name each action',
    );
  });

  test("refuses a non-alphanumeric statement id (a repeated one is merged: __tests__/modules/library.test.ts)", () => {
    const r = role();
    expect(() => r.addGrant({ sid: "read-2", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] })).toThrow(
      'statement id "read-2" must be alphanumeric',
    );
  });
});

describe("ServiceRole on an existing role", () => {
  const ACCOUNT = "${data.aws_caller_identity.Account.account_id}";
  /** The role's ARN (through an output) and the synthesized stack. */
  function existing(existingRoleName: string) {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    // StackEnv reads the account from the stack's own caller identity under the id "Account".
    new DataAwsCallerIdentity(stack, "Account");
    const role = new ServiceRole(stack, "Role", { name: "unused", service: "codepipeline.amazonaws.com", existingRoleName });
    new TerraformOutput(stack, "arn", { value: role.arn });
    const synthesized = Testing.synth(stack, true);
    const policies = Object.values(JSON.parse(synthesized).resource.aws_iam_role_policy) as Array<Record<string, unknown>>;
    expect(policies).toHaveLength(1);
    return { arn: JSON.parse(synthesized).output.arn.value, synthesized, policy: policies[0] };
  }

  test("a bare name: a role at the path '/' of the stack's account, as before", () => {
    const { arn, synthesized, policy } = existing("storefront-role");
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:role/storefront-role`);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: "gitlab-aws-delivery", role: "storefront-role" });
    expect(policy.lifecycle).toBeUndefined();
  });

  test("a path-qualified name: the ARN keeps the path, the inline policy takes the name alone (PutRolePolicy's RoleName has no path)", () => {
    const { arn, synthesized } = existing("service-role/teams/AWSCodePipelineServiceRole-eu-west-1-app");
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:role/service-role/teams/AWSCodePipelineServiceRole-eu-west-1-app`);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { role: "AWSCodePipelineServiceRole-eu-west-1-app" });
  });

  test("an ARN: kept as written, with a precondition that it is in the stack's account", () => {
    const { arn, synthesized } = existing("arn:aws:iam::123456789012:role/service-role/app");
    expect(arn).toBe("arn:aws:iam::123456789012:role/service-role/app");
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, {
      role: "app",
      lifecycle: {
        precondition: [
          {
            condition: '${(data.aws_caller_identity.Account.account_id == "123456789012")}',
            error_message: `The existing role arn:aws:iam::123456789012:role/service-role/app is in account 123456789012, but this stack deploys to account ${ACCOUNT}; a service role serves its own account only: name the role of account ${ACCOUNT}.`,
          },
        ],
      },
    });
  });

  test("refuses what names no role, with the construct path", () => {
    expect(() => existing("service-role/")).toThrow(
      'test/Role: existingRoleName "service-role/" ends with "/", so it names a path but no role; add the role\'s name after it ("service-role/<name>")',
    );
  });
});
