import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { byPath, only, rawConfig, rawProject, synth } from "../helpers";

describe("DeliveryStack", () => {
  const { text, json } = synth();

  test("declares both providers: AWS in the configured region with default tags, GitLab.com without a token", () => {
    expect(text).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [{ tags: { "managed-by": "gitlab-aws-delivery", team: "platform" } }],
    });
    expect(text).toHaveProviderWithProperties(GitlabProvider, { base_url: "https://gitlab.com/api/v4/" });
    expect(json.provider.gitlab[0].token).toBeUndefined();
    expect(json.terraform.required_providers).toEqual({
      aws: { source: "aws", version: "6.25.0" },
      gitlab: { source: "gitlabhq/gitlab", version: "18.6.1" },
    });
  });

  test("keeps local state beside the project through a relative path", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.acme-delivery.tfstate" } });
  });

  test("the connection is a GitLab.com connection guarded by prevent_destroy", () => {
    expect(text).toHaveResourceWithProperties(CodeconnectionsConnection, {
      name: "acme-gitlab",
      provider_type: "GitLab",
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, "aws_codeconnections_connection").body.host_arn).toBeUndefined();
  });

  test("outputs the connection ARN, status and the console page of the handshake", () => {
    const conn = `aws_codeconnections_connection.${only(json, "aws_codeconnections_connection").name}`;
    expect(json.output.connection_arn.value).toBe(`\${${conn}.arn}`);
    expect(json.output.connection_status.value).toBe(`\${${conn}.connection_status}`);
    expect(json.output.connection_handshake_url.value).toBe(
      `https://eu-west-1.console.aws.amazon.com/codesuite/settings/\${element(split(":", ${conn}.arn), 4)}` +
        `/eu-west-1/codeconnections/connections/\${element(split("/", ${conn}.arn), 1)}`,
    );
    expect(json.output.connection_handshake_url.description).toMatch(/Owner role/);
  });

  test("per-project outputs name the pipeline, the repository and the secret, never the token", () => {
    const key = "acme__platform__payments_api";
    expect(Object.keys(json.output).sort()).toEqual(
      [
        "artifact_bucket",
        "connection_arn",
        "connection_handshake_url",
        "connection_status",
        `${key}_deploy_token_secret_arn`,
        `${key}_full_repository_id`,
        `${key}_pipeline`,
      ].sort(),
    );
    for (const output of Object.values(json.output) as Array<{ value: string }>) {
      expect(output.value).not.toMatch(/\.token\b/);
    }
  });

  test("synthesis is deterministic: the same config gives byte-identical JSON", () => {
    expect(synth().text).toBe(text);
  });
});

describe("stable addresses", () => {
  const a = rawProject({ path: "acme/a", deployToken: { expiresAt: "2027-01-01" } });
  const b = rawProject({ path: "acme/b", deployToken: { expiresAt: "2027-01-01" } });
  const c = rawProject({ path: "other/c", deployToken: { expiresAt: "2027-01-01" } });

  function addresses(json: Record<string, any>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const section of ["resource", "data"]) {
      for (const [type, blocks] of Object.entries(json[section] ?? {})) {
        for (const [name, body] of Object.entries(blocks as Record<string, any>)) {
          out[`${section}.${type}.${name}`] = JSON.stringify(body);
        }
      }
    }
    return out;
  }

  test("reordering projects changes no resource address and no resource", () => {
    const first = addresses(synth(rawConfig({ projects: [a, b, c] })).json);
    const second = addresses(synth(rawConfig({ projects: [c, a, b] })).json);
    expect(second).toEqual(first);
  });

  test("adding a project only adds resources; every existing one stays as it was", () => {
    const before = addresses(synth(rawConfig({ projects: [a, c] })).json);
    const after = addresses(synth(rawConfig({ projects: [a, b, c] })).json);
    for (const [address, body] of Object.entries(before)) {
      // The shared policy documents are unchanged too: grants are per project role.
      expect(after[address]).toBe(body);
    }
    expect(Object.keys(after).length).toBeGreaterThan(Object.keys(before).length);
  });

  test("construct paths come from the project path", () => {
    const { json } = synth(rawConfig({ projects: [a] }));
    expect(byPath(json, "aws_codepipeline", "acme__a/Pipeline").name).toMatch(/^acme__a_Pipeline_[0-9A-F]{8}$/);
  });
});

describe("config text is literal in Terraform", () => {
  test("${...} and %{...} in values are escaped, so Terraform does not read them as templates", () => {
    const { json } = synth(
      rawConfig({
        aws: { region: "eu-west-1", defaultTags: { note: "cost ${center}" } },
        projects: [rawProject({ description: "uses %{if} directives", pipeline: { build: { environmentVariables: { GREETING: "hello ${USER}" } } } })],
      }),
    );
    const build = Object.values(json.resource.aws_codebuild_project)[0] as any;
    expect(build.environment.environment_variable[0]).toEqual({ name: "GREETING", value: "hello $${USER}", type: "PLAINTEXT" });
    expect((Object.values(json.resource.gitlab_project)[0] as any).description).toBe("uses %%{if} directives");
    expect(json.provider.aws[0].default_tags[0].tags.note).toBe("cost $${center}");
  });
});
