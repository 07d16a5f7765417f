/*
 * CloudFormation Git sync from the YAML (projects[i].gitSync): the stack it synthesizes, the
 * policy rule over it, and the config's bad-input lines. The construct on a bare stack:
 * __tests__/modules/git-sync.test.ts.
 */
import { checkStack, formatFinding } from "../../policy";
import { problems, rawConfig, rawProject, synthAll } from "../helpers";

type Raw = Record<string, any>;
const STACK = "acme-delivery-acme";
const GATE = '${(data.aws_codestarconnections_connection.Connection_Status_377C016A.connection_status != "PENDING") ? 1 : 0}';
const withSync = (gitSync: Raw, project: Raw = {}) => rawConfig({ projects: [rawProject({ gitSync, ...project })] });
const NETWORK = { stackName: "payments-network", deploymentFile: "deploy/network.yaml" };

const stackOf = (raw: Raw): Raw => synthAll(raw).stacks[STACK].json;
const cfnStack = (stack: Raw): Raw => Object.values<Raw>(stack.resource.aws_cloudformation_stack)[0];

describe("CloudFormation Git sync, from the YAML", () => {
  test("synthesized: the CloudFormation stack waits for the handshake; each synced stack has its own role, limited to that stack", () => {
    const stack = stackOf(withSync({ stacks: [NETWORK, { stackName: "payments-queues", deploymentFile: "deploy/queues.yaml", branch: "release" }] }));
    const cfn = cfnStack(stack);
    expect([cfn.name, cfn.count, Object.keys(cfn.parameters)]).toEqual([
      "acme-platform-payments-api-git-sync",
      GATE,
      ["ConnectionArn", "Syncpaymentsnetwork54A2RoleArn", "SyncpaymentsqueuesA75DRoleArn"],
    ]);
    const body = JSON.parse(cfn.template_body);
    expect(body.Resources.Syncpaymentsnetwork54A2.Properties.Branch).toBe("main");
    expect(body.Resources.SyncpaymentsqueuesA75D.Properties.Branch).toBe("release");
    const trust = Object.entries<Raw>(stack.data.aws_iam_policy_document).find(([k]) => k.startsWith("Trust-cloudformation"))![1];
    expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["cloudformation.sync.codeconnections.amazonaws.com"] }]);
    const doc = Object.entries<Raw>(stack.data.aws_iam_policy_document).find(([k]) => k.includes("Role-payments-network_PolicyDocument"))![1];
    expect(doc.statement.find((s: Raw) => s.sid === "SyncStack").resources).toEqual([
      "arn:aws:cloudformation:eu-west-1:${data.aws_caller_identity.Account.account_id}:stack/payments-network/*",
    ]);
    expect(checkStack(stack).map(formatFinding)).toEqual([]);
  });

  test("policy GAD-SYNC-1 finds a sync role widened beyond its stack (a hand-edited stack)", () => {
    const stack = stackOf(withSync({ stacks: [NETWORK] }));
    const doc = Object.entries<Raw>(stack.data.aws_iam_policy_document).find(([k]) => k.includes("Role-payments-network_PolicyDocument"))![1];
    doc.statement.find((s: Raw) => s.sid === "SyncStack").resources.push("arn:aws:cloudformation:eu-west-1:123456789012:stack/*");
    expect(checkStack(stack).map((f) => `${f.rule}: ${f.message}`)).toEqual([
      expect.stringMatching(
        /^GAD-SYNC-1: the Git sync role of payments-network may run CloudFormation on .*"arn:aws:cloudformation:eu-west-1:123456789012:stack\/\*"\], beyond its own stack$/,
      ),
    ]);
  });
});

describe("gitSync: bad input, one line each (AWS's repository link rules before synthesis)", () => {
  const long = (n: number) => "a".repeat(n);
  test.each<[string, Raw, string]>([
    [
      "a repository name over 128 characters",
      withSync({ stacks: [NETWORK] }, { path: `acme/${long(130)}` }),
      `projects[0].gitSync: needs a repository link, whose repository name ("${long(76)}..., 130 characters) may have at most 128; rename the project's path`,
    ],
    [
      "an owner (namespace) over 255 characters",
      withSync({ stacks: [NETWORK] }, { path: `${long(200)}/${long(60)}/app` }),
      `projects[0].gitSync: needs a repository link, whose owner (the namespace "${long(76)}..., 261 characters) may have at most 255; move the project to a shorter group path`,
    ],
    [
      "a stack synced twice",
      withSync({ stacks: [NETWORK, NETWORK] }),
      'projects[0].gitSync.stacks[1].stackName: "payments-network" is listed twice; a stack has one sync configuration',
    ],
    [
      "a stack the pipeline deploys too",
      withSync(
        { stacks: [NETWORK] },
        {
          pipeline: {
            environments: [
              {
                name: "dev",
                deploy: {
                  cloudformation: {
                    stackName: "payments-network",
                    templatePath: "t.yml",
                    executionRoleArn: "arn:aws:iam::123456789012:role/cfn",
                  },
                },
              },
            ],
          },
        },
      ),
      `projects[0].gitSync.stacks[0].stackName: "payments-network" is also deployed by this project's pipeline (an environment's cloudformation.stackName); let one of them own the stack`,
    ],
    [
      "a wildcard in the sync role's permissions",
      withSync({ stacks: [{ ...NETWORK, permissions: [{ actions: ["ec2:*"], resources: ["arn:aws:ec2:eu-west-1:123456789012:vpc/*"] }] }] }),
      'projects[0].gitSync.stacks[0].permissions[0].actions[0]: "ec2:*" is a wildcard; the sync role acts for one stack, so name each action its resources need (e.g. "sqs:CreateQueue")',
    ],
    [
      "a repository link id that is not one",
      withSync({ repositoryLinkId: "my-link", stacks: [NETWORK] }),
      'projects[0].gitSync.repositoryLinkId: must be a repository link id (a UUID, from the Connections console) (got string "my-link"); correct the value',
    ],
    [
      "a stack synced by two projects",
      rawConfig({
        projects: [rawProject({ gitSync: { stacks: [NETWORK] } }), rawProject({ path: "acme/platform/other", gitSync: { stacks: [NETWORK] } })],
      }),
      'projects[1].gitSync.stacks[0].stackName: "payments-network" is also managed by projects[0].gitSync.stacks[0].stackName; a stack has one owner: sync it or deploy it, from one project',
    ],
    [
      "a stack synced here and deployed by another project's pipeline",
      rawConfig({
        projects: [
          rawProject({
            path: "acme/platform/other",
            pipeline: {
              environments: [
                {
                  name: "dev",
                  deploy: { cloudformation: { stackName: "payments-network", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/cfn" } },
                },
              ],
            },
          }),
          rawProject({ gitSync: { stacks: [NETWORK] } }),
        ],
      }),
      'projects[1].gitSync.stacks[0].stackName: "payments-network" is also managed by projects[0].pipeline.environments[0]; a stack has one owner: sync it or deploy it, from one project',
    ],
  ])("%s", (_name, raw, line) => {
    expect(problems(raw)).toEqual([line]);
  });
});
