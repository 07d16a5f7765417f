/*
 * The account, region and partition come from the stack once (StackEnv), never from props
 * and never from an `arn:aws:` written in the code: a stack in China or GovCloud gets its
 * own partition in every ARN.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { partitionOfRegion, StackEnv } from "../../modules/core/stack-env";
import { LaunchRole } from "../../modules/service-catalog/launch-role";

/** A launch role (its policy names a CloudFormation stack ARN of this stack) in a stack whose provider has `region`. */
function launchRoleStack(region: string | ((stack: TerraformStack) => string) | undefined) {
  const stack = new TerraformStack(Testing.app(), "test");
  if (region !== undefined) new AwsProvider(stack, "aws", { region: typeof region === "function" ? region(stack) : region });
  new LaunchRole(stack, "Launch", { name: "launch", permissions: [] });
  const json = JSON.parse(Testing.synth(stack, true));
  const document = json.data.aws_iam_policy_document;
  const policy = Object.entries(document).find(([id]) => id.startsWith("Launch_Role_Policy"))![1] as { statement: Array<{ sid: string; resources: string[] }> };
  return { json, resources: policy.statement.find((s) => s.sid === "RunProductStacks")!.resources };
}

const ACCOUNT = "${data.aws_caller_identity.Account.account_id}";

describe("StackEnv: a construct's ARNs take the stack's partition", () => {
  test.each([
    ["eu-west-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ])("a provider in %s: arn:%s:… with that region, and no partition data source", (region, partition) => {
    const { json, resources } = launchRoleStack(region);
    expect(resources).toEqual([`arn:${partition}:cloudformation:${region}:${ACCOUNT}:stack/SC-*`]);
    expect(json.data.aws_partition).toBeUndefined();
    expect(json.data.aws_region).toBeUndefined();
  });

  test("a region given as a variable: partition and region from data sources, one of each per stack", () => {
    const { json, resources } = launchRoleStack((stack) => new TerraformVariable(stack, "region", { type: "string" }).stringValue);
    expect(resources).toEqual([`arn:\${data.aws_partition.Partition.partition}:cloudformation:\${data.aws_region.Region.name}:${ACCOUNT}:stack/SC-*`]);
    expect(Object.keys(json.data.aws_partition)).toEqual(["Partition"]);
    expect(Object.keys(json.data.aws_region)).toEqual(["Region"]);
    expect(Object.keys(json.data.aws_caller_identity)).toEqual(["Account"]);
  });

  test("the helper is one per stack, and takes the stack's own caller identity under the id Account", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const own = new DataAwsCallerIdentity(stack, "Account");
    expect(StackEnv.of(stack)).toBe(StackEnv.of(new LaunchRole(stack, "Launch", { name: "launch", permissions: [] })));
    new TerraformOutput(stack, "account", { value: StackEnv.of(stack).account });
    expect(stack.node.tryFindChild("Account")).toBe(own);
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.output.account.value).toBe(ACCOUNT);
    expect(Object.keys(json.data.aws_caller_identity)).toEqual(["Account"]);
  });

  test("an id Account taken by something else is named, with the fix", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new TerraformVariable(stack, "Account", { type: "string" });
    expect(() => StackEnv.of(stack).account).toThrow("test/Account: StackEnv needs this id for its DataAwsCallerIdentity; give your construct another id");
  });

  test("partitions by region name, as the SDKs' endpoints file has them", () => {
    expect(["us-east-1", "eu-central-2", "ap-southeast-5", "il-central-1", "mx-central-1"].map(partitionOfRegion)).toEqual(Array(5).fill("aws"));
    expect(["cn-northwest-1", "us-gov-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"].map(partitionOfRegion)).toEqual([
      "aws-cn",
      "aws-us-gov",
      "aws-iso",
      "aws-iso-b",
      "aws-iso-e",
      "aws-iso-f",
    ]);
    expect(partitionOfRegion("eu-wset")).toBeUndefined();
  });
});

describe("no ARN is written for the aws partition alone", () => {
  test("no `arn:aws:` in the sources of modules/ and stacks/ (StackEnv.of(scope).arn or .partition instead)", () => {
    const root = join(__dirname, "..", "..");
    // git grep: the tracked and new sources as they are in the working tree; exit 1 = no match.
    let found = "";
    try {
      found = execFileSync("git", ["grep", "--untracked", "-n", "-F", "arn:aws:", "--", "modules", "stacks"], { cwd: root, encoding: "utf8" });
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e;
    }
    expect(found).toBe("");
  });
});
