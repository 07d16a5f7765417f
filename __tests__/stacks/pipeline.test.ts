import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { byPath, connectionArnRef, only, rawConfig, rawProject, synth } from "../helpers";

const P = "acme__platform__payments-api";

function pipelineOf(project: Record<string, unknown> = {}) {
  const { json, text, shared } = synth(rawConfig({ projects: [rawProject(project)] }));
  return { json, text, shared, pipeline: only(json, "aws_codepipeline").body };
}

describe("GitlabPipeline", () => {
  const { json, text, shared, pipeline } = pipelineOf();
  const connArn = connectionArnRef(shared.json);
  const gitlabProject = `gitlab_project.${only(json, "gitlab_project").name}`;

  test("is a V2 pipeline with the configured execution mode and its own role", () => {
    expect(text).toHaveResourceWithProperties(Codepipeline, {
      name: "acme-platform-payments-api",
      pipeline_type: "V2",
      execution_mode: "QUEUED",
      role_arn: `\${aws_iam_role.${byPath(json, "aws_iam_role", `${P}/Pipeline/Role`).name}.arn}`,
    });
  });

  test("stores artifacts in the artifact bucket, encrypted with the artifact KMS key", () => {
    expect(pipeline.artifact_store).toEqual([
      {
        location: `\${aws_s3_bucket.${only(json, "aws_s3_bucket").name}.bucket}`,
        type: "S3",
        encryption_key: { id: `\${aws_kms_key.${only(json, "aws_kms_key").name}.arn}`, type: "KMS" },
      },
    ]);
  });

  test("the source action reads the GitLab project over the connection: FullRepositoryId references the project", () => {
    expect(pipeline.stage[0]).toEqual({
      name: "Source",
      action: [
        {
          name: "Source",
          category: "Source",
          owner: "AWS",
          provider: "CodeStarSourceConnection",
          version: "1",
          namespace: "SourceVariables",
          output_artifacts: ["source_output"],
          configuration: {
            ConnectionArn: connArn,
            FullRepositoryId: `\${${gitlabProject}.path_with_namespace}`,
            BranchName: "main",
            OutputArtifactFormat: "CODE_ZIP",
          },
        },
      ],
    });
  });

  test("an adopted project is referenced through the gitlab_project data source", () => {
    const adopted = pipelineOf({ path: "acme/legacy", mode: "adopt" });
    const data = only(adopted.json, "gitlab_project", "data");
    expect(data.body.path_with_namespace).toBe("acme/legacy");
    expect(adopted.json.resource.gitlab_project).toBeUndefined();
    expect(adopted.pipeline.stage[0].action[0].configuration.FullRepositoryId).toBe(`\${data.gitlab_project.${data.name}.path_with_namespace}`);
  });

  test("the build stage runs the project's CodeBuild project on the source artifact", () => {
    expect(pipeline.stage[1]).toEqual({
      name: "BuildAndTest",
      action: [
        {
          name: "BuildAndTest",
          category: "Build",
          owner: "AWS",
          provider: "CodeBuild",
          version: "1",
          input_artifacts: ["source_output"],
          output_artifacts: ["build_output"],
          configuration: {
            ProjectName: `\${aws_codebuild_project.${only(json, "aws_codebuild_project").name}.name}`,
            EnvironmentVariables:
              '[{"name":"GITLAB_COMMIT_ID","value":"#{SourceVariables.CommitId}","type":"PLAINTEXT"},' +
              '{"name":"GITLAB_BRANCH","value":"#{SourceVariables.BranchName}","type":"PLAINTEXT"},' +
              '{"name":"GITLAB_REPOSITORY","value":"#{SourceVariables.FullRepositoryName}","type":"PLAINTEXT"}]',
          },
        },
      ],
    });
  });

  test("with no triggers configured, a push to the pipeline branch starts it", () => {
    expect(pipeline.trigger).toEqual([
      {
        provider_type: "CodeStarSourceConnection",
        git_configuration: { source_action_name: "Source", push: [{ branches: { includes: ["main"] } }] },
      },
    ]);
  });

  test("push and merge-request triggers are passed through exactly", () => {
    const { pipeline: p } = pipelineOf({
      defaultBranch: "trunk",
      pipeline: {
        executionMode: "SUPERSEDED",
        triggers: {
          push: [
            { branches: { includes: ["trunk", "release/*"], excludes: ["release/old"] }, filePaths: { includes: ["src/**"] } },
            { tags: { includes: ["v*"] } },
          ],
          mergeRequests: [{ events: ["OPEN", "CLOSED"], branches: { includes: ["trunk"] }, filePaths: { excludes: ["docs/**"] } }],
        },
      },
    });
    expect(p.execution_mode).toBe("SUPERSEDED");
    expect(p.stage[0].action[0].configuration.BranchName).toBe("trunk");
    expect(p.trigger[0].git_configuration).toEqual({
      source_action_name: "Source",
      push: [
        { branches: { includes: ["trunk", "release/*"], excludes: ["release/old"] }, file_paths: { includes: ["src/**"] } },
        { tags: { includes: ["v*"] } },
      ],
      pull_request: [{ events: ["OPEN", "CLOSED"], branches: { includes: ["trunk"] }, file_paths: { excludes: ["docs/**"] } }],
    });
  });

  test("merge-request events default to OPEN and UPDATED", () => {
    const { pipeline: p } = pipelineOf({ pipeline: { triggers: { mergeRequests: [{ branches: { includes: ["main"] } }] } } });
    expect(p.trigger[0].git_configuration.pull_request).toEqual([{ events: ["OPEN", "UPDATED"], branches: { includes: ["main"] } }]);
  });

  test("pipeline.branch overrides the default branch for manual runs", () => {
    const { pipeline: p } = pipelineOf({ pipeline: { branch: "develop" } });
    expect(p.stage[0].action[0].configuration.BranchName).toBe("develop");
  });

  test("CODEBUILD_CLONE_REF is set on the source action", () => {
    const { pipeline: p } = pipelineOf({ pipeline: { artifactFormat: "CODEBUILD_CLONE_REF" } });
    expect(p.stage[0].action[0].configuration.OutputArtifactFormat).toBe("CODEBUILD_CLONE_REF");
  });

  test("is not created before the first handshake and never removed after it: its count opens once the status leaves PENDING", () => {
    const status = `data.aws_codestarconnections_connection.${only(json, "aws_codestarconnections_connection", "data").name}.connection_status`;
    expect(pipeline.count).toBe(`\${(${status} != "PENDING") ? 1 : 0}`);
    expect(pipeline.lifecycle).toBeUndefined();
  });

  test("long project paths give names within the AWS limits, stable and unique", () => {
    const longPath = `acme/${"very-long-group-name/".repeat(5)}service`;
    const { json: j } = synth(rawConfig({ projects: [rawProject({ path: longPath })] }));
    const roleNames = Object.values(j.resource.aws_iam_role).map((r: any) => r.name as string);
    for (const name of roleNames) expect(name.length).toBeLessThanOrEqual(64);
    expect(new Set(roleNames).size).toBe(2);
    expect(roleNames.every((n) => /^acme-very-long-group-name-very-long-grou[a-z-]*-[0-9a-f]{8}-(build|pipeline)$/.test(n))).toBe(true);
  });
});
