import { CodebuildSourceCredential } from "@cdktf/provider-aws/lib/codebuild-source-credential";
import { stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { checkStack } from "../../policy";
import { byPath, connectionArnRef, NOW, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

const P = "acme__platform__payments-api";

describe("merge-request CI (standalone CodeBuild with status on GitLab commits)", () => {
  const { json, shared } = synth(rawConfig({ projects: [rawProject({ ci: {} })] }));
  const ci = byPath(json, "aws_codebuild_project", `${P}/MergeRequestCi/Build`);
  const gitlabProject = `gitlab_project.${only(json, "gitlab_project").name}`;
  const arn = connectionArnRef(shared.json);

  test("builds the repository itself through the connection and reports status on the commit", () => {
    expect(ci.body.name).toBe("acme-platform-payments-api-ci");
    expect(ci.body.source).toEqual({
      type: "GITLAB",
      location: `\${${gitlabProject}.http_url_to_repo}`,
      buildspec: "buildspec.yml",
      report_build_status: true,
      auth: { type: "CODECONNECTIONS", resource: arn },
    });
    expect(ci.body.artifacts).toEqual({ type: "NO_ARTIFACTS" });
    expect(ci.body.description).toBe("Merge-request CI of the GitLab repository");
  });

  test("a webhook on merge-request events starts it, once the connection has left PENDING", () => {
    const status = `data.aws_codestarconnections_connection.${only(json, "aws_codestarconnections_connection", "data").name}.connection_status`;
    expect(only(json, "aws_codebuild_webhook").body).toEqual({
      project_name: "acme-platform-payments-api-ci",
      depends_on: [`aws_codebuild_project.${ci.name}`],
      build_type: "BUILD",
      filter_group: [{ filter: [{ type: "EVENT", pattern: "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED,PULL_REQUEST_REOPENED" }] }],
      count: `\${(${status} != "PENDING") ? 1 : 0}`,
    });
  });

  test("the project itself reads GitLab through the connection, so it waits for the first handshake too", () => {
    const status = `data.aws_codestarconnections_connection.${only(json, "aws_codestarconnections_connection", "data").name}.connection_status`;
    expect(ci.body.count).toBe(`\${(${status} != "PENDING") ? 1 : 0}`);
    // The pipeline's own build reads the pipeline's artifact, not GitLab: it is not gated.
    expect(byPath(json, "aws_codebuild_project", `${P}/Build`).body.count).toBeUndefined();
  });

  test("its role may use and fetch a token for this connection, never the artifact bucket", () => {
    const s = statements(json, `${P}/MergeRequestCi/Build/Role/PolicyDocument`);
    expect(Object.keys(s).sort()).toEqual([
      "ArtifactKey",
      "ConnectionToken",
      "DeployTokenSecret",
      "TestReports",
      "UseConnection",
      "UseConnectionLegacyPrefix",
      "WriteLogs",
    ]);
    expect(s.ConnectionToken).toEqual({
      sid: "ConnectionToken",
      effect: "Allow",
      actions: [
        "codeconnections:GetConnection",
        "codeconnections:GetConnectionToken",
        "codestar-connections:GetConnection",
        "codestar-connections:GetConnectionToken",
      ],
      resources: [arn],
    });
    expect(s.UseConnection.condition).toEqual([
      { test: "StringEquals", variable: "codeconnections:FullRepositoryId", values: [`\${${gitlabProject}.path_with_namespace}`] },
    ]);
  });

  test("the account's CodeBuild source credential (one per server type) lives in the shared stack", () => {
    expect(shared.text).toHaveResourceWithProperties(CodebuildSourceCredential, {
      auth_type: "CODECONNECTIONS",
      server_type: "GITLAB",
      token: `\${aws_codeconnections_connection.${only(shared.json, "aws_codeconnections_connection").name}.arn}`,
    });
    expect(json.resource.aws_codebuild_source_credential).toBeUndefined();
    expect(synth().shared.json.resource.aws_codebuild_source_credential).toBeUndefined();
  });

  test("self-managed instances use GITLAB_SELF_MANAGED; events and buildspec come from the config", () => {
    const sm = synth(
      rawConfig({
        gitlab: { kind: "self-managed", url: "https://gitlab.acme.example" },
        projects: [rawProject({ ci: { events: ["PULL_REQUEST_MERGED"], buildspec: "ci/mr.yml" } })],
      }),
    );
    const build = byPath(sm.json, "aws_codebuild_project", `${P}/MergeRequestCi/Build`).body;
    expect(build.source).toMatchObject({ type: "GITLAB_SELF_MANAGED", buildspec: "ci/mr.yml" });
    expect(only(sm.json, "aws_codebuild_webhook").body.filter_group).toEqual([{ filter: [{ type: "EVENT", pattern: "PULL_REQUEST_MERGED" }] }]);
    expect(only(sm.shared.json, "aws_codebuild_source_credential").body.server_type).toBe("GITLAB_SELF_MANAGED");
  });

  test("never both a CodeBuild webhook and a pipeline merge-request trigger on one project", () => {
    expect(
      problems(rawConfig({ projects: [rawProject({ ci: {}, pipeline: { triggers: { mergeRequests: [{ branches: { includes: ["main"] } }] } } })] })),
    ).toEqual([
      "projects[0].ci: and pipeline.triggers.mergeRequests would both build every merge request (a CodeBuild webhook and a pipeline trigger); keep one of them",
    ]);
  });
});

describe("merge-request CI runs privileged only by its own opt-in (issue 11)", () => {
  const dockerBuild = { privileged: true, privilegedReason: "builds Docker images" };
  const warnings = (raw: Record<string, unknown>) => parseConfig(stringify(raw), "delivery.yaml", NOW).warnings;

  test("a privileged pipeline build leaves the merge-request builds unprivileged", () => {
    const { json } = synth(rawConfig({ projects: [rawProject({ ci: {}, pipeline: { build: dockerBuild } })] }));
    const ci = byPath(json, "aws_codebuild_project", `${P}/MergeRequestCi/Build`).body;
    expect(ci.environment.privileged_mode).toBe(false);
    expect(ci.description).toBe("Merge-request CI of the GitLab repository");
    const build = byPath(json, "aws_codebuild_project", `${P}/Build`).body;
    expect(build.environment.privileged_mode).toBe(true);
    expect(build.description).toBe("Build and test stage of the GitLab delivery pipeline. Privileged because: builds Docker images");
  });

  test("ci.privileged with its own ci.privilegedReason runs them privileged, marked as that opt-in", () => {
    const { json } = synth(rawConfig({ projects: [rawProject({ ci: { privileged: true, privilegedReason: "runs integration tests against Docker" } })] }));
    const ci = byPath(json, "aws_codebuild_project", `${P}/MergeRequestCi/Build`).body;
    expect(ci.environment.privileged_mode).toBe(true);
    expect(ci.description).toBe("Merge-request CI, privileged by its own opt-in. Privileged because: runs integration tests against Docker");
    expect(byPath(json, "aws_codebuild_project", `${P}/Build`).body.environment.privileged_mode).toBe(false);
    expect(checkStack(json)).toEqual([]);
  });

  test("ci.privileged without ci.privilegedReason is refused", () => {
    expect(problems(rawConfig({ projects: [rawProject({ ci: { privileged: true } })] }))).toEqual([
      'projects[0].ci.privilegedReason: is required with privileged: true; say why code from any merge request needs root on its build host (e.g. "runs integration tests against Docker"), or set privileged: false',
    ]);
  });

  test("a privileged pipeline build warns that merge requests now build unprivileged, until ci.privileged is set either way", () => {
    expect(warnings(rawConfig({ projects: [rawProject({ ci: {}, pipeline: { build: dockerBuild } })] }))).toEqual([
      {
        path: "projects[0].ci.privileged",
        message:
          "is not set, so merge-request builds run unprivileged although pipeline.build.privileged is true (they no longer inherit it); if they need Docker, set ci.privileged: true with a ci.privilegedReason, otherwise set ci.privileged: false to silence this",
      },
    ]);
    expect(warnings(rawConfig({ projects: [rawProject({ ci: { privileged: false }, pipeline: { build: dockerBuild } })] }))).toEqual([]);
    expect(warnings(rawConfig({ projects: [rawProject({ ci: {} })] }))).toEqual([]);
  });
});
