/*
 * The constructs as another cdktf app calls them (through index.ts), on a bare stack:
 * importers of existing resources and grants that compose.
 */
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataGitlabProject } from "@cdktf/provider-gitlab/lib/data-gitlab-project";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ArtifactStore,
  BuildProject,
  ConnectionGate,
  GitlabConnection,
  GitlabPipeline,
  GitlabPipelineProps,
  NewGitlabPipelineProps,
  GitlabProject,
  IRoleGrantee,
  ServiceRole,
} from "../../index";

const ACCOUNT = "123456789012";
const CONNECTION_ARN = `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/0a1b2c3d-1111-2222-3333-444455556666`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/app-pipeline`;

function bareStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new GitlabProvider(stack, "gitlab", {});
  return stack;
}

type Json = Record<string, any>;

/** The synthesized stack (validations on) as JSON. */
function synthJson(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack, true));
}

/** The statements of the one policy document of the construct `path` ("Role": Role/PolicyDocument), by sid. */
function statementsOf(json: Json, path: string): Record<string, Json> {
  const prefix = `${path.replace(/\//g, "_")}_PolicyDocument_`;
  const docs = Object.entries<Json>(json.data.aws_iam_policy_document)
    .filter(([id]) => id.startsWith(prefix) && /^[0-9A-F]{8}$/.test(id.slice(prefix.length)))
    .map(([, d]) => d);
  expect(docs).toHaveLength(1);
  return Object.fromEntries(docs[0].statement.map((s: Json) => [s.sid, s]));
}

/** A pipeline on an existing connection and role, with overrides. */
function createPipeline(stack: TerraformStack, overrides: Partial<NewGitlabPipelineProps> = {}): GitlabPipeline {
  const artifactStore = new ArtifactStore(stack, "Artifacts", { bucketPrefix: "app-artifacts-", keyAlias: "app-artifacts" });
  return new GitlabPipeline(stack, "Pipeline", {
    name: "app",
    project: GitlabProject.fromPath(stack, "Project", "acme/app"),
    connection: GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN),
    role: ServiceRole.fromArn(stack, "PipelineRole", ROLE_ARN),
    artifactStore,
    build: new BuildProject(stack, "Build", { name: "app", artifactStore }),
    branch: "main",
    ...overrides,
  });
}

describe("GitlabConnection.fromArn", () => {
  test("has the ARN, the id as its name, and the console page of its region and account", () => {
    const connection = GitlabConnection.fromArn(bareStack(), "Connection", CONNECTION_ARN);
    expect(connection.arn).toBe(CONNECTION_ARN);
    expect(connection.name).toBe("0a1b2c3d-1111-2222-3333-444455556666");
    expect(connection.consoleUrl).toBe(
      `https://eu-west-1.console.aws.amazon.com/codesuite/settings/${ACCOUNT}/eu-west-1/codeconnections/connections/0a1b2c3d-1111-2222-3333-444455556666`,
    );
  });

  test("creates no connection, and a pipeline's source action uses the ARN", () => {
    const stack = bareStack();
    createPipeline(stack);
    const json = synthJson(stack);
    expect(json.resource.aws_codeconnections_connection).toBeUndefined();
    expect(JSON.stringify(json)).toHaveResourceWithProperties(Codepipeline, { role_arn: ROLE_ARN });
    const pipeline = Object.values<Json>(json.resource.aws_codepipeline)[0];
    expect(pipeline.stage[0].action[0].configuration.ConnectionArn).toBe(CONNECTION_ARN);
  });

  test("can be gated like a created connection", () => {
    const stack = bareStack();
    const connection = GitlabConnection.fromArn(stack, "GatedConnection", CONNECTION_ARN);
    const gate = new ConnectionGate(stack, "Gate", { connection, projects: ["acme/app"] });
    createPipeline(stack, { connection, gate });
    const pipeline = Object.values<Json>(synthJson(stack).resource.aws_codepipeline)[0];
    expect(pipeline.count).toMatch(/data\.aws_codestarconnections_connection\.Gate_Status_[0-9A-F]{8}\.connection_status/);
  });

  test("refuses what is not a connection ARN, with the construct path", () => {
    expect(() => GitlabConnection.fromArn(bareStack(), "Connection", "arn:aws:codeconnections:eu-west-1:123:host/x")).toThrow(
      'test/Connection: "arn:aws:codeconnections:eu-west-1:123:host/x" is not a connection ARN; copy it from the connection\'s page in the console',
    );
  });
});

describe("ServiceRole.fromArn", () => {
  test("adds one inline policy to the existing role, by its name without path", () => {
    const stack = bareStack();
    const role = ServiceRole.fromArn(stack, "Role", ROLE_ARN);
    role.addGrant({ sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] });
    expect(role.arn).toBe(ROLE_ARN);
    const synthesized = Testing.synth(stack, true);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: "gitlab-aws-delivery", role: "app-pipeline" });
    expect(JSON.parse(synthesized).resource.aws_iam_role).toBeUndefined();
  });

  test("refuses a name where an ARN is expected", () => {
    expect(() => ServiceRole.fromArn(bareStack(), "Role", "app-pipeline")).toThrow(
      'test/Role: "app-pipeline" is not a role ARN; write "arn:<partition>:iam::<account>:role/<path/>name"',
    );
  });

  test("refuses a second import of one role with the same inline policy name, which would overwrite the first", () => {
    const stack = bareStack();
    ServiceRole.fromArn(stack, "Role", ROLE_ARN);
    expect(() => ServiceRole.fromArn(stack, "Again", ROLE_ARN)).toThrow(
      `test/Again: the role ${ROLE_ARN} is already imported in this stack with the inline policy "gitlab-aws-delivery"; pass the first grantee around, or give this one another policyName`,
    );
    expect(() => ServiceRole.fromArn(stack, "Other", ROLE_ARN, { policyName: "other" })).not.toThrow();
  });
});

describe("grants compose", () => {
  const grantees: Array<[string, (stack: TerraformStack) => IRoleGrantee, string]> = [
    ["a role created here", (stack) => new ServiceRole(stack, "Role", { name: "r", service: "codepipeline.amazonaws.com" }), "Role"],
    ["an existing role", (stack) => ServiceRole.fromArn(stack, "Role", ROLE_ARN), "Role"],
  ];

  test.each(grantees)("on %s, the same grants given twice merge into the statements of one", (_what, grantee, path) => {
    const stack = bareStack();
    const role = grantee(stack);
    const artifactStore = new ArtifactStore(stack, "Artifacts", { bucketPrefix: "app-artifacts-", keyAlias: "app-artifacts" });
    const build = new BuildProject(stack, "Build", { name: "app", artifactStore });
    const connection = GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN);
    for (let i = 0; i < 2; i++) {
      build.grantStart(role);
      artifactStore.grantReadWrite(role);
      connection.grantUse(role, "acme/app");
    }
    const statements = statementsOf(synthJson(stack), path);
    expect(Object.keys(statements)).toEqual(["StartBuild", "ArtifactObjects", "ArtifactBucket", "ArtifactKey", "UseConnection", "UseConnectionLegacyPrefix"]);
    expect(statements.StartBuild.resources).toEqual([expect.stringMatching(/^\$\{aws_codebuild_project\.Build_[0-9A-F]{8}\.arn\}$/)]);
  });

  test("a grant with the id and actions of an earlier one adds its resources to it", () => {
    const stack = bareStack();
    const role = ServiceRole.fromArn(stack, "Role", ROLE_ARN);
    const artifactStore = ArtifactStore.fromAttributes(stack, "Artifacts", {
      bucketArn: "arn:aws:s3:::app-artifacts",
      keyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`,
    });
    const one = new BuildProject(stack, "One", { name: "one", artifactStore });
    const two = new BuildProject(stack, "Two", { name: "two", artifactStore });
    one.grantStart(role);
    two.grantStart(role);
    expect(statementsOf(synthJson(stack), "Role").StartBuild.resources).toEqual([
      expect.stringMatching(/^\$\{aws_codebuild_project\.One_[0-9A-F]{8}\.arn\}$/),
      expect.stringMatching(/^\$\{aws_codebuild_project\.Two_[0-9A-F]{8}\.arn\}$/),
    ]);
  });

  test("a grant whose id is taken by other actions gets an id derived from its content instead of failing", () => {
    const stack = bareStack();
    const role = new ServiceRole(stack, "Role", { name: "r", service: "codebuild.amazonaws.com" });
    role.addGrant({ sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] });
    role.addGrant({ sid: "Read", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] });
    role.addGrant({ sid: "Read", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::c/*"] });
    const statements = statementsOf(synthJson(stack), "Role");
    const [first, derived, ...rest] = Object.keys(statements);
    expect(rest).toEqual([]);
    expect(first).toBe("Read");
    expect(derived).toMatch(/^Read[0-9a-f]{8}$/);
    expect(statements[derived]).toEqual({ sid: derived, effect: "Allow", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"] });
  });
});

describe("ArtifactStore.fromAttributes", () => {
  test("grants on the existing bucket and key, and creates neither", () => {
    const stack = bareStack();
    const role = ServiceRole.fromArn(stack, "Role", ROLE_ARN);
    const store = ArtifactStore.fromAttributes(stack, "Artifacts", {
      bucketArn: "arn:aws:s3:::app-artifacts",
      keyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`,
    });
    expect(store.bucketName).toBe("app-artifacts");
    store.grantReadWrite(role);
    const json = synthJson(stack);
    expect(json.resource.aws_s3_bucket).toBeUndefined();
    const statements = statementsOf(json, "Role");
    expect(statements.ArtifactObjects.resources).toEqual(["arn:aws:s3:::app-artifacts/*"]);
    expect(statements.ArtifactKey.resources).toEqual([`arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`]);
  });

  test("refuses what is not a bucket ARN", () => {
    expect(() => ArtifactStore.fromAttributes(bareStack(), "Artifacts", { bucketArn: "app-artifacts", keyArn: "arn:aws:kms:eu-west-1:1:key/k" })).toThrow(
      'test/Artifacts: bucketArn "app-artifacts" is not a bucket ARN; write "arn:<partition>:s3:::<bucket name>" (partition: aws, aws-cn, aws-us-gov, …)',
    );
  });
});

describe("GitlabProject.fromPath", () => {
  test("reads the existing project and creates none", () => {
    const stack = bareStack();
    GitlabProject.fromPath(stack, "Project", "acme/app");
    const synthesized = Testing.synth(stack, true);
    expect(synthesized).toHaveDataSourceWithProperties(DataGitlabProject, { path_with_namespace: "acme/app" });
    expect(JSON.parse(synthesized).resource?.gitlab_project).toBeUndefined();
  });
});

describe("GitlabPipeline: build a new pipeline or adopt one, never a mix", () => {
  const adopt = { name: "old", roleName: "old-role", artifactBucket: "b", sourceArtifactName: "src", stages: [] };
  function common(stack: TerraformStack) {
    const connection = GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN);
    return { project: GitlabProject.fromPath(stack, "Project", "acme/app"), connection, branch: "main" };
  }

  // Each @ts-expect-error is a type test: tsc (npm run typecheck) fails if the mix type-checks.
  // The constructor refuses the same mixes for callers without the types.
  test("an adopted pipeline needs the gate", () => {
    const stack = bareStack();
    // @ts-expect-error -- adopt without gate does not type-check
    expect(() => new GitlabPipeline(stack, "Pipeline", { ...common(stack), adopt })).toThrow(
      "test/Pipeline: an adopted pipeline needs the connection gate: its import waits for the handshake too",
    );
  });

  test("an adopted pipeline keeps its own role", () => {
    const stack = bareStack();
    const props = common(stack);
    const gate = new ConnectionGate(stack, "Gate", { connection: props.connection, projects: ["acme/app"] });
    const role = ServiceRole.fromArn(stack, "PipelineRole", ROLE_ARN);
    // @ts-expect-error -- adopt with a role of ours does not type-check
    expect(() => new GitlabPipeline(stack, "Pipeline", { ...props, adopt, gate, role })).toThrow(
      "test/Pipeline: an adopted pipeline keeps its own role (adopt.roleName); leave out role",
    );
  });

  test("a new pipeline needs its build project", () => {
    const stack = bareStack();
    const artifactStore = new ArtifactStore(stack, "Artifacts", { bucketPrefix: "app-artifacts-", keyAlias: "app-artifacts" });
    // @ts-expect-error -- a new pipeline without build does not type-check
    expect(() => new GitlabPipeline(stack, "Pipeline", { ...common(stack), name: "app", artifactStore })).toThrow(
      "test/Pipeline: a new pipeline needs its build project",
    );
  });

  test("an adopted pipeline with a build of ours does not type-check", () => {
    const stack = bareStack();
    const props = common(stack);
    const gate = new ConnectionGate(stack, "Gate", { connection: props.connection, projects: ["acme/app"] });
    const artifactStore = new ArtifactStore(stack, "Artifacts", { bucketPrefix: "app-artifacts-", keyAlias: "app-artifacts" });
    const build = new BuildProject(stack, "Build", { name: "app", artifactStore });
    // @ts-expect-error -- adopt with build does not type-check
    const mixed: GitlabPipelineProps = { ...props, adopt, gate, build };
    expect(mixed.build).toBe(build);
  });
});

describe("the consumer example (examples/library-app)", () => {
  test("imports, of this package, its entry point only", () => {
    const source = readFileSync(join(__dirname, "..", "..", "examples", "library-app", "main.ts"), "utf8");
    const ours = [...source.matchAll(/from "(\.[^"]*)"/g)].map((m) => m[1]);
    expect(ours).toEqual(["../../index"]);
  });
});
