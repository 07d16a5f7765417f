import { byPath, connectionArnRef, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

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

  test("imports it by name once the connection is AVAILABLE (Terraform >= 1.7 for_each on import)", () => {
    expect(json.import).toEqual([
      {
        for_each: `\${(${status} == "AVAILABLE") ? toset(["storefront-release"]) : toset([])}`,
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

  test("a role given as an ARN, or no stages, are refused", () => {
    expect(
      problems(rawConfig({ projects: [rawProject({ pipeline: { adopt: { ...adopt, roleName: "arn:aws:iam::123456789012:role/x", stages: [] } } })] })),
    ).toEqual([
      'projects[0].pipeline.adopt.roleName: must be the name (not the ARN) of the pipeline\'s existing service role (got string "arn:aws:iam::123456789012:role/x"); correct the value',
      "projects[0].pipeline.adopt.stages: Too small: expected array to have >=1 items (got a list ([])); correct the value",
    ]);
  });
});
