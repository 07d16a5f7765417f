/*
 * CodeBuild-hosted GitLab runners from the YAML (projects[i].runners): the stack they
 * synthesize, the policy rules over it, and the config's bad-input lines. The construct on a
 * bare stack: __tests__/modules/runners.test.ts.
 */
import { checkStack, formatFinding } from "../../policy";
import { problems, rawConfig, rawProject, synthAll } from "../helpers";

type Raw = Record<string, any>;
const STACK = "acme-delivery-acme";
const withRunners = (runners: Raw[], path = "acme/platform/payments-api") => rawConfig({ projects: [rawProject({ path, runners })] });
const GATE = '${(data.aws_codestarconnections_connection.Connection_Status_377C016A.connection_status != "PENDING") ? 1 : 0}';
const CONNECTION =
  "${data.terraform_remote_state.cross-stack-reference-input-acme-delivery-shared.outputs.cross-stack-output-aws_codeconnections_connectionConnection_89AD5CF5arn}";

function stackOf(raw: Raw): Raw {
  return synthAll(raw).stacks[STACK].json;
}
const one = (stack: Raw, type: string, part: string): Raw => {
  const [, body] = Object.entries<Raw>(stack.resource[type]).find(([k]) => k.includes(part))!;
  const { "//": _meta, ...rest } = body;
  return rest;
};
const statements = (stack: Raw, part: string): Raw[] =>
  Object.entries<Raw>(stack.data.aws_iam_policy_document).find(([k]) => k.includes(`${part}_Role_PolicyDocument`))![1].statement;

describe("CodeBuild-hosted GitLab runners, from the YAML", () => {
  test("a project runner: source is the repository through the connection, a WORKFLOW_JOB_QUEUED webhook, both behind the handshake", () => {
    const stack = stackOf(withRunners([{ name: "build", concurrency: 2 }]));
    const project = one(stack, "aws_codebuild_project", "Runner-build");
    expect(project).toEqual({
      name: "acme-platform-payments-api-runner-build",
      description: expect.stringMatching(/^CodeBuild-hosted GitLab runner for \$\{gitlab_project\..*\.path_with_namespace\}$/),
      service_role: expect.stringMatching(/^\$\{aws_iam_role\..*Runner-build_Role_.*\.arn\}$/),
      encryption_key: expect.stringMatching(/^\$\{aws_kms_key\..*\.arn\}$/),
      build_timeout: 60,
      concurrent_build_limit: 2,
      artifacts: { type: "NO_ARTIFACTS" },
      source: { type: "GITLAB", location: expect.stringMatching(/\.http_url_to_repo\}$/), auth: { type: "CODECONNECTIONS", resource: CONNECTION } },
      environment: {
        type: "LINUX_CONTAINER",
        image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        compute_type: "BUILD_GENERAL1_SMALL",
        image_pull_credentials_type: "CODEBUILD",
        privileged_mode: false,
      },
      logs_config: { cloudwatch_logs: { status: "ENABLED", group_name: expect.stringMatching(/Runner-build_Logs_.*\.name\}$/) } },
      count: GATE,
    });
    expect(one(stack, "aws_codebuild_webhook", "Runner-build")).toEqual({
      project_name: "acme-platform-payments-api-runner-build",
      depends_on: [expect.stringMatching(/^aws_codebuild_project\..*Runner-build_/)],
      build_type: "BUILD",
      filter_group: [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
      count: GATE,
    });
    expect(stack.output.acme__platform__payments_api_runner_build_tag.value).toBe(
      "codebuild-acme-platform-payments-api-runner-build-$CI_PROJECT_ID-$CI_PIPELINE_IID-$CI_JOB_NAME",
    );
  });

  test("the shared stack adds the account's CodeBuild source credential (through the connection), as for merge-request CI", () => {
    const { shared } = synthAll(withRunners([{ name: "build" }]));
    expect(Object.values<Raw>(shared.json.resource.aws_codebuild_source_credential).map(({ "//": _m, ...c }) => c)).toEqual([
      { auth_type: "CODECONNECTIONS", server_type: "GITLAB", token: "${aws_codeconnections_connection.Connection_89AD5CF5.arn}" },
    ]);
    expect(synthAll(rawConfig()).shared.json.resource.aws_codebuild_source_credential).toBeUndefined();
  });

  test("the jobs' role gets no AWS permission by default: logs, the key, the connection for this repository", () => {
    const sids = statements(stackOf(withRunners([{ name: "build" }])), "Runner-build").map((s) => s.sid);
    expect(sids.sort()).toEqual(["ArtifactKey", "ConnectionToken", "UseConnection", "UseConnectionLegacyPrefix", "WriteLogs"]);
  });

  test("a group runner: the default webhook location and a GITLAB_GROUP scope; UseConnection for the group's repositories only", () => {
    const stack = stackOf(withRunners([{ name: "shared", group: "acme/platform" }]));
    expect(one(stack, "aws_codebuild_project", "Runner-shared").source.location).toBe("CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION");
    expect(one(stack, "aws_codebuild_webhook", "Runner-shared").scope_configuration).toEqual({ name: "acme/platform", scope: "GITLAB_GROUP" });
    const use = statements(stack, "Runner-shared").find((s) => s.sid === "UseConnectionGroup")!;
    expect(use.condition).toEqual([{ test: "StringLike", variable: "codeconnections:FullRepositoryId", values: ["acme/platform/*"] }]);
  });

  test("named permissions become one statement each; VPC access is limited to the named subnets and groups", () => {
    const stack = stackOf(
      withRunners([
        {
          name: "ship",
          vpc: { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] },
          permissions: [{ actions: ["s3:PutObject", "s3:GetObject"], resources: ["arn:aws:s3:::acme-releases/*"] }],
        },
      ]),
    );
    const byId = Object.fromEntries(statements(stack, "Runner-ship").map((s) => [s.sid, s]));
    expect(byId.Jobs1).toEqual({ sid: "Jobs1", effect: "Allow", actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::acme-releases/*"] });
    expect(byId.BuildNetworkInterfaces.resources).toEqual([
      "arn:aws:ec2:eu-west-1:${data.aws_caller_identity.Account.account_id}:network-interface/*",
      "arn:aws:ec2:eu-west-1:${data.aws_caller_identity.Account.account_id}:subnet/subnet-0a1b2c3d",
      "arn:aws:ec2:eu-west-1:${data.aws_caller_identity.Account.account_id}:security-group/sg-0a1b2c3d",
    ]);
    expect(one(stack, "aws_codebuild_project", "Runner-ship").vpc_config).toEqual({
      vpc_id: "vpc-0a1b2c3d",
      subnets: ["subnet-0a1b2c3d"],
      security_group_ids: ["sg-0a1b2c3d"],
    });
    expect(checkStack(stack).map(formatFinding)).toEqual([]);
  });

  test("policy GAD-RUN-1 finds a runner role that could change IAM (a hand-edited stack)", () => {
    const stack = stackOf(withRunners([{ name: "build" }]));
    const [, doc] = Object.entries<Raw>(stack.data.aws_iam_policy_document).find(([k]) => k.includes("Runner-build_Role_PolicyDocument"))!;
    doc.statement.push({ sid: "Oops", effect: "Allow", actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/admin"] });
    expect(
      checkStack(stack)
        .filter((f) => f.rule === "GAD-RUN-1")
        .map((f) => f.message),
    ).toEqual(["the runner's role allows iam:PassRole: every CI job routed to the runner could use it to give itself more"]);
  });
});

describe("runners: bad input, one line each", () => {
  test.each<[string, Raw, string]>([
    [
      "a wildcard action",
      withRunners([{ name: "build", permissions: [{ actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] }] }]),
      'projects[0].runners[0].permissions[0].actions[0]: "s3:*" is a wildcard; every GitLab job routed to this runner gets these permissions, so name each action it needs (e.g. "s3:PutObject")',
    ],
    [
      "every resource",
      withRunners([{ name: "build", permissions: [{ actions: ["s3:GetObject"], resources: ["*"] }] }]),
      'projects[0].runners[0].permissions[0].resources[0]: "*" names every resource of the account; list the ARNs the jobs work on (e.g. "arn:aws:s3:::acme-artifacts/*")',
    ],
    [
      "an IAM write",
      withRunners([{ name: "build", permissions: [{ actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/x"] }] }]),
      `projects[0].runners[0].permissions[0].actions[0]: "iam:PassRole" changes or passes IAM roles and policies, and every job routed to this runner could use it to give itself more; leave IAM changes to this tool's reviewed apply`,
    ],
    [
      "a group the project is not in",
      withRunners([{ name: "shared", group: "acme/mobile" }]),
      'projects[0].runners[0].group: "acme/mobile" is not a group "acme/platform/payments-api" belongs to; a runner can serve the project\'s own groups only, e.g. "acme"',
    ],
    [
      "a runner listed twice",
      withRunners([{ name: "build" }, { name: "build" }]),
      'projects[0].runners[1].name: "build" is listed twice; give each runner its own name',
    ],
    [
      "a subnet id pasted as an ARN",
      withRunners([
        { name: "build", vpc: { vpcId: "vpc-0a1b2c3d", subnetIds: ["arn:aws:ec2:eu-west-1:1:subnet/subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] } },
      ]),
      'projects[0].runners[0].vpc.subnetIds[0]: "arn:aws:ec2:eu-west-1:1:subnet/subnet-0a1b2c3d" is not a subnet id; write it as "subnet-" followed by 8 or 17 hex digits',
    ],
  ])("%s", (_name, raw, line) => {
    expect(problems(raw)).toEqual([line]);
  });
});
