import { stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { show } from "../../config/show";
import { byPath, connectionArnRef, NOW, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

const warnings = (raw: Record<string, unknown>) => parseConfig(stringify(raw), "delivery.yaml", NOW).warnings;

const adopt = {
  name: "storefront-release",
  roleName: "storefront-role",
  artifactBucket: "codepipeline-eu-west-1-123456789012",
  artifactKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
  stages: [
    {
      name: "Deploy",
      actions: [
        {
          name: "Deploy",
          actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
          configuration: { BucketName: "site", Extract: "true" },
          inputArtifacts: [{ name: "SourceArtifact" }],
          runOrder: 1,
        },
      ],
    },
  ],
};
const P = "acme__storefront";

describe("adopting an existing pipeline", () => {
  const { json, shared } = synth(rawConfig({ projects: [rawProject({ path: "acme/storefront", mode: "adopt", pipeline: { adopt } })] }));
  const pipeline = only(json, "aws_codepipeline");
  const status = `data.aws_codestarconnections_connection.${only(json, "aws_codestarconnections_connection", "data").name}.connection_status`;

  test("imports it by name once the connection has left PENDING (Terraform >= 1.7 for_each on import)", () => {
    expect(json.import).toEqual([
      {
        for_each: `\${(${status} != "PENDING") ? toset(["storefront-release"]) : toset([])}`,
        to: `aws_codepipeline.${pipeline.name}[0]`,
        id: "${each.value}",
      },
    ]);
  });

  test("keeps its name, role, artifact store and listed stages; only the source stage is ours", () => {
    expect(pipeline.body.name).toBe("storefront-release");
    expect(pipeline.body.role_arn).toBe("arn:aws:iam::${data.aws_caller_identity.Account.account_id}:role/storefront-role");
    expect(pipeline.body.artifact_store).toEqual([
      { location: adopt.artifactBucket, type: "S3", encryption_key: { id: adopt.artifactKmsKeyArn, type: "KMS" } },
    ]);
    expect(pipeline.body.stage.map((s: any) => s.name)).toEqual(["Source", "Deploy"]);
    expect(pipeline.body.stage[0].action[0].output_artifacts).toEqual(["SourceArtifact"]);
    expect(pipeline.body.stage[1]).toEqual({
      name: "Deploy",
      action: [
        {
          name: "Deploy",
          category: "Deploy",
          owner: "AWS",
          provider: "S3",
          version: "1",
          configuration: { BucketName: "site", Extract: "true" },
          input_artifacts: ["SourceArtifact"],
          run_order: 1,
        },
      ],
    });
  });

  test("creates no role and no build project for it; the existing role only gains UseConnection on this repository", () => {
    expect(json.resource.aws_iam_role).toBeUndefined();
    expect(json.resource.aws_codebuild_project).toBeUndefined();
    const policy = byPath(json, "aws_iam_role_policy", `${P}/Pipeline/Role/Policy`).body;
    expect(policy.role).toBe("storefront-role");
    expect(policy.name).toBe("gitlab-aws-delivery");
    const s = statements(json, `${P}/Pipeline/Role/PolicyDocument`);
    expect(Object.keys(s)).toEqual(["UseConnection", "UseConnectionLegacyPrefix"]);
    expect(s.UseConnection.resources).toEqual([connectionArnRef(shared.json)]);
  });

  test("the pipeline output names the adopted pipeline", () => {
    expect(json.output.acme__storefront_pipeline.value).toBe("storefront-release");
  });

  test("a malformed pipeline name (an ARN, a URL) is refused with the fix", () => {
    const arn = "arn:aws:codepipeline:eu-west-1:123456789012:storefront-release";
    expect(problems(rawConfig({ projects: [rawProject({ pipeline: { adopt: { ...adopt, name: arn } } })] }))).toEqual([
      `projects[0].pipeline.adopt.name: "${arn}" is not a CodePipeline name; use the name shown in the console (1-100 letters, digits, '.', '@', '_' or '-'), not its ARN or URL`,
    ]);
  });

  test("a user's ARN as the role, or no stages, are refused", () => {
    expect(
      problems(rawConfig({ projects: [rawProject({ pipeline: { adopt: { ...adopt, roleName: "arn:aws:iam::123456789012:user/x", stages: [] } } })] })),
    ).toEqual([
      'projects[0].pipeline.adopt.roleName: "arn:aws:iam::123456789012:user/x" is not an IAM role ARN; write the role\'s ARN ("arn:<partition>:iam::<account>:role/<path/>name") or its name',
      "projects[0].pipeline.adopt.stages: is an empty list; list at least 1 stage of the existing pipeline to keep (its name and actions, as `aws codepipeline get-pipeline` shows them)",
    ]);
  });
});

describe("the adopted pipeline's role keeps its IAM path", () => {
  const CONSOLE_ROLE = "AWSCodePipelineServiceRole-eu-west-1-storefront-release";
  const adopted = (roleName: string) => {
    const { json } = synth(rawConfig({ projects: [rawProject({ path: "acme/storefront", mode: "adopt", pipeline: { adopt: { ...adopt, roleName } } })] }));
    return { pipeline: only(json, "aws_codepipeline").body, policy: byPath(json, "aws_iam_role_policy", `${P}/Pipeline/Role/Policy`).body };
  };

  test("a console-made role, named with its path: the pipeline gets its ARN under /service-role/, the policy its bare name", () => {
    const { pipeline, policy } = adopted(`service-role/${CONSOLE_ROLE}`);
    expect(pipeline.role_arn).toBe(`arn:aws:iam::\${data.aws_caller_identity.Account.account_id}:role/service-role/${CONSOLE_ROLE}`);
    expect(policy.role).toBe(CONSOLE_ROLE);
    expect(policy.lifecycle).toBeUndefined();
  });

  test("the path as IAM prints it, with its leading '/', is the same role", () => {
    expect(adopted(`/service-role/${CONSOLE_ROLE}`).pipeline.role_arn).toBe(
      `arn:aws:iam::\${data.aws_caller_identity.Account.account_id}:role/service-role/${CONSOLE_ROLE}`,
    );
  });

  test("a role ARN is kept as written, and the plan refuses it unless it is in the stack's account", () => {
    const arn = `arn:aws:iam::210987654321:role/service-role/${CONSOLE_ROLE}`;
    const { pipeline, policy } = adopted(arn);
    expect(pipeline.role_arn).toBe(arn);
    expect(policy.role).toBe(CONSOLE_ROLE);
    expect(policy.lifecycle).toEqual({
      precondition: [
        {
          condition: '${(data.aws_caller_identity.Account.account_id == "210987654321")}',
          error_message: `The existing role ${arn} is in account 210987654321, but this stack deploys to account \${data.aws_caller_identity.Account.account_id}; a service role serves its own account only: name the role of account \${data.aws_caller_identity.Account.account_id}.`,
        },
      ],
    });
  });

  test("a console role's name without its path gets a warning with the fix", () => {
    const raw = rawConfig({ projects: [rawProject({ pipeline: { adopt: { ...adopt, roleName: CONSOLE_ROLE } } })] });
    expect(warnings(raw)).toEqual([
      {
        path: "projects[0].pipeline.adopt.roleName",
        message: `"${CONSOLE_ROLE}" has no path, but the console creates its AWSCodePipelineServiceRole-… roles under /service-role/; if the role's ARN ends in ":role/service-role/${CONSOLE_ROLE}", write "service-role/${CONSOLE_ROLE}" (or the ARN), or the pipeline would point at a role that does not exist`,
      },
    ]);
    expect(warnings(rawConfig({ projects: [rawProject({ pipeline: { adopt: { ...adopt, roleName: `service-role/${CONSOLE_ROLE}` } } })] }))).toEqual([]);
  });

  const refused: Array<[string, string, string]> = [
    [
      "a name with a space",
      "service-role/my role",
      'has the role name "my role", which IAM does not allow (1-64 letters, digits and + = , . @ _ -); write the name the IAM console shows',
    ],
    [
      "a name over 64 characters",
      `service-role/${"r".repeat(65)}`,
      `has the role name "${"r".repeat(65)}", which IAM does not allow (1-64 letters, digits and + = , . @ _ -); write the name the IAM console shows`,
    ],
    ["an empty name", "", 'is empty; write the role\'s name, after its path if it has one ("service-role/<name>"), or its ARN'],
    ["a path without a name", "service-role/", 'ends with "/", so it names a path but no role; add the role\'s name after it ("service-role/<name>")'],
    ["an empty path segment", `service-role//${CONSOLE_ROLE}`, `has an empty path segment ("//"); write "service-role/${CONSOLE_ROLE}"`],
    [
      "a path segment IAM names do not use",
      `team:a/${CONSOLE_ROLE}`,
      'has the path segment "team:a", which this tool does not accept (letters, digits and + = , . @ _ -); write the path the role\'s ARN shows',
    ],
    ["a path over 512 characters", `${"p/".repeat(300)}x`, "has a path of 601 characters, but IAM allows 512; write the role's own path"],
    [
      "an ARN whose account is not 12 digits",
      "arn:aws:iam::12345:role/x",
      'has the account "12345", which is not 12 digits; copy the role\'s ARN from its page in the IAM console',
    ],
    [
      "an ARN of the China partition",
      "arn:aws-cn:iam::123456789012:role/x",
      'is an ARN of the "aws-cn" partition, where CodeConnections is not offered; name a role of the "aws" partition',
    ],
  ];
  test.each(refused)("refuses %s, naming the key, the value and the fix", (_title, roleName, problem) => {
    expect(problems(rawConfig({ projects: [rawProject({ pipeline: { adopt: { ...adopt, roleName } } })] }))).toEqual([
      `projects[0].pipeline.adopt.roleName: ${show(roleName)} ${problem}`,
    ]);
  });
});
