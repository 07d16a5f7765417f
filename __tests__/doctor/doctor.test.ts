/*
 * doctor end to end against localhost fakes of AWS (reached through the SDK's standard
 * AWS_ENDPOINT_URL), GitLab and a TLS server: no test reaches the network.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Expected } from "../../doctor/expected";
import { doctor, DoctorOptions } from "../../scripts/doctor";
import { makeKeyAndCertificate } from "../certs";
import { AwsState, fakeAws, fakeGitlab, fakeTls, GitlabState } from "./fakes";
import { expectedOf, healthyAws, healthyGitlab, inDays, writeConfig } from "./world";

const tlsCert = makeKeyAndCertificate({ commonName: "localhost", dnsNames: ["localhost"], days: 400 });
const otherCert = makeKeyAndCertificate({ commonName: "gitlab.other.example", dnsNames: ["gitlab.other.example"], days: 400 });

interface World {
  expected: Expected;
  aws: AwsState;
  gitlab: GitlabState;
  run(extra?: Partial<DoctorOptions>): Promise<{ code: number; text: string }>;
}

const closers: Array<() => Promise<void>> = [];
const savedEnv = { ...process.env };

/** Fakes holding a healthy state; `served` is the certificate the TLS server shows (default: the configured one). */
async function world(served = tlsCert, extraYaml = ""): Promise<World> {
  const tls = await fakeTls(served.key, served.cert);
  closers.push(tls.close);
  const file = writeConfig(mkdtempSync(join(tmpdir(), "doctor-")), `https://localhost:${tls.port}`, tlsCert.cert, extraYaml);
  const expected = expectedOf(file);
  const aws = healthyAws(expected, tlsCert.cert);
  const gitlab = healthyGitlab(expected);
  const a = await fakeAws(aws);
  const g = await fakeGitlab(gitlab);
  closers.push(a.close, g.close);
  process.env.AWS_ENDPOINT_URL = a.url;
  return {
    expected,
    aws,
    gitlab,
    async run(extra = {}) {
      let text = "";
      const code = await doctor({ config: file, gitlabApi: g.url, timeout: 1000, parallel: 4, ...extra }, { write: (t: string) => (text += t) });
      return { code, text };
    },
  };
}

beforeEach(() => {
  process.env.AWS_ACCESS_KEY_ID = "test-access-key";
  process.env.AWS_SECRET_ACCESS_KEY = "test-secret-key";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.GITLAB_TOKEN = "glpat-doctor";
  delete process.env.AWS_PROFILE;
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  process.env = { ...savedEnv };
});

/** The table's rows of one check family, level and subject and message, without the padding. */
const rows = (text: string, check: string) =>
  text
    .split("\n")
    .filter((l) => new RegExp(`^(OK|WARN|FAIL)\\s+${check}\\s`).test(l))
    .map((l) => l.replace(/\s{2,}/g, " | "));

test("a healthy setup: every line OK, exit 0", async () => {
  const w = await world();
  const { code, text } = await w.run();
  expect(text).not.toMatch(/^(WARN|FAIL)/m);
  expect(text).toMatch(/^OK\s+connection\s+acme-doctor-gitlab\s+AVAILABLE/m);
  expect(text).toMatch(/^OK\s+host\s+acme-doctor-gitlab\s+AVAILABLE: set up/m);
  expect(text).toMatch(/^OK\s+tls\s+localhost\s+certificate for localhost matches the configured one/m);
  expect(rows(text, "webhook")).toEqual([
    "OK | webhook | acme/payments-api | AWS webhook present (940)",
    "OK | webhook | acme/legacy-app | AWS webhook present (941)",
  ]);
  expect(text).toMatch(/\d+ ok, 0 warnings, 0 failures\n$/);
  expect(code).toBe(0);
});

test("PENDING connection: the handshake and the Owner role, pipelines not created yet, exit 2", async () => {
  const w = await world();
  w.aws.connections[0].ConnectionStatus = "PENDING";
  w.aws.pipelines = {};
  const { code, text } = await w.run();
  expect(rows(text, "connection")).toEqual([
    "FAIL | connection | acme-doctor-gitlab | PENDING: the handshake with GitLab was never completed, so no pipeline is created and pushes start nothing",
  ]);
  expect(text).toContain('fix: open the console page, choose "Update pending connection" and authorize as a GitLab user with the Owner role');
  expect(text).toContain(
    "at:  https://eu-west-1.console.aws.amazon.com/codesuite/settings/123456789012/eu-west-1/codeconnections/connections/aaaaaaaa-1111-2222-3333-444444444444",
  );
  expect(rows(text, "pipeline")).toContain(
    "WARN | pipeline | acme-payments-api | not created yet: the stack creates pipelines once the connection is no longer PENDING",
  );
  expect(code).toBe(2);
});

test("ERROR connection: authorize again", async () => {
  const w = await world();
  w.aws.connections[0].ConnectionStatus = "ERROR";
  const { code, text } = await w.run();
  expect(rows(text, "connection")[0]).toMatch(/^FAIL \| connection \| acme-doctor-gitlab \| ERROR: AWS can no longer use the GitLab authorization/);
  expect(code).toBe(2);
});

test("drift: a pipeline of the configured name exists while the gate is closed", async () => {
  const w = await world();
  w.aws.connections[0].ConnectionStatus = "PENDING";
  const { text } = await w.run();
  expect(rows(text, "drift")).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^WARN \| drift \| acme-payments-api \| a pipeline of this name exists in AWS, but the stack's plan holds none/),
    ]),
  );
  expect(text).toContain("terraform -chdir=cdktf.out/stacks/acme-doctor-acme import 'aws_codepipeline.acme__payments-api_Pipeline_");
});

test.each([
  ["PENDING", "FAIL", "created but not set up"],
  ["VPC_CONFIG_INITIALIZING", "WARN", "AWS is creating the network interfaces in the VPC"],
  ["VPC_CONFIG_FAILED_INITIALIZATION", "FAIL", "AWS could not create the network interfaces in the VPC"],
  ["VPC_CONFIG_DELETING", "WARN", "AWS is removing the host's network interfaces"],
])("host %s is %s and says what it means", async (status, level, words) => {
  const w = await world();
  w.aws.hosts[0].Status = status;
  w.aws.hosts[0].StatusMessage = status === "VPC_CONFIG_FAILED_INITIALIZATION" ? "Subnet subnet-0a1b2c3d4e5f60719 has no free addresses" : undefined;
  const { text } = await w.run();
  expect(rows(text, "host")[0]).toBe(`${level} | host | acme-doctor-gitlab | ${status}: ${words}${rows(text, "host")[0].split(words)[1]}`);
  if (status === "VPC_CONFIG_FAILED_INITIALIZATION") expect(text).toContain("(AWS says: Subnet subnet-0a1b2c3d4e5f60719 has no free addresses)");
});

test("the host's subnets differ from gitlab.vpc", async () => {
  const w = await world();
  w.aws.hosts[0].VpcConfiguration.SubnetIds = ["subnet-0a1b2c3d4e5f60719"];
  const { text } = await w.run();
  expect(rows(text, "host")[1]).toBe(
    "FAIL | host | acme-doctor-gitlab vpc | the host uses subnets subnet-0a1b2c3d4e5f60719 (configured: subnet-0a1b2c3d4e5f60719, subnet-0a1b2c3d4e5f6071a)",
  );
});

test("a missing webhook, and a pipeline that never started", async () => {
  const w = await world();
  w.gitlab.hooks[40] = [{ id: 5, url: "https://ci.example.com/hook", push_events: true }];
  w.aws.pipelines["acme-payments-api"].executions = [];
  const { code, text } = await w.run();
  expect(rows(text, "webhook")[0]).toBe(
    "FAIL | webhook | acme/payments-api | no AWS webhook on the project: pushes and merge requests do not start the pipeline",
  );
  expect(rows(text, "pipeline")).toContain(
    "WARN | pipeline | acme-payments-api | never started since it was created (2026-10-01): pushes do not reach it, most likely because the GitLab project has no AWS webhook",
  );
  expect(code).toBe(2);
});

test("a failed last run names the stage", async () => {
  const w = await world();
  const p = w.aws.pipelines["acme-payments-api"];
  p.executions = [{ pipelineExecutionId: "e-2", status: "Failed", startTime: Date.parse("2026-11-21T10:00:00Z") / 1000 }, ...p.executions];
  p.stageStates = [
    { stageName: "Source", latestExecution: { pipelineExecutionId: "e-2", status: "Succeeded" } },
    { stageName: "BuildAndTest", latestExecution: { pipelineExecutionId: "e-2", status: "Failed" } },
  ];
  const { text } = await w.run();
  expect(rows(text, "pipeline")).toContain("FAIL | pipeline | acme-payments-api | the last run e-2 failed in stage BuildAndTest (2026-11-21T10:00:00Z)");
});

test("a token user who is Maintainer, not Owner: a warning, exit 0, and 1 with --strict", async () => {
  const w = await world();
  w.gitlab.members["40/7"] = { id: 7, username: "alice", access_level: 40 };
  expect(rows((await w.run()).text, "access")[0]).toBe(
    "WARN | access | acme/payments-api | alice is Maintainer, not Owner: AWS's handshake made as this user would not install the webhook",
  );
  expect((await w.run()).code).toBe(0);
  expect((await w.run({ strict: true })).code).toBe(1);
});

test("an expired GitLab token, and a deploy token expiring within 30 days", async () => {
  const w = await world();
  w.gitlab.token = { ...w.gitlab.token, active: false, expires_at: inDays(-3).slice(0, 10) };
  let r = await w.run();
  expect(rows(r.text, "gitlab-token")).toEqual(['FAIL | gitlab-token | GITLAB_TOKEN | the token "doctor" is revoked or expired']);
  expect(r.code).toBe(2);
  w.gitlab.token = { ...w.gitlab.token, active: true, expires_at: inDays(200).slice(0, 10) };
  w.gitlab.deployTokens[40][0].expires_at = inDays(10);
  r = await w.run();
  expect(rows(r.text, "deploy-token")[0]).toMatch(/^WARN \| deploy-token \| acme\/payments-api aws-delivery \| expires on \d{4}-\d\d-\d\d \(in (9|10) days\)$/);
});

test("a wrong certificate: the instance shows one the configured certificate did not sign, for another name", async () => {
  const w = await world(otherCert);
  const { code, text } = await w.run();
  expect(rows(text, "tls")).toEqual([
    "FAIL | tls | localhost | the certificate is for DNS:gitlab.other.example, not localhost",
    "FAIL | tls | localhost | the configured certificate (CN=localhost) neither is nor signed the instance's (CN=gitlab.other.example, issued by CN=gitlab.other.example)",
  ]);
  expect(code).toBe(2);
});

test("a 5xx, then success: retried, every line OK", async () => {
  const w = await world();
  w.aws.failFirst = { ListConnections: 2, GetPipeline: 1 };
  w.gitlab.failFirst = { "/projects/acme%2Fpayments-api": 1, "/personal_access_tokens/self": 1 };
  const { code, text } = await w.run();
  expect(text).not.toMatch(/^(WARN|FAIL)/m);
  expect(code).toBe(0);
  expect(w.aws.calls.filter((c) => c === "ListConnections")).toHaveLength(3);
  expect(w.gitlab.calls.filter((c) => c === "/personal_access_tokens/self")).toHaveLength(2);
});

test("a silent server: each call ends at its time limit and says so in one line", async () => {
  const w = await world();
  w.aws.silent.add("GetPipeline");
  w.gitlab.silent.add("/projects/40/hooks");
  const started = Date.now();
  const { code, text } = await w.run({ timeout: 300 });
  expect(Date.now() - started).toBeLessThan(8000);
  expect(rows(text, "pipeline")).toContain(
    "FAIL | pipeline | acme-payments-api | codepipeline:GetPipeline acme-payments-api: no answer in time after 3 attempts",
  );
  expect(rows(text, "webhook")[0]).toMatch(
    /^FAIL \| webhook \| acme\/payments-api \| GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/40\/hooks\?per_page=100&page=1: no answer in time \(UND_ERR_HEADERS_TIMEOUT\)$/,
  );
  expect(code).toBe(2);
});

test("--stack limits pipelines and projects; --json carries the same findings and the exit code", async () => {
  const w = await world();
  const stack = w.expected.pipelines[0].stack;
  const { code, text } = await w.run({ json: true, stack });
  const json = JSON.parse(text);
  expect(json.exitCode).toBe(code);
  expect(json.summary).toEqual({ ok: json.findings.length, warn: 0, fail: 0 });
  expect(json.findings.find((f: { check: string }) => f.check === "connection")).toEqual({
    check: "connection",
    subject: "acme-doctor-gitlab",
    level: "OK",
    message: "AVAILABLE (arn:aws:codeconnections:eu-west-1:123456789012:connection/aaaaaaaa-1111-2222-3333-444444444444)",
    stack: "acme-doctor-shared",
    url: "https://eu-west-1.console.aws.amazon.com/codesuite/settings/123456789012/eu-west-1/codeconnections/connections/aaaaaaaa-1111-2222-3333-444444444444",
  });
  expect(json.findings.every((f: { stack?: string }) => f.stack === undefined || f.stack === stack || f.stack === "acme-doctor-shared")).toBe(true);
});

test("a different account than --account is a failure", async () => {
  const w = await world();
  const { text } = await w.run({ account: "210987654321" });
  expect(rows(text, "identity")).toEqual([
    "FAIL | identity | arn:aws:iam::123456789012:user/doctor | is in account 123456789012, but the stacks are for account 210987654321 (--account)",
  ]);
});

test("without --account, the state bucket's KMS key names the account", async () => {
  const w = await world(
    tlsCert,
    "state:\n  backend: s3\n  s3:\n    bucket: acme-tf-state\n    kmsKeyId: arn:aws:kms:eu-west-1:210987654321:key/0c3e6e52-5f1c-4c52-9a5e-1d2b3c4d5e6f\n",
  );
  const { text } = await w.run();
  expect(rows(text, "identity")).toEqual([
    "FAIL | identity | arn:aws:iam::123456789012:user/doctor | is in account 123456789012, but the stacks are for account 210987654321 (state.s3.kmsKeyId)",
  ]);
});
