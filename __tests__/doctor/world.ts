/*
 * A configuration doctor is run on (a self-managed instance at a localhost TLS server) and a
 * healthy live state of it in the fakes, built from the names the stacks synthesize; each
 * test breaks one thing.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../../config/load";
import { Expected, expectedFrom } from "../../doctor/expected";
import { readSynthesized } from "../../scripts/doctor";
import { synthesizeConfig } from "../../app/synth-tree";
import { AwsState, GitlabState } from "./fakes";

export const ACCOUNT = "123456789012";
export const CONNECTION_ARN = `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/aaaaaaaa-1111-2222-3333-444444444444`;
export const HOST_ARN = `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:host/acme-doctor-gitl-55555555`;
export const AWS_HOOK = "https://codestar-connections.eu-west-1.amazonaws.com/gitlab-hooks/aaaaaaaa-1111-2222-3333-444444444444";
const DAY = 86_400_000;
export const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** `extra` is YAML appended at the top level (e.g. a state section). */
export function writeConfig(dir: string, instanceUrl: string, certificate: string, extra = ""): string {
  const file = join(dir, "delivery.yaml");
  const pem = certificate
    .trim()
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
  writeFileSync(
    file,
    `name: acme-doctor
aws:
  region: eu-west-1
gitlab:
  kind: self-managed
  url: ${instanceUrl}
  vpc:
    vpcId: vpc-0a1b2c3d4e5f60718
    subnetIds: [subnet-0a1b2c3d4e5f60719, subnet-0a1b2c3d4e5f6071a]
    securityGroupIds: [sg-0a1b2c3d4e5f6071b]
    tlsCertificate: |
${pem}
connection:
  name: acme-doctor-gitlab
projects:
  - path: acme/payments-api
    deployToken:
      expiresAt: "${inDays(300).slice(0, 10)}"
    pipeline:
      triggers:
        push:
          - branches: { includes: [main] }
            filePaths: { includes: ["src/**"] }
        mergeRequests:
          - events: [OPEN, UPDATED]
            branches: { includes: [main] }
  - path: acme/legacy-app
    mode: adopt
    defaultBranch: master
    deployToken:
      expiresAt: "${inDays(300).slice(0, 10)}"
${extra}`,
  );
  return file;
}

/** The configuration's expectations, read from its synthesized stacks. */
export function expectedOf(file: string): Expected {
  const { config } = loadConfigFile(file);
  const out = join(mkdtempSync(join(tmpdir(), "doctor-world-")), "out");
  synthesizeConfig(config, out);
  return expectedFrom(config, readSynthesized(out));
}

/** The API shape (GetPipeline) of the configured triggers. */
function apiTriggers(expected: Expected["pipelines"][number]): Record<string, unknown>[] {
  return (expected.triggers as Record<string, any>[]).map((t) => ({
    providerType: t.providerType,
    gitConfiguration: { sourceActionName: t.sourceActionName, push: t.push, pullRequest: t.pullRequest },
  }));
}

export function healthyAws(expected: Expected, certificate: string): AwsState {
  const host = expected.connection.host!;
  return {
    account: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/doctor`,
    connections: [
      {
        ConnectionName: expected.connection.name,
        ConnectionArn: CONNECTION_ARN,
        ProviderType: "GitLabSelfManaged",
        OwnerAccountId: ACCOUNT,
        ConnectionStatus: "AVAILABLE",
        HostArn: HOST_ARN,
      },
      {
        ConnectionName: "someone-elses",
        ConnectionArn: CONNECTION_ARN.replace("aaaaaaaa", "bbbbbbbb"),
        ProviderType: "GitLab",
        OwnerAccountId: ACCOUNT,
        ConnectionStatus: "PENDING",
      },
    ],
    hosts: [
      {
        Name: host.name,
        HostArn: HOST_ARN,
        ProviderType: "GitLabSelfManaged",
        ProviderEndpoint: host.endpoint,
        VpcConfiguration: {
          VpcId: host.vpc!.vpcId,
          SubnetIds: [...host.vpc!.subnetIds],
          SecurityGroupIds: [...host.vpc!.securityGroupIds],
          TlsCertificate: certificate,
        },
        Status: "AVAILABLE",
      },
    ],
    pipelines: Object.fromEntries(
      expected.pipelines.map((p) => [
        p.name,
        {
          created: Date.parse("2026-10-01T09:00:00Z") / 1000,
          pipeline: {
            name: p.name,
            pipelineType: "V2",
            stages: [
              {
                name: "Source",
                actions: [
                  {
                    name: p.sourceAction,
                    actionTypeId: { category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1" },
                    configuration: { ConnectionArn: CONNECTION_ARN, FullRepositoryId: p.project, BranchName: p.branch },
                  },
                ],
              },
              {
                name: "BuildAndTest",
                actions: p.buildProjects.map((b) => ({
                  name: "BuildAndTest",
                  actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                  configuration: { ProjectName: b },
                })),
              },
            ],
            triggers: apiTriggers(p),
          },
          executions: [
            { pipelineExecutionId: "11111111-aaaa-bbbb-cccc-000000000001", status: "Succeeded", startTime: Date.parse("2026-11-20T08:00:00Z") / 1000 },
          ],
        },
      ]),
    ),
    buildProjects: expected.pipelines.flatMap((p) => p.buildProjects),
    failFirst: {},
    silent: new Set(),
    calls: [],
  };
}

export function healthyGitlab(expected: Expected): GitlabState {
  const ids = Object.fromEntries(expected.projects.map((p, i) => [p.path, 40 + i]));
  return {
    token: { id: 1, name: "doctor", scopes: ["read_api"], active: true, revoked: false, expires_at: inDays(200).slice(0, 10), user_id: 7 },
    projects: Object.fromEntries(
      expected.projects.map((p) => [p.path, { id: ids[p.path], path_with_namespace: p.path, default_branch: p.defaultBranch, archived: false }]),
    ),
    members: Object.fromEntries(expected.projects.map((p) => [`${ids[p.path]}/7`, { id: 7, username: "alice", access_level: 50 }])),
    hooks: Object.fromEntries(
      expected.projects.map((p) => [
        ids[p.path],
        [{ id: 900 + ids[p.path], url: AWS_HOOK, push_events: true, merge_requests_events: true, alert_status: "executable" }],
      ]),
    ),
    deployTokens: Object.fromEntries(
      expected.projects.map((p) => [
        ids[p.path],
        p.deployTokens.map((t, i) => ({ id: i + 1, name: t.name, expires_at: t.expiresAt?.replace("Z", ".000Z"), revoked: false, expired: false })),
      ]),
    ),
    failFirst: {},
    silent: new Set(),
    calls: [],
  };
}
