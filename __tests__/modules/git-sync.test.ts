/*
 * GitSync on a bare stack, as another cdktf app calls it (through index.ts), and the
 * template it writes. The YAML-driven cases: __tests__/stacks/git-sync.test.ts.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { ConnectionGate, GitlabConnection, GitSync, GitSyncProps } from "../../index";
import { ConstructError } from "../../modules/core/construct-error";
import { GIT_SYNC_SERVICE } from "../../modules/git-sync/git-sync";
import { ServiceRole } from "../../modules/iam/service-role";
import { gitSyncTemplate } from "../../modules/git-sync/sync-template";
import { specProblems } from "../cfn-spec";

type Raw = Record<string, any>;
const CONNECTION_ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666";
const GATE = '${(data.aws_codestarconnections_connection.Gate_Status_8645BB0D.connection_status != "PENDING") ? 1 : 0}';
const NETWORK = { stackName: "app-network", deploymentFile: "deploy/network.yaml", branch: "main" };

function bareStack(region = "eu-west-1"): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region });
  return stack;
}

/** A Git sync of acme/app on an existing connection, with overrides. */
function createGitSync(stack: TerraformStack, overrides: Partial<GitSyncProps> = {}): GitSync {
  const connection = GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN);
  return new GitSync(stack, "GitSync", {
    name: "app",
    connection,
    gate: new ConnectionGate(stack, "Gate", { connection, projects: ["acme/app"] }),
    owner: "acme",
    repositoryName: "app",
    stacks: [NETWORK],
    ...overrides,
  });
}

const synthJson = (stack: TerraformStack): Raw => JSON.parse(Testing.synth(stack, true));
const cfnStack = (json: Raw): Raw => {
  const { "//": _meta, ...body } = Object.values<Raw>(json.resource.aws_cloudformation_stack)[0];
  return body;
};
/** The statements of the sync role of one stack, by sid. */
const syncStatements = (json: Raw, stackName: string): Record<string, Raw> => {
  const [, doc] = Object.entries<Raw>(json.data.aws_iam_policy_document).find(([k]) => k.startsWith(`GitSync_Role-${stackName}_PolicyDocument_`))!;
  return Object.fromEntries(doc.statement.map((s: Raw) => [s.sid, s]));
};

describe("the Git sync template", () => {
  test("the template holds a repository link and one sync configuration per stack, and the CloudFormation specification accepts it", () => {
    const template = gitSyncTemplate({
      owner: "acme/platform",
      name: "payments-api",
      stacks: [
        { logicalId: "SyncA", stackName: "a", deploymentFile: "deploy/a.yaml", branch: "main", publishDeploymentStatus: true, triggerOn: "ANY_CHANGE" },
        { logicalId: "SyncB", stackName: "b", deploymentFile: "deploy/b.yaml", branch: "release", publishDeploymentStatus: false, triggerOn: "FILE_CHANGE" },
      ],
    });
    expect(specProblems(template)).toEqual([]);
    expect(template.Resources).toEqual({
      RepositoryLink: {
        Type: "AWS::CodeStarConnections::RepositoryLink",
        Properties: { ConnectionArn: { Ref: "ConnectionArn" }, OwnerId: "acme/platform", RepositoryName: "payments-api" },
      },
      SyncA: {
        Type: "AWS::CodeStarConnections::SyncConfiguration",
        Properties: {
          RepositoryLinkId: { "Fn::GetAtt": ["RepositoryLink", "RepositoryLinkId"] },
          ResourceName: "a",
          SyncType: "CFN_STACK_SYNC",
          Branch: "main",
          ConfigFile: "deploy/a.yaml",
          RoleArn: { Ref: "SyncARoleArn" },
          PublishDeploymentStatus: "ENABLED",
          TriggerResourceUpdateOn: "ANY_CHANGE",
        },
      },
      SyncB: expect.objectContaining({
        Properties: expect.objectContaining({ Branch: "release", PublishDeploymentStatus: "DISABLED", TriggerResourceUpdateOn: "FILE_CHANGE" }),
      }),
    });
  });

  test("with an existing repository link, none is created and its id is used", () => {
    const template = gitSyncTemplate({
      owner: "acme",
      name: "app",
      repositoryLinkId: "0a1b2c3d-1111-2222-3333-444455556666",
      stacks: [{ logicalId: "SyncA", stackName: "a", deploymentFile: "d.yaml", branch: "main", publishDeploymentStatus: true, triggerOn: "ANY_CHANGE" }],
    });
    expect(specProblems(template)).toEqual([]);
    expect(Object.keys(template.Resources)).toEqual(["SyncA"]);
    expect(template.Resources.SyncA.Properties!.RepositoryLinkId).toBe("0a1b2c3d-1111-2222-3333-444455556666");
    expect(Object.keys(template.Parameters!)).toEqual(["SyncARoleArn"]);
  });
});

describe("GitSync, called as a library", () => {
  test("one CloudFormation stack behind the gate, the imported connection and each stack's role passed as parameters, the template as written", () => {
    const stack = bareStack();
    const sync = createGitSync(stack);
    const json = synthJson(stack);
    expect(cfnStack(json)).toEqual({
      name: "app-git-sync",
      count: GATE,
      parameters: { ConnectionArn: CONNECTION_ARN, SyncappnetworkB1C7RoleArn: "${aws_iam_role.GitSync_Role-app-network_4FBC2B7D.arn}" },
      template_body: JSON.stringify(
        gitSyncTemplate({
          owner: "acme",
          name: "app",
          stacks: [{ logicalId: "SyncappnetworkB1C7", ...NETWORK, publishDeploymentStatus: true, triggerOn: "ANY_CHANGE" }],
        }),
      ),
    });
    expect(Object.keys(sync.roles)).toEqual(["app-network"]);
    expect(json.resource.aws_codeconnections_connection).toBeUndefined();
  });

  test("with an existing repository link, the connection is not a parameter", () => {
    const stack = bareStack();
    createGitSync(stack, { repositoryLinkId: "0a1b2c3d-1111-2222-3333-444455556666" });
    expect(Object.keys(cfnStack(synthJson(stack)).parameters)).toEqual(["SyncappnetworkB1C7RoleArn"]);
  });

  test("each sync role may change its own stack alone, in the stack's partition (GovCloud here)", () => {
    const stack = bareStack("us-gov-west-1");
    createGitSync(stack, { stacks: [NETWORK, { stackName: "app-queues", deploymentFile: "deploy/queues.yaml", branch: "release" }] });
    const json = synthJson(stack);
    const stackArn = (name: string) => `arn:aws-us-gov:cloudformation:us-gov-west-1:\${data.aws_caller_identity.Account.account_id}:stack/${name}/*`;
    expect(syncStatements(json, "app-network").SyncStack.resources).toEqual([stackArn("app-network")]);
    expect(syncStatements(json, "app-queues").SyncStack.resources).toEqual([stackArn("app-queues")]);
  });

  test("named permissions for a stack's resources become one statement each on its role", () => {
    const stack = bareStack();
    createGitSync(stack, {
      stacks: [{ ...NETWORK, permissions: [{ actions: ["sqs:CreateQueue", "sqs:DeleteQueue"], resources: ["arn:aws:sqs:eu-west-1:123456789012:app-*"] }] }],
    });
    expect(syncStatements(synthJson(stack), "app-network").Resources1).toEqual({
      sid: "Resources1",
      effect: "Allow",
      actions: ["sqs:CreateQueue", "sqs:DeleteQueue"],
      resources: ["arn:aws:sqs:eu-west-1:123456789012:app-*"],
    });
  });
});

describe("GitSync: bad props, told with the construct path", () => {
  test("no stack to sync is a ConstructError", () => {
    let error: unknown;
    try {
      createGitSync(bareStack(), { stacks: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructError);
    expect((error as Error).message).toBe("test/GitSync: stacks is empty; name at least one stack to sync (stackName, deploymentFile, branch)");
  });

  test("a stack listed twice", () => {
    expect(() => createGitSync(bareStack(), { stacks: [NETWORK, NETWORK] })).toThrow(
      'test/GitSync: stack "app-network" is listed twice; a stack has one sync configuration',
    );
  });

  test("a wildcard action for a stack's resources (refused by the role's grant)", () => {
    expect(() => createGitSync(bareStack(), { stacks: [{ ...NETWORK, permissions: [{ actions: ["ec2:*"], resources: ["*"] }] }] })).toThrow(
      'test/GitSync/Role-app-network: grant Resources1 uses the wildcard action "ec2:*"; name each action',
    );
  });

  test.each<[string, Partial<GitSyncProps>, string]>([
    [
      "a repository link id that is not one",
      { repositoryLinkId: "my-link" },
      '[test/GitSync] repositoryLinkId "my-link" is not a repository link id; give its UUID (Connections console, Repository links)',
    ],
    [
      "an owner too long for a repository link",
      { owner: "a".repeat(256) },
      `[test/GitSync] owner "${"a".repeat(256)}" has 256 characters; a repository link takes at most 255; move the project to a shorter namespace, or give repositoryLinkId`,
    ],
    [
      "a repository name too long for a repository link",
      { repositoryName: "a".repeat(129) },
      `[test/GitSync] repositoryName "${"a".repeat(129)}" has 129 characters; a repository link takes at most 128; rename the project, or give repositoryLinkId`,
    ],
  ])("%s fails validation", (_what, overrides, message) => {
    const stack = bareStack();
    createGitSync(stack, overrides);
    expect(() => Testing.synth(stack, true)).toThrow(message);
  });

  test("values that are tokens are left to AWS; with an existing link the owner and name are not checked", () => {
    const tokens = bareStack();
    createGitSync(tokens, { repositoryLinkId: new TerraformVariable(tokens, "link", { type: "string" }).stringValue });
    expect(() => Testing.synth(tokens, true)).not.toThrow();
    const linked = bareStack();
    createGitSync(linked, { repositoryLinkId: "0a1b2c3d-1111-2222-3333-444455556666", repositoryName: "a".repeat(129) });
    expect(() => Testing.synth(linked, true)).not.toThrow();
  });
});

describe("a Git sync role beside a CloudFormation role in one stack", () => {
  test("each trusts its own service (their shared trust documents would otherwise share an id)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new ServiceRole(stack, "Cfn", { name: "cfn", service: "cloudformation.amazonaws.com", sourceAccountCondition: false });
    new ServiceRole(stack, "Sync", { name: "sync", service: GIT_SYNC_SERVICE, sourceAccountCondition: false });
    const json = JSON.parse(Testing.synth(stack));
    const trusted = Object.entries<Raw>(json.data.aws_iam_policy_document)
      .filter(([k]) => k.startsWith("Trust-"))
      .map(([k, d]) => [k.split("_")[0], d.statement[0].principals[0].identifiers[0]]);
    expect(trusted.sort()).toEqual([
      ["Trust-cloudformation-sync-codeconnections-amazonaws-com-unconditioned", "cloudformation.sync.codeconnections.amazonaws.com"],
      ["Trust-cloudformation-unconditioned", "cloudformation.amazonaws.com"],
    ]);
  });
});
