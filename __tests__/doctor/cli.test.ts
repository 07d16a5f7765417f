/*
 * `gitlab-aws-delivery doctor` as a command: the SDK's endpoint variables and missing
 * credentials through the real bin (a fresh process with only the environment given), the
 * policy and argument checks in this process (cli/run.ts cliInProcess).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeKeyAndCertificate } from "../certs";
import { cliInProcess, cliSpawned, root } from "../cli/run";
import { fakeAws, fakeGitlab, fakeTls } from "./fakes";
import { expectedOf, healthyAws, healthyGitlab, writeConfig } from "./world";

/** Only the environment given (no AWS or GitLab variables of this shell). */
const onlyEnv = (env: Record<string, string>) => ({
  PATH: process.env.PATH ?? "",
  HOME: mkdtempSync(join(tmpdir(), "home-")),
  AWS_EC2_METADATA_DISABLED: "true",
  ...env,
});

/** The command through the real bin. */
async function runBin(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await cliSpawned(args, { cwd: root, onlyEnv: onlyEnv(env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command in this process. */
async function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await cliInProcess(args, { cwd: root, onlyEnv: onlyEnv(env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => void (await Promise.all(closers.splice(0).map((c) => c()))));

async function world() {
  const cert = makeKeyAndCertificate({ commonName: "localhost", dnsNames: ["localhost"], days: 400 });
  const tls = await fakeTls(cert.key, cert.cert);
  const config = writeConfig(mkdtempSync(join(tmpdir(), "doctor-cli-")), `https://localhost:${tls.port}`, cert.cert);
  const expected = expectedOf(config);
  const aws = await fakeAws(healthyAws(expected, cert.cert));
  const gitlab = await fakeGitlab(healthyGitlab(expected));
  closers.push(tls.close, aws.close, gitlab.close);
  return { config, aws: aws.url, gitlab: gitlab.url };
}

test("the SDK's per-service AWS_ENDPOINT_URL_<SERVICE> variables reach the fakes: all OK, exit 0, nothing on stderr", async () => {
  const w = await world();
  const r = await runBin(["doctor", "-c", w.config, "--gitlab-api", w.gitlab], {
    AWS_ACCESS_KEY_ID: "test-access-key",
    AWS_SECRET_ACCESS_KEY: "test-secret-key",
    AWS_ENDPOINT_URL_STS: w.aws,
    AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: w.aws,
    AWS_ENDPOINT_URL_CODEPIPELINE: w.aws,
    AWS_ENDPOINT_URL_CODEBUILD: w.aws,
    GITLAB_TOKEN: "glpat-doctor",
  });
  expect([r.code, r.stderr]).toEqual([0, ""]);
  expect(r.stdout).toMatch(/^23 ok, 0 warnings, 0 failures$/m);
});

test("no AWS credentials and no GITLAB_TOKEN: one line each, no stack trace, exit 2", async () => {
  const w = await world();
  const r = await runBin(["doctor", "-c", w.config], {
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_ENDPOINT_URL: w.aws,
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(2);
  expect(r.stdout.split("\n").filter((l) => /^(OK|WARN|FAIL)/.test(l))).toEqual([
    "OK    region        eu-west-1        offers CodeConnections",
    "FAIL  identity      aws credentials  no AWS credentials found (Could not load credentials from any providers)",
    "FAIL  gitlab-token  GITLAB_TOKEN     not set: the GitLab side is not checked",
    expect.stringMatching(/^OK {4}tls {11}localhost {8}certificate for localhost matches the configured one/),
  ]);
});

test("--print-policy: read-only actions, pipelines and CodeBuild projects by name in the given account", async () => {
  const w = await world();
  const r = await run(["doctor", "-c", w.config, "--print-policy", "--account", "123456789012"], {});
  expect(r.code).toBe(0);
  const policy = JSON.parse(r.stdout);
  expect(policy.Statement.flatMap((s: { Action: string[] }) => s.Action)).toEqual([
    "sts:GetCallerIdentity",
    "codestar-connections:ListConnections",
    "codestar-connections:ListHosts",
    "codepipeline:GetPipeline",
    "codepipeline:GetPipelineState",
    "codepipeline:ListPipelineExecutions",
    "codebuild:BatchGetProjects",
  ]);
  expect(policy.Statement[2].Resource).toEqual([
    "arn:aws:codepipeline:eu-west-1:123456789012:acme-legacy-app",
    "arn:aws:codepipeline:eu-west-1:123456789012:acme-payments-api",
  ]);
  expect(policy.Statement[3].Resource).toEqual([
    "arn:aws:codebuild:eu-west-1:123456789012:project/acme-legacy-app",
    "arn:aws:codebuild:eu-west-1:123456789012:project/acme-payments-api",
  ]);
});

test("--stack with an unknown name: one line naming the stacks there are, exit 1", async () => {
  const r = await run(["doctor", "-c", join(root, "delivery.yaml"), "--stack", "nope"], {});
  expect([r.code, r.stdout, r.stderr]).toEqual([
    1,
    "",
    'doctor: --stack "nope": no such stack; the configuration makes acme-delivery-acme, acme-delivery-shared\n',
  ]);
});

test("deployer-policy --with-doctor adds exactly doctor's statements; without it, none", async () => {
  const config = join(root, "delivery.yaml");
  const plain = await run(["deployer-policy", "-c", config, "--account", "123456789012"], {});
  const withDoctor = await run(["deployer-policy", "-c", config, "--account", "123456789012", "--with-doctor"], {});
  const doctorOnly = await run(["doctor", "-c", config, "--account", "123456789012", "--print-policy"], {});
  const statements = (r: { stdout: string }) => JSON.parse(r.stdout).Statement as Array<{ Sid: string }>;
  expect(statements(plain).filter((s) => s.Sid.startsWith("Doctor"))).toEqual([]);
  expect(statements(withDoctor)).toEqual([...statements(plain), ...statements(doctorOnly)]);
});
