import { checkStack, RULES, StackJson } from "../../policy";
import { rawConfig, rawProject, synth } from "../helpers";

/** A clean app using every feature the rules look at (CLONE_REF, privileged with a reason, merge-request CI privileged by its own opt-in, key policies, a topic). */
const crossAccountProd = {
  name: "prod",
  roleArn: "arn:aws:iam::210987654321:role/deployer",
  deploy: { cloudformation: { stackName: "payments-prod", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::210987654321:role/cfn" } },
};
const app = synth(
  rawConfig({
    projects: [
      rawProject({
        ci: { privileged: true, privilegedReason: "runs integration tests against Docker" },
        runners: [{ name: "build", permissions: [{ actions: ["s3:PutObject"], resources: ["arn:aws:s3:::acme-releases/*"] }] }],
        gitSync: { stacks: [{ stackName: "payments-network", deploymentFile: "deploy/network.yaml" }] },
        pipeline: {
          artifactFormat: "CODEBUILD_CLONE_REF",
          build: { privileged: true, privilegedReason: "builds Docker images" },
          notifications: {},
          environments: [crossAccountProd],
        },
      }),
      rawProject({ path: "acme/legacy", mode: "adopt" }),
    ],
  }),
);
const clean = app.json;
const cleanShared = app.shared.json;

function broken(change: (s: StackJson) => void): StackJson {
  const copy = JSON.parse(JSON.stringify(clean));
  change(copy);
  return copy;
}

const first = (s: StackJson, type: string, section = "resource"): StackJson => Object.values(s[section][type])[0] as StackJson;
const firstName = (s: StackJson, type: string, section = "resource"): string => Object.keys(s[section][type])[0];
const document = (s: StackJson, part: string): StackJson =>
  s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes(part))!];
/** The first Allow statement of a role policy document. */
const rolePolicy = (s: StackJson): StackJson => {
  const name = Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("Pipeline_Role_PolicyDocument"))!;
  return s.data.aws_iam_policy_document[name];
};

/** The merge-request CI project (built from the GitLab source, started by a webhook). */
const ciName = (s: StackJson): string => Object.keys(s.resource.aws_codebuild_project).find((n) => n.includes("MergeRequestCi"))!;
/** What issue 11's merge-request CI looked like: the pipeline build's privileged mode and reason, inherited. */
const inheritPrivileged = (s: StackJson) =>
  (s.resource.aws_codebuild_project[ciName(s)].description = "Merge-request CI of the GitLab repository. Privileged because: builds Docker images");

/** Rule id → a change that breaks it, and the address the finding must name. */
const breaks: Record<string, [(s: StackJson) => void, (s: StackJson) => string]> = {
  "GAD-KMS-1": [(s) => delete first(s, "aws_codepipeline").artifact_store[0].encryption_key, (s) => `aws_codepipeline.${firstName(s, "aws_codepipeline")}`],
  "GAD-SNS-1": [(s) => (first(s, "aws_sns_topic").kms_master_key_id = "alias/aws/sns"), (s) => `aws_sns_topic.${firstName(s, "aws_sns_topic")}`],
  "GAD-KMS-2": [(s) => (first(s, "aws_kms_key").enable_key_rotation = false), (s) => `aws_kms_key.${firstName(s, "aws_kms_key")}`],
  "GAD-CB-1": [
    (s) => (first(s, "aws_codebuild_project").encryption_key = "alias/aws/s3"),
    (s) => `aws_codebuild_project.${firstName(s, "aws_codebuild_project")}`,
  ],
  "GAD-CB-2": [
    (s) => (first(s, "aws_codebuild_project").artifacts.encryption_disabled = true),
    (s) => `aws_codebuild_project.${firstName(s, "aws_codebuild_project")}`,
  ],
  "GAD-CB-3": [(s) => delete first(s, "aws_codebuild_project").logs_config, (s) => `aws_codebuild_project.${firstName(s, "aws_codebuild_project")}`],
  "GAD-CB-4": [
    (s) => Object.values<StackJson>(s.resource.aws_codebuild_project).forEach((p) => (p.description = "no reason")),
    (s) =>
      `aws_codebuild_project.${Object.keys(s.resource.aws_codebuild_project).find((n) => s.resource.aws_codebuild_project[n].environment.privileged_mode)}`,
  ],
  "GAD-CB-5": [inheritPrivileged, (s) => `aws_codebuild_project.${ciName(s)}`],
  "GAD-S3-1": [(s) => (first(s, "aws_s3_bucket_public_access_block").restrict_public_buckets = false), (s) => `aws_s3_bucket.${firstName(s, "aws_s3_bucket")}`],
  "GAD-S3-2": [
    (s) => (first(s, "aws_s3_bucket_versioning").versioning_configuration.status = "Suspended"),
    (s) => `aws_s3_bucket.${firstName(s, "aws_s3_bucket")}`,
  ],
  "GAD-S3-3": [
    (s) => (s.data.aws_iam_policy_document[Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("TlsOnly"))!].statement[0].condition = []),
    (s) => `aws_s3_bucket.${firstName(s, "aws_s3_bucket")}`,
  ],
  "GAD-S3-4": [
    (s) => (first(s, "aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "AES256" }),
    (s) => `aws_s3_bucket.${firstName(s, "aws_s3_bucket")}`,
  ],
  "GAD-S3-5": [(s) => (first(s, "aws_s3_bucket").acl = "public-read"), (s) => `aws_s3_bucket.${firstName(s, "aws_s3_bucket")}`],
  "GAD-IAM-1": [
    (s) => rolePolicy(s).statement[0].actions.push("s3:*"),
    (s) => `data.aws_iam_policy_document.${Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("Pipeline_Role_PolicyDocument"))}`,
  ],
  "GAD-IAM-2": [
    (s) => (rolePolicy(s).statement.find((x: StackJson) => x.sid === "StartBuild").resources = ["*"]),
    (s) => `data.aws_iam_policy_document.${Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("Pipeline_Role_PolicyDocument"))}`,
  ],
  "GAD-IAM-3": [
    (s) =>
      (rolePolicy(s).statement.find((x: StackJson) => x.sid === "UseConnection").resources = ["arn:aws:codeconnections:eu-west-1:111111111111:connection/*"]),
    (s) => `data.aws_iam_policy_document.${Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("Pipeline_Role_PolicyDocument"))}`,
  ],
  "GAD-IAM-4": [
    (s) =>
      rolePolicy(s).statement.push({
        sid: "Pass",
        effect: "Allow",
        actions: ["iam:PassRole"],
        resources: [`\${aws_iam_role.${firstName(s, "aws_iam_role")}.arn}`],
      }),
    (s) => `data.aws_iam_policy_document.${Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("Pipeline_Role_PolicyDocument"))}`,
  ],
  "GAD-IAM-5": [
    (s) => (first(s, "aws_iam_role_policy").policy = '{"Version":"2012-10-17","Statement":[]}'),
    (s) => `aws_iam_role_policy.${firstName(s, "aws_iam_role_policy")}`,
  ],
  "GAD-SEC-1": [
    (s) =>
      first(s, "aws_codebuild_project").environment.environment_variable.push({
        name: "T",
        type: "PLAINTEXT",
        value: `\${gitlab_project_deploy_token.${firstName(s, "gitlab_project_deploy_token")}.token}`,
      }),
    (s) => `aws_codebuild_project.${firstName(s, "aws_codebuild_project")}`,
  ],
  "GAD-SEC-2": [
    (s) => (s.output.leak = { value: `\${gitlab_project_deploy_token.${firstName(s, "gitlab_project_deploy_token")}.token}` }),
    () => "output.leak",
  ],
  "GAD-SEC-3": [
    (s) => (first(s, "aws_codebuild_project").environment.environment_variable[0] = { name: "X", type: "PLAINTEXT", value: "glpat-abcdefghijklmnopqrst" }),
    (s) => `aws_codebuild_project.${firstName(s, "aws_codebuild_project")}`,
  ],
  "GAD-LC-1": [(s) => delete first(s, "aws_kms_key").lifecycle, (s) => `aws_kms_key.${firstName(s, "aws_kms_key")}`],
  "GAD-RUN-1": [
    (s) =>
      document(s, "Runner-build_Role_PolicyDocument").statement.push({ effect: "Allow", actions: ["iam:PutRolePolicy"], resources: ["arn:aws:iam::1:role/x"] }),
    (s) => `data.aws_iam_policy_document.${Object.keys(s.data.aws_iam_policy_document).find((n) => n.includes("Runner-build_Role_PolicyDocument"))}`,
  ],
  "GAD-SYNC-1": [
    (s) =>
      document(s, "Role-payments-network_PolicyDocument")
        .statement.find((st: StackJson) => st.sid === "SyncStack")
        .resources.push("*"),
    (s) => `aws_iam_role_policy.${Object.keys(s.resource.aws_iam_role_policy).find((n) => n.includes("GitSync_Role-payments-network"))}`,
  ],
};

describe("policy rules", () => {
  test("the clean stacks (every feature on) have no finding", () => {
    expect(checkStack(clean)).toEqual([]);
    expect(checkStack(cleanShared)).toEqual([]);
  });

  test("GAD-LC-1 guards the shared connection too", () => {
    const shared = JSON.parse(JSON.stringify(cleanShared));
    const name = Object.keys(shared.resource.aws_codeconnections_connection)[0];
    delete shared.resource.aws_codeconnections_connection[name].lifecycle;
    expect(checkStack(shared).map((f) => [f.rule, f.address])).toEqual([["GAD-LC-1", `aws_codeconnections_connection.${name}`]]);
  });

  test("every rule has a breaking case below", () => {
    expect(Object.keys(breaks).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(Object.keys(breaks))("%s fires on a stack that breaks it, naming the address and a fix", (id) => {
    const [change, address] = breaks[id];
    const stack = broken(change);
    const findings = checkStack(stack);
    expect(findings.map((f) => f.rule)).toContain(id);
    const mine = findings.filter((f) => f.rule === id);
    expect(mine.map((f) => f.address)).toContain(address(stack));
    for (const f of mine) {
      expect(f.message.length).toBeGreaterThan(5);
      expect(f.fix.length).toBeGreaterThan(5);
    }
  });

  test("a sensitive output may carry a token (Terraform redacts it)", () => {
    const stack = broken(
      (s) => (s.output.token = { value: `\${gitlab_project_deploy_token.${firstName(s, "gitlab_project_deploy_token")}.token}`, sensitive: true }),
    );
    expect(checkStack(stack)).toEqual([]);
  });

  test("a * resource is accepted in a key policy (it means the key), and flagged once the document is no key's policy", () => {
    expect(checkStack(clean)).toEqual([]);
    const detached = broken((s) => Object.values<StackJson>(s.resource.aws_kms_key).forEach((k) => delete k.policy));
    const flagged = checkStack(detached)
      .filter((f) => f.rule === "GAD-IAM-2")
      .map((f) => f.address);
    expect(flagged).toEqual(
      expect.arrayContaining([
        `data.aws_iam_policy_document.${Object.keys(clean.data.aws_iam_policy_document).find((n) => n.startsWith("ArtifactStore_KeyPolicy"))}`,
        `data.aws_iam_policy_document.${Object.keys(clean.data.aws_iam_policy_document).find((n) => n.startsWith("NotificationKey_Policy"))}`,
      ]),
    );
  });

  test("a * resource is accepted for an action AWS authorizes only on *", () => {
    const stack = broken((s) => rolePolicy(s).statement.push({ sid: "Who", effect: "Allow", actions: ["sts:GetCallerIdentity"], resources: ["*"] }));
    expect(checkStack(stack)).toEqual([]);
  });
});

describe("GAD-CB-5: merge-request CI privileged only by its own opt-in", () => {
  test("names the CI project that inherited the pipeline build's privileged mode (issue 11), and nothing else", () => {
    const stack = broken(inheritPrivileged);
    expect(checkStack(stack).map((f) => [f.rule, f.address, f.message, f.fix])).toEqual([
      [
        "GAD-CB-5",
        `aws_codebuild_project.${ciName(stack)}`,
        "merge-request CI runs privileged without its own opt-in: code from any merge request gets root on the build host (the Docker daemon)",
        "set ci.privileged: false, or opt in with ci.privileged: true and ci.privilegedReason (merge requests never inherit pipeline.build.privileged)",
      ],
    ]);
  });

  test("recognizes merge-request CI by its webhook too, whatever its source type", () => {
    const stack = broken((s) => {
      inheritPrivileged(s);
      s.resource.aws_codebuild_project[ciName(s)].source.type = "S3";
    });
    expect(checkStack(stack).map((f) => [f.rule, f.address])).toEqual([["GAD-CB-5", `aws_codebuild_project.${ciName(stack)}`]]);
  });

  test("leaves unprivileged CI and privileged pipeline builds alone", () => {
    const stack = broken((s) => {
      const ci = s.resource.aws_codebuild_project[ciName(s)];
      ci.environment.privileged_mode = false;
      ci.description = "Merge-request CI of the GitLab repository";
    });
    expect(checkStack(stack)).toEqual([]);
  });
});

describe("GAD-KMS-1 and adopted pipelines", () => {
  test("a KMS key given by ARN counts as customer-managed; the AWS-managed alias does not", () => {
    const stack = JSON.parse(JSON.stringify(clean));
    const pipeline = Object.values<any>(stack.resource.aws_codepipeline)[0];
    pipeline.artifact_store[0].encryption_key.id = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(checkStack(stack).filter((f) => f.rule === "GAD-KMS-1")).toEqual([]);
    pipeline.artifact_store[0].encryption_key.id = "arn:aws:kms:eu-west-1:123456789012:alias/aws/s3";
    expect(checkStack(stack).filter((f) => f.rule === "GAD-KMS-1")).toHaveLength(1);
  });
});
