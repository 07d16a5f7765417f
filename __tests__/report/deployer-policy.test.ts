import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { deployerPolicy, PolicyStatement } from "../../report/deployer-policy";
import { synthesizeConfig } from "../../app/synth-tree";
import { config, rawConfig, rawProject } from "../helpers";

const ACCOUNT = "123456789012";

function policyFor(raw: Record<string, unknown>) {
  const c = config(raw);
  const outdir = mkdtempSync(join(tmpdir(), "deployer-"));
  try {
    const stacks = synthesizeConfig(c, outdir).map((s) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")));
    return Object.fromEntries(deployerPolicy(c, stacks, ACCOUNT).Statement.map((s) => [s.Sid, s])) as Record<string, PolicyStatement>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Statements where AWS takes no narrower resource, each for the reason in the module. */
const STAR_ALLOWED = [
  "ServiceCatalog",
  "ConnectionHandshakeInConsole",
  "HostList",
  "Ec2Describe",
  "BuildSourceCredential",
  "KeyCreate",
  "LogGroupsDescribe",
  "WhoAmI",
];

describe("deployer policy", () => {
  const p = policyFor(rawConfig());

  test("pipelines, build projects and roles are named one by one, from the synthesized stacks", () => {
    expect(p.Pipelines.Resource).toEqual([`arn:aws:codepipeline:eu-west-1:${ACCOUNT}:acme-platform-payments-api`]);
    expect(p.BuildProjects.Resource).toEqual([
      `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/acme-platform-payments-api`,
      `arn:aws:codebuild:eu-west-1:${ACCOUNT}:report-group/acme-platform-payments-api-tests`,
    ]);
    expect(p.ServiceRoles.Resource).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/acme-platform-payments-api-build`,
      `arn:aws:iam::${ACCOUNT}:role/acme-platform-payments-api-pipeline`,
    ]);
  });

  test("iam:PassRole only for those roles, only to CodeBuild and CodePipeline", () => {
    expect(p.PassServiceRoles).toEqual({
      Sid: "PassServiceRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: p.ServiceRoles.Resource,
      Condition: { StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"] } },
    });
  });

  test("connection management and the console handshake actions are there; hosts only for self-managed", () => {
    expect(p.ConnectionLifecycle.Action).toContain("codeconnections:CreateConnection");
    expect(p.ConnectionHandshakeInConsole.Action).toEqual(
      expect.arrayContaining(["codeconnections:StartOAuthHandshake", "codeconnections:UpdateConnectionInstallation"]),
    );
    expect(p.HostLifecycle).toBeUndefined();
    const sm = policyFor(
      rawConfig({
        gitlab: {
          kind: "self-managed",
          url: "https://gitlab.acme.example",
          vpc: { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719"], instanceCidrs: ["10.0.0.1/32"] },
        },
      }),
    );
    expect(sm.HostLifecycle.Resource).toEqual([`arn:aws:codeconnections:eu-west-1:${ACCOUNT}:host/*`]);
    expect(sm.HostSecurityGroup.Resource).toContain(`arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718`);
  });

  test("no wildcard action; a * resource only where AWS takes no narrower one", () => {
    const example = (name: string) => policyFor(parse(readFileSync(join(__dirname, "..", "..", "examples", `${name}.yaml`), "utf8")));
    for (const policy of [p, example("fleet"), example("environments"), example("service-catalog"), example("proton")]) {
      for (const s of Object.values(policy)) {
        for (const a of s.Action) expect([s.Sid, a]).toEqual([s.Sid, expect.not.stringContaining("*")]);
        if (s.Resource.includes("*")) expect(STAR_ALLOWED).toContain(s.Sid);
      }
    }
  });

  test("an adopted pipeline's existing role may be given its inline policy and passed", () => {
    const adopt = {
      name: "legacy",
      roleName: "legacy-role",
      artifactBucket: "legacy-artifacts",
      stages: [{ name: "Build", actions: [{ name: "B", actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" } }] }],
    };
    const a = policyFor(rawConfig({ projects: [rawProject({ pipeline: { adopt } })] }));
    expect(a.PassServiceRoles.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/legacy-role`]);
    expect(a.Pipelines.Resource).toEqual([`arn:aws:codepipeline:eu-west-1:${ACCOUNT}:legacy`]);
  });

  test("commit statuses add the function and its rule, and lambda to the services roles are passed to", () => {
    const st = policyFor(rawConfig({ projects: [rawProject({ pipeline: { statusOnGitlab: true } })] }));
    expect(st.StatusFunctions.Resource).toEqual([`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:acme-platform-payments-api-status`]);
    expect(st.StatusRules.Resource).toEqual([`arn:aws:events:eu-west-1:${ACCOUNT}:rule/acme-platform-payments-api-status`]);
    expect(st.PassServiceRoles.Condition).toEqual({
      StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com", "lambda.amazonaws.com"] },
    });
    expect(p.StatusFunctions).toBeUndefined();
  });

  test("the S3 state backend adds its objects (and its lock table only when asked)", () => {
    const s = policyFor(rawConfig({ state: { backend: "s3", s3: { bucket: "acme-tf-state", keyPrefix: "delivery" } } }));
    expect(s.StateObjects.Resource).toEqual(["arn:aws:s3:::acme-tf-state/delivery/*"]);
    expect(s.StateLocks).toBeUndefined();
  });

  test("notifications add their topics and rules; cross-account keys add PutKeyPolicy", () => {
    const e = policyFor(parse(readFileSync(join(__dirname, "..", "..", "examples", "environments.yaml"), "utf8")));
    expect(e.NotificationTopics.Resource).toEqual([`arn:aws:sns:eu-west-1:${ACCOUNT}:acme-shop-checkout-notifications`]);
    expect(e.NotificationRules.Resource).toEqual([`arn:aws:codestar-notifications:eu-west-1:${ACCOUNT}:notificationrule/*`]);
    expect(e.KeyPolicies).toEqual({ Sid: "KeyPolicies", Effect: "Allow", Action: ["kms:PutKeyPolicy"], Resource: [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`] });
    expect(p.KeyPolicies).toBeUndefined();
    expect(p.ServiceCatalog).toBeUndefined();
  });

  test("Service Catalog adds its APIs, the launch roles to pass, the placeholder objects and the catalog stacks", () => {
    const sc = policyFor(parse(readFileSync(join(__dirname, "..", "..", "examples", "service-catalog.yaml"), "utf8")));
    expect(sc.ServiceCatalog.Action).toContain("servicecatalog:CreateConstraint");
    expect(sc.PassLaunchRoles).toEqual({
      Sid: "PassLaunchRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [`arn:aws:iam::${ACCOUNT}:role/acme-platform-catalog-s3-bucket-launch`, "arn:aws:iam::123456789012:role/sc-launch-sqs"],
      Condition: { StringEquals: { "iam:PassedToService": ["servicecatalog.amazonaws.com"] } },
    });
    expect(sc.PlaceholderTemplates.Resource).toEqual(["arn:aws:s3:::acme-catalog-acme-artifacts-*/service-catalog/*"]);
    expect(p.RetiredProtonStacks).toBeUndefined();
  });

  test("the launch roles to pass are those the launch constraints name, read from the stacks, whatever their names", () => {
    const constraint = (roleArn: string) => ({ type: "LAUNCH", parameters: JSON.stringify({ RoleArn: roleArn }) });
    const stack = {
      resource: {
        aws_servicecatalog_portfolio: { Portfolio: { name: "p" } },
        aws_servicecatalog_constraint: {
          Made: constraint("${aws_iam_role.Made.arn}"),
          Given: constraint("arn:aws:iam::123456789012:role/given"),
        },
        aws_iam_role: { Made: { name: "catalog-products" }, Other: { name: "web-launch" } },
      },
    };
    const policy = deployerPolicy(config(rawConfig()), [stack], ACCOUNT).Statement.find((s) => s.Sid === "PassLaunchRoles");
    expect(policy?.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/catalog-products`, "arn:aws:iam::123456789012:role/given"]);
  });

  test("the CI roles are those the stacks attach managed policies to, read from the stacks, whatever their names", () => {
    const stack = {
      resource: {
        aws_iam_openid_connect_provider: { Provider: { url: "https://gitlab.com" } },
        aws_iam_policy: { Apply: { name: 'ops-apply-${trimsuffix(each.key, ".json")}' } },
        aws_iam_role: { Deployer: { name: "deployer" }, Lookalike: { name: "acme-ci-apply" } },
        aws_iam_role_policy_attachment: { Apply: { for_each: "${aws_iam_policy.Apply}", role: "${aws_iam_role.Deployer.name}" } },
      },
    };
    const byId = Object.fromEntries(deployerPolicy(config(rawConfig()), [stack], ACCOUNT).Statement.map((s) => [s.Sid, s]));
    expect(byId.CiOidcAttachments.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/deployer`]);
    expect(byId.CiOidcPolicies.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:policy/ops-apply-*`]);
  });

  test("a proton section adds no Proton permission, only deleting what the Proton templates left: their stack and publish build", () => {
    const proton = policyFor(parse(readFileSync(join(__dirname, "..", "..", "examples", "proton.yaml"), "utf8")));
    expect(JSON.stringify(proton)).not.toMatch(/"proton:/);
    expect(proton.CatalogStacks).toBeUndefined();
    expect(proton.RetiredProtonStacks).toEqual({
      Sid: "RetiredProtonStacks",
      Effect: "Allow",
      Action: ["cloudformation:DeleteStack", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
      Resource: [`arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/acme-platform-proton-templates-proton/*`],
    });
    expect(proton.RetiredProtonBuilds.Resource).toEqual([
      `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/acme-platform-proton-templates-proton`,
      `arn:aws:codebuild:eu-west-1:${ACCOUNT}:report-group/acme-platform-proton-templates-proton-tests`,
      `arn:aws:iam::${ACCOUNT}:role/acme-platform-proton-templates-proton-build`,
      `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/codebuild/acme-platform-proton-templates-proton`,
    ]);
    expect(proton.RetiredProtonBuilds.Action).not.toContain("codebuild:CreateProject");
  });
});
