/* Each doctor check as a pure function over API answers. */
import { checkConnection, checkHost } from "../../doctor/connection";
import { ExpectedConnection, ExpectedPipeline, ExpectedProject } from "../../doctor/expected";
import { exitCode, Finding } from "../../doctor/finding";
import { checkAccess, checkDeployTokens, checkGitlabToken, checkProject, checkWebhook } from "../../doctor/gitlab";
import { checkIdentity, checkRegion } from "../../doctor/identity";
import { checkBuildProjects, checkPipeline, LivePipeline } from "../../doctor/pipelines";
import { renderTable } from "../../doctor/render";
import { checkTls } from "../../doctor/tls";
import { makeCaSignedLeaf, makeCertificate } from "../certs";

const NOW = new Date("2026-11-26T00:00:00Z");
const GL = "https://gitlab.com";
const ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/c0ffee00-0000-0000-0000-000000000001";
const brief = (fs: readonly Finding[]) => fs.map((f) => `${f.level} ${f.check} ${f.message}`);

describe("identity and region", () => {
  test("credentials work; another account fails; none is one line", () => {
    expect(checkIdentity({ ok: true, value: { Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/a" } }, "123456789012").level).toBe("OK");
    expect(checkIdentity({ ok: true, value: { Account: "123456789012", Arn: "x" } }, "999999999999").message).toBe(
      "is in account 123456789012, but the stacks are for account 999999999999 (--account)",
    );
    expect(checkIdentity({ ok: true, value: { Account: "123456789012", Arn: "x" } }, "999999999999", "state.s3.kmsKeyId").message).toBe(
      "is in account 123456789012, but the stacks are for account 999999999999 (state.s3.kmsKeyId)",
    );
    const none = checkIdentity({ ok: false, error: "no AWS credentials found (Could not load credentials from any providers)" });
    expect([none.level, none.message]).toEqual(["FAIL", "no AWS credentials found (Could not load credentials from any providers)"]);
  });
  test("a region without CodeConnections fails", () => {
    expect(checkRegion("eu-central-2")).toMatchObject({ level: "FAIL", message: "is a region where AWS CodeConnections is not offered" });
    expect(checkRegion("eu-west-1").level).toBe("OK");
  });
});

describe("connection", () => {
  const expected: ExpectedConnection = { stack: "s-shared", name: "acme", providerType: "GitLab" };
  const listed = (status: string, arn = ARN) => ({ ConnectionName: "acme", ConnectionArn: arn, ConnectionStatus: status as "PENDING" });
  test.each([
    ["AVAILABLE", "OK", `AVAILABLE (${ARN})`],
    ["PENDING", "FAIL", "PENDING: the handshake with GitLab was never completed, so no pipeline is created and pushes start nothing"],
    ["ERROR", "FAIL", "ERROR: AWS can no longer use the GitLab authorization (the authorizing user lost access, or the token was revoked)"],
  ])("%s", (status, level, message) => {
    const [f] = checkConnection(expected, [listed(status)], "eu-west-1", GL);
    expect([f.level, f.message, f.url]).toEqual([
      level,
      message,
      "https://eu-west-1.console.aws.amazon.com/codesuite/settings/123456789012/eu-west-1/codeconnections/connections/c0ffee00-0000-0000-0000-000000000001",
    ]);
  });
  test("PENDING names the Owner role as the fix", () => {
    expect(checkConnection(expected, [listed("PENDING")], "eu-west-1", GL)[0].fix).toContain("authorize as a GitLab user with the Owner role on the projects");
  });
  test("missing: apply the shared stack", () => {
    expect(brief(checkConnection(expected, [], "eu-west-1", GL))).toEqual(['FAIL connection no connection named "acme" in eu-west-1']);
  });
  test("two of the same name: drift, and the AVAILABLE one is judged", () => {
    const other = ARN.replace("c0ffee00", "deadbeef");
    expect(brief(checkConnection(expected, [listed("PENDING", other), listed("AVAILABLE")], "eu-west-1", GL))).toEqual([
      `WARN drift 2 connections are named "acme": ${other} (PENDING), ${ARN} (AVAILABLE); the state holds one`,
      `OK connection AVAILABLE (${ARN})`,
    ]);
  });
});

describe("host", () => {
  const expected = {
    name: "h",
    endpoint: "https://gitlab.acme.example",
    vpc: { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: [], tlsCertificate: "PEM" },
  };
  const host = (Status: string, extra = {}) => ({
    Name: "h",
    HostArn: "arn:aws:codeconnections:eu-west-1:123456789012:host/h-1",
    ProviderEndpoint: "https://gitlab.acme.example",
    Status,
    VpcConfiguration: { VpcId: "vpc-1", SubnetIds: ["subnet-2", "subnet-1"], SecurityGroupIds: ["sg-9"], TlsCertificate: "PEM\n" },
    ...extra,
  });
  test.each([
    ["AVAILABLE", "OK"],
    ["PENDING", "FAIL"],
    ["VPC_CONFIG_INITIALIZING", "WARN"],
    ["VPC_CONFIG_FAILED_INITIALIZATION", "FAIL"],
    ["VPC_CONFIG_DELETING", "WARN"],
    ["SOMETHING_NEW", "WARN"],
  ])("%s is %s; the VPC as configured is OK (created security groups are not compared)", (status, level) => {
    const [f, vpc] = checkHost(expected, [host(status)], "eu-west-1", "s");
    expect(f.level).toBe(level);
    expect(f.message.startsWith(`${status}: `)).toBe(true);
    expect(f.url).toBe("https://eu-west-1.console.aws.amazon.com/codesuite/settings/123456789012/eu-west-1/codeconnections/hosts/h-1");
    expect(vpc.level).toBe("OK");
  });
  test("another VPC, another certificate", () => {
    const [, vpc] = checkHost(
      expected,
      [host("AVAILABLE", { VpcConfiguration: { VpcId: "vpc-2", SubnetIds: ["subnet-1", "subnet-2"], SecurityGroupIds: [], TlsCertificate: "OTHER" } })],
      "eu-west-1",
      "s",
    );
    expect(vpc.message).toBe("the host uses VPC vpc-2 (configured: vpc-1); a TLS certificate other than the configured one");
  });
  test("a host of that name at another endpoint; no host", () => {
    expect(checkHost(expected, [host("AVAILABLE", { ProviderEndpoint: "https://old.example" })], "eu-west-1", "s")[0].message).toBe(
      'the host "h" points at https://old.example, not https://gitlab.acme.example',
    );
    expect(checkHost(expected, [], "eu-west-1", "s")[0].message).toBe('no host named "h" for https://gitlab.acme.example in eu-west-1');
  });
});

describe("pipeline", () => {
  const expected: ExpectedPipeline = {
    stack: "s",
    name: "p",
    project: "acme/app",
    branch: "main",
    sourceAction: "Source",
    triggers: [{ providerType: "CodeStarSourceConnection", sourceActionName: "Source", push: [{ branches: { includes: ["main"] } }] }],
    buildProjects: ["p"],
    address: "aws_codepipeline.p_Pipeline_1[0]",
  };
  const live = (over: Partial<LivePipeline> = {}): LivePipeline => ({
    declaration: {
      name: "p",
      roleArn: "r",
      stages: [
        {
          name: "Source",
          actions: [
            {
              name: "Source",
              actionTypeId: { category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1" },
              configuration: { ConnectionArn: ARN, FullRepositoryId: "acme/app", BranchName: "main" },
            },
          ],
        },
      ],
      triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", push: [{ branches: { includes: ["main"] } }] } }],
    },
    created: new Date("2026-10-01T00:00:00Z"),
    executions: [{ pipelineExecutionId: "e1", status: "Succeeded", startTime: new Date("2026-11-01T00:00:00Z") }],
    ...over,
  });
  const available = { ConnectionName: "acme", ConnectionArn: ARN, ConnectionStatus: "AVAILABLE" as const };
  const pending = { ...available, ConnectionStatus: "PENDING" as const };
  test("as configured", () => {
    expect(brief(checkPipeline(expected, { ok: true, value: live() }, available, "eu-west-1", GL))).toEqual([
      "OK pipeline source: acme/app @ main through the configured connection",
      "OK pipeline trigger filters as configured",
      "OK pipeline last run Succeeded (2026-11-01T00:00:00Z)",
    ]);
  });
  test("absent: the gate is closed (WARN) or it should exist (FAIL)", () => {
    expect(brief(checkPipeline(expected, { ok: true, value: null }, pending, "eu-west-1", GL))).toEqual([
      "WARN pipeline not created yet: the stack creates pipelines once the connection is no longer PENDING",
    ]);
    expect(brief(checkPipeline(expected, { ok: true, value: null }, available, "eu-west-1", GL))).toEqual(['FAIL pipeline no pipeline named "p" in eu-west-1']);
  });
  test("present while the gate is closed: drift", () => {
    expect(checkPipeline(expected, { ok: true, value: live() }, pending, "eu-west-1", GL)[0]).toMatchObject({
      level: "WARN",
      check: "drift",
      fix: "import it into the stack's state once the connection is AVAILABLE (terraform -chdir=cdktf.out/stacks/s import 'aws_codepipeline.p_Pipeline_1[0]' p), or delete it",
    });
  });
  test("another connection, project and branch; other triggers", () => {
    const d = live().declaration;
    const changed = {
      ...d,
      stages: [
        {
          ...d.stages![0],
          actions: [{ ...d.stages![0].actions![0], configuration: { ConnectionArn: "arn:x", FullRepositoryId: "acme/other", BranchName: "dev" } }],
        },
      ],
      triggers: [],
    };
    expect(brief(checkPipeline(expected, { ok: true, value: live({ declaration: changed }) }, available, "eu-west-1", GL)).slice(0, 2)).toEqual([
      `FAIL pipeline the source action reads connection arn:x (configured: ${ARN}); project acme/other (configured: acme/app); branch dev (configured: main)`,
      `FAIL pipeline trigger filters differ: live [], configured ${JSON.stringify(expected.triggers)}`,
    ]);
  });
  test("never started: the webhook; failed: the stage", () => {
    expect(checkPipeline(expected, { ok: true, value: live({ executions: [] }) }, available, "eu-west-1", GL)[2].message).toBe(
      "never started since it was created (2026-10-01): pushes do not reach it, most likely because the GitLab project has no AWS webhook",
    );
    const failed = live({ executions: [{ pipelineExecutionId: "e2", status: "Failed" }], failedStages: ["Deploy-prod"] });
    expect(checkPipeline(expected, { ok: true, value: failed }, available, "eu-west-1", GL)[2].message).toBe("the last run e2 failed in stage Deploy-prod");
  });
  test("CodeBuild projects", () => {
    expect(checkBuildProjects(expected, { ok: true, value: [] }).message).toBe("CodeBuild project p exists");
    expect(checkBuildProjects(expected, { ok: true, value: ["p"] }).message).toBe("CodeBuild project p not found");
  });
});

describe("GitLab", () => {
  const project: ExpectedProject = {
    stack: "s",
    path: "acme/app",
    defaultBranch: "main",
    mode: "create",
    deployTokens: [{ name: "aws-delivery", expiresAt: "2027-06-30T00:00:00Z" }],
  };
  test("token: scopes, expiry, revoked", () => {
    const t = { name: "t", scopes: ["read_api"], active: true, revoked: false, user_id: 1 };
    expect(checkGitlabToken({ ok: true, value: { ...t, expires_at: "2027-06-30" } }, GL, NOW).level).toBe("OK");
    expect(checkGitlabToken({ ok: true, value: { ...t, expires_at: "2026-12-10" } }, GL, NOW).message).toBe('the token "t" expires on 2026-12-10 (in 14 days)');
    expect(checkGitlabToken({ ok: true, value: { ...t, active: false, expires_at: "2026-11-01" } }, GL, NOW).message).toBe(
      'the token "t" is revoked or expired',
    );
    expect(checkGitlabToken({ ok: true, value: { ...t, scopes: ["read_repository"] } }, GL, NOW).message).toBe(
      'the token "t" has the scopes read_repository, not api or read_api',
    );
  });
  test("project: missing (created vs adopted), moved, archived, another default branch", () => {
    const value = { id: 1, path_with_namespace: "acme/app", default_branch: "main" };
    expect(checkProject(project, { ok: false, error: "x", status: 404 }, GL).message).toBe("not found: the stack creates it on apply");
    expect(checkProject({ ...project, mode: "adopt" }, { ok: false, error: "x", status: 404 }, GL).level).toBe("FAIL");
    expect(checkProject(project, { ok: true, value: { ...value, path_with_namespace: "acme/renamed" } }, GL).fix).toBe('set projects[].path to "acme/renamed"');
    expect(checkProject(project, { ok: true, value: { ...value, archived: true } }, GL).message).toBe("is archived: pushes are refused");
    expect(checkProject(project, { ok: true, value: { ...value, default_branch: "master" } }, GL)).toMatchObject({
      level: "WARN",
      message: "default branch is master, configured main",
    });
    expect(checkProject(project, { ok: true, value }, GL).level).toBe("OK");
  });
  test.each([
    [50, "OK", "bob is Owner"],
    [40, "WARN", "bob is Maintainer, not Owner: AWS's handshake made as this user would not install the webhook"],
    [30, "WARN", "bob is Developer, not Owner: AWS's handshake made as this user would not install the webhook"],
  ])("access level %d", (level, verdict, message) => {
    expect(checkAccess(project, { ok: true, value: { username: "bob", access_level: level } }, GL)).toMatchObject({ level: verdict, message });
  });
  test("not a member", () => {
    expect(checkAccess(project, { ok: false, error: "404", status: 404 }, GL).message).toBe("the token's user is not a member of the project");
  });
  test("webhook: AWS's present, missing, disabled, unreadable", () => {
    const aws = { id: 1, url: "https://codestar-connections.eu-west-1.amazonaws.com/gitlab-hooks/x", alert_status: "executable" };
    expect(checkWebhook(project, { ok: true, value: [aws] }, GL, 1).level).toBe("OK");
    expect(checkWebhook(project, { ok: true, value: [{ id: 2, url: "https://evil.amazonaws.com.example.net/x" }] }, GL, 1).level).toBe("FAIL");
    expect(checkWebhook(project, { ok: true, value: [] }, GL, 0).level).toBe("OK");
    expect(checkWebhook(project, { ok: true, value: [{ ...aws, alert_status: "disabled" }] }, GL, 1).message).toBe(
      "the AWS webhook 1 is disabled after failed deliveries",
    );
    expect(checkWebhook(project, { ok: false, error: "403", status: 403 }, GL, 1).level).toBe("WARN");
  });
  test("deploy tokens: present, expiring, expired or missing", () => {
    const t = { name: "aws-delivery", revoked: false, expired: false };
    expect(brief(checkDeployTokens(project, { ok: true, value: [{ ...t, expires_at: "2027-06-30T00:00:00.000Z" }] }, GL, NOW))).toEqual([
      "OK deploy-token present, expires 2027-06-30",
    ]);
    expect(brief(checkDeployTokens(project, { ok: true, value: [{ ...t, expires_at: "2026-12-06T00:00:00.000Z" }] }, GL, NOW))).toEqual([
      "WARN deploy-token expires on 2026-12-06 (in 10 days)",
    ]);
    expect(brief(checkDeployTokens(project, { ok: true, value: [{ ...t, expired: true }] }, GL, NOW))).toEqual([
      "FAIL deploy-token missing, revoked or expired",
    ]);
  });
});

describe("TLS", () => {
  const leaf = makeCertificate({ commonName: "gitlab.acme.example", dnsNames: ["gitlab.acme.example"], days: 100 });
  const other = makeCertificate({ commonName: "other", dnsNames: ["other.example"], days: 10 });
  const live = (chain: string[], authorized = false) => ({ ok: true as const, value: { chain, authorized, authorizationError: "SELF_SIGNED_CERT" } });
  test("the configured certificate is the leaf: OK", () => {
    expect(brief(checkTls("https://gitlab.acme.example", leaf, live([leaf]), NOW))).toEqual([
      expect.stringMatching(/^OK tls certificate for gitlab\.acme\.example matches the configured one, valid until \d{4}-\d\d-\d\d$/),
    ]);
  });
  test("another name, soon expiring, not signed by the configured one", () => {
    expect(brief(checkTls("https://gitlab.acme.example", leaf, live([other]), NOW))).toEqual([
      "FAIL tls the certificate is for DNS:other.example, not gitlab.acme.example",
      expect.stringMatching(/^WARN tls the certificate expires in (9|10) days$/),
      "FAIL tls the configured certificate (CN=gitlab.acme.example) neither is nor signed the instance's (CN=other, issued by CN=other)",
    ]);
  });
  test("the configured certificate is the private CA that signed the instance's: OK; another CA: FAIL", () => {
    const signed = makeCaSignedLeaf("gitlab.acme.example");
    expect(checkTls("https://gitlab.acme.example", signed.ca, live([signed.leaf]), NOW)[0].level).toBe("OK");
    const [f] = checkTls("https://gitlab.acme.example", makeCaSignedLeaf("gitlab.acme.example").ca, live([signed.leaf]), NOW);
    expect([f.level, f.message]).toEqual([
      "FAIL",
      "the configured certificate (CN=Test Private CA) neither is nor signed the instance's (CN=gitlab.acme.example, issued by CN=Test Private CA)",
    ]);
  });
  test("nothing configured: public trust decides", () => {
    expect(checkTls("https://gitlab.acme.example", undefined, live([leaf]), NOW)[0].message).toBe(
      "the certificate is not trusted by public CAs (SELF_SIGNED_CERT) and no gitlab.vpc.tlsCertificateFile is configured",
    );
    expect(checkTls("https://gitlab.acme.example", undefined, live([leaf], true), NOW)[0].level).toBe("OK");
  });
});

test("exit codes: 2 on a failure, 1 on warnings with --strict only, else 0", () => {
  const f = (level: "OK" | "WARN" | "FAIL"): Finding => ({ check: "c", subject: "s", level, message: "m" });
  expect(exitCode([f("OK"), f("WARN"), f("FAIL")], false)).toBe(2);
  expect(exitCode([f("OK"), f("WARN")], false)).toBe(0);
  expect(exitCode([f("OK"), f("WARN")], true)).toBe(1);
  expect(exitCode([f("OK")], true)).toBe(0);
});

test("the table aligns columns, adds fix and page under a problem, colours only when asked", () => {
  const findings: Finding[] = [
    { check: "connection", subject: "acme", level: "OK", message: "AVAILABLE", url: "https://x" },
    { check: "webhook", subject: "acme/app", level: "FAIL", message: "no AWS webhook", fix: "re-create", url: "https://gitlab.com/acme/app/-/hooks" },
  ];
  expect(renderTable(findings, false)).toBe(
    [
      "OK    connection  acme      AVAILABLE",
      "FAIL  webhook     acme/app  no AWS webhook",
      "                            fix: re-create",
      "                            at:  https://gitlab.com/acme/app/-/hooks",
      "",
      "1 ok, 0 warnings, 1 failure",
      "",
    ].join("\n"),
  );
  expect(renderTable(findings, true)).toContain("\x1b[31mFAIL\x1b[0m");
  expect(renderTable(findings, false)).not.toContain("\x1b[");
});
