import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { connectionArnRef, only, rawConfig, rawProject, synth, synthAll } from "../helpers";

describe("SharedStack", () => {
  const { shared } = synth();
  const conn = `aws_codeconnections_connection.${only(shared.json, "aws_codeconnections_connection").name}`;

  test("holds only the connection, with the AWS provider and its own local state", () => {
    expect(Object.keys(shared.json.resource)).toEqual(["aws_codeconnections_connection"]);
    expect(shared.json.provider.gitlab).toBeUndefined();
    expect(shared.text).toHaveProviderWithProperties(AwsProvider, { region: "eu-west-1" });
    expect(shared.json.terraform.backend).toEqual({ local: { path: "../../../terraform.acme-delivery-shared.tfstate" } });
  });

  test("the connection is a GitLab.com connection guarded by prevent_destroy", () => {
    expect(shared.text).toHaveResourceWithProperties(CodeconnectionsConnection, {
      name: "acme-gitlab",
      provider_type: "GitLab",
      lifecycle: { prevent_destroy: true },
    });
    expect(only(shared.json, "aws_codeconnections_connection").body.host_arn).toBeUndefined();
  });

  test("outputs the connection ARN, status and the console page of the handshake", () => {
    expect(shared.json.output.connection_arn.value).toBe(`\${${conn}.arn}`);
    expect(shared.json.output.connection_status.value).toBe(`\${${conn}.connection_status}`);
    expect(shared.json.output.connection_handshake_url.value).toBe(
      `https://eu-west-1.console.aws.amazon.com/codesuite/settings/\${element(split(":", ${conn}.arn), 4)}` +
        `/eu-west-1/codeconnections/connections/\${element(split("/", ${conn}.arn), 1)}`,
    );
    expect(shared.json.output.connection_handshake_url.description).toMatch(/Owner role/);
  });
});

describe("ProjectsStack", () => {
  const { text, json, shared } = synth();
  const arnRef = connectionArnRef(shared.json);
  const remote = arnRef.slice(2, -1);

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

  test("keeps its own local state, and reads the shared stack's state beside it", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.acme-delivery-acme.tfstate" } });
    expect(json.data.terraform_remote_state).toEqual({
      "cross-stack-reference-input-acme-delivery-shared": {
        backend: "local",
        config: { path: "../../../terraform.acme-delivery-shared.tfstate" },
        workspace: "${terraform.workspace}",
      },
    });
  });

  test("the gate reads the shared connection's status afresh at plan time", () => {
    expect(only(json, "aws_codestarconnections_connection", "data").body).toEqual({ arn: arnRef });
  });

  test("while the connection is not AVAILABLE a check block says, for PENDING and for ERROR, what to do and who may do it", () => {
    const status = `data.aws_codestarconnections_connection.${only(json, "aws_codestarconnections_connection", "data").name}.connection_status`;
    const url = `https://eu-west-1.console.aws.amazon.com/codesuite/settings/\${element(split(":", ${remote}), 4)}/eu-west-1/codeconnections/connections/\${element(split("/", ${remote}), 1)}`;
    const pending =
      "The GitLab connection acme-gitlab is PENDING, so the pipelines of acme/platform/payments-api are not created yet " +
      "(a pipeline created on a pending connection can miss its GitLab webhook). Complete the handshake at " +
      `${url} ('Update pending connection'), signed in to GitLab as a user with the Owner role on each of these projects; then run cdktf deploy again.`;
    const error =
      "The GitLab connection acme-gitlab is in ERROR: GitLab no longer accepts its authorization (revoked, or the user who authorized it " +
      "lost the Owner role or left the group). The pipelines of acme/platform/payments-api are kept, with their history, and nothing is " +
      "changed by this plan, but pushes do not start them and their source actions fail until it is repaired: " +
      `open ${url}, choose 'Update pending connection' and authorize again as a GitLab user with the Owner role on each of these projects.`;
    const message = `\${(${status} == "ERROR") ? "${error}" : "${pending}"}`;
    const [assertion] = json.check.Connection_handshake.assert;
    expect(assertion.condition).toBe(`\${(${status} == "AVAILABLE")}`);
    expect(assertion.error_message).toBe(message);
    expect(json.output.next_step.value).toBe(
      `\${(${status} == "AVAILABLE") ? "none: the connection is AVAILABLE" : (${status} == "ERROR") ? "${error}" : "${pending}"}`,
    );
  });

  test("per-project outputs name the pipeline, the repository and the secret, never the token", () => {
    const key = "acme__platform__payments_api";
    expect(Object.keys(json.output).sort()).toEqual(
      [
        "artifact_bucket",
        "connection_status",
        "next_step",
        `${key}_connection_url`,
        `${key}_deploy_token_secret_arn`,
        `${key}_full_repository_id`,
        `${key}_gitlab_url`,
        `${key}_pipeline`,
        `${key}_pipeline_url`,
      ].sort(),
    );
    expect(json.output[`${key}_pipeline`].value).toBe("acme-platform-payments-api");
    expect(json.output[`${key}_pipeline_url`].value).toBe(
      "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/acme-platform-payments-api/view?region=eu-west-1",
    );
    expect(json.output[`${key}_gitlab_url`].value).toMatch(/^\$\{gitlab_project\.[\w-]+\.web_url\}$/);
    // Built from the shared connection's ARN (account and id), read from the shared stack.
    const arn = connectionArnRef(shared.json).slice(2, -1);
    expect(json.output[`${key}_connection_url`].value).toBe(
      `https://eu-west-1.console.aws.amazon.com/codesuite/settings/\${element(split(":", ${arn}), 4)}/eu-west-1/codeconnections/connections/\${element(split("/", ${arn}), 1)}`,
    );
    for (const output of Object.values(json.output) as Array<{ value: string }>) expect(output.value).not.toMatch(/\.token\b/);
  });

  test("synthesis is deterministic: the same config gives byte-identical JSON", () => {
    const again = synth();
    expect(again.text).toBe(text);
    expect(again.shared.text).toBe(shared.text);
  });
});

describe("partitioned state", () => {
  const projects = [
    rawProject({ path: "payments/api" }),
    rawProject({ path: "payments/web" }),
    rawProject({ path: "Data-Team/etl" }),
    rawProject({ path: "data-team/reports", stack: "reporting" }),
  ];
  const { shared, stacks } = synthAll(rawConfig({ projects }));

  test("one stack per top-level group, a `stack` key overrides, names sorted and prefixed", () => {
    expect(Object.keys(stacks)).toEqual(["acme-delivery-data-team", "acme-delivery-payments", "acme-delivery-reporting"]);
    const pipelines = (name: string) => Object.values(stacks[name].json.resource.aws_codepipeline).map((p: any) => p.name);
    expect(pipelines("acme-delivery-payments")).toEqual(["payments-api", "payments-web"]);
    expect(pipelines("acme-delivery-data-team")).toEqual(["Data-Team-etl"]);
    expect(pipelines("acme-delivery-reporting")).toEqual(["data-team-reports"]);
  });

  test("every projects stack uses the one shared connection, and has its own artifact store", () => {
    const arnRef = connectionArnRef(shared.json);
    const buckets = new Set<string>();
    for (const { json } of Object.values(stacks)) {
      for (const p of Object.values(json.resource.aws_codepipeline) as any[]) expect(p.stage[0].action[0].configuration.ConnectionArn).toBe(arnRef);
      buckets.add(only(json, "aws_s3_bucket").body.bucket_prefix);
      expect(json.resource.aws_codeconnections_connection).toBeUndefined();
    }
    expect([...buckets].sort()).toEqual(["acme-delivery-data-team-artifacts-", "acme-delivery-payments-artifacts-", "acme-delivery-reporting-artifacts-"]);
    expect(Object.keys(shared.json.resource.aws_codeconnections_connection)).toHaveLength(1);
  });
});

describe("stable addresses", () => {
  const a = rawProject({ path: "acme/a" });
  const b = rawProject({ path: "acme/b" });
  const c = rawProject({ path: "acme/c" });

  function addresses(json: Record<string, any>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const section of ["resource", "data"]) {
      for (const [type, blocks] of Object.entries(json[section] ?? {})) {
        for (const [name, body] of Object.entries(blocks as Record<string, any>)) out[`${section}.${type}.${name}`] = JSON.stringify(body);
      }
    }
    return out;
  }

  test("reordering projects changes no resource address and no resource", () => {
    expect(addresses(synth(rawConfig({ projects: [c, a, b] })).json)).toEqual(addresses(synth(rawConfig({ projects: [a, b, c] })).json));
  });

  test("adding a project only adds resources; every existing one stays as it was", () => {
    const before = addresses(synth(rawConfig({ projects: [a, c] })).json);
    const after = addresses(synth(rawConfig({ projects: [a, b, c] })).json);
    for (const [address, body] of Object.entries(before)) expect(after[address]).toBe(body);
    expect(Object.keys(after).length).toBeGreaterThan(Object.keys(before).length);
  });

  test("adding a project in another group leaves this group's stack byte-identical", () => {
    const before = synthAll(rawConfig({ projects: [a, b] })).stacks["acme-delivery-acme"].text;
    const after = synthAll(rawConfig({ projects: [a, rawProject({ path: "other/x" }), b] }));
    expect(after.stacks["acme-delivery-acme"].text).toBe(before);
    expect(Object.keys(after.stacks)).toEqual(["acme-delivery-acme", "acme-delivery-other"]);
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
