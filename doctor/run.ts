/*
 * One doctor run: reads both sides with a bounded number of calls in flight, and hands each
 * answer to its pure check. Never changes anything.
 */
import type { Connection } from "@aws-sdk/client-codestar-connections";
import { AwsReader } from "./aws";
import { checkConnection, checkHost } from "./connection";
import { Expected, ExpectedProject } from "./expected";
import { Answer, fail, Finding } from "./finding";
import { checkAccess, checkDeployTokens, checkGitlabToken, checkProject, checkWebhook } from "./gitlab";
import { GitlabReader } from "./gitlab-reader";
import { checkIdentity, checkRegion } from "./identity";
import { checkBuildProjects, checkPipeline } from "./pipelines";
import { checkTls, LiveTls } from "./tls";

export interface DoctorInputs {
  readonly expected: Expected;
  readonly aws: AwsReader;
  /** undefined: GITLAB_TOKEN is not set. */
  readonly gitlab?: GitlabReader;
  readonly tls?: (url: string) => Promise<Answer<LiveTls>>;
  /** Only the pipelines and projects of this stack (the connection is always checked). */
  readonly stack?: string;
  readonly account?: string;
  /** Where `account` was read. @default "--account" */
  readonly accountSource?: string;
  /** Calls in flight at most. @default 4 */
  readonly parallel?: number;
  readonly now?: Date;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
}

export async function runDoctor(inputs: DoctorInputs): Promise<Finding[]> {
  const { expected } = inputs;
  const now = inputs.now ?? new Date();
  const limit = inputs.parallel ?? 4;
  const selected = <T extends { stack: string }>(xs: readonly T[]) => (inputs.stack ? xs.filter((x) => x.stack === inputs.stack) : [...xs]);
  const findings: Finding[] = [checkRegion(expected.region)];

  const identity = await inputs.aws.identity();
  findings.push(checkIdentity(identity, inputs.account, inputs.accountSource));
  const awsUsable = identity.ok;

  let connection: Connection | undefined;
  if (awsUsable) {
    const listed = await inputs.aws.connections();
    if (listed.ok) {
      findings.push(...checkConnection(expected.connection, listed.value, expected.region, expected.gitlabUrl));
      const same = listed.value.filter((c) => c.ConnectionName === expected.connection.name);
      connection = same.find((c) => c.ConnectionStatus === "AVAILABLE") ?? same[0];
    } else findings.push(fail("connection", expected.connection.name, listed.error, "check the permissions doctor needs (doctor --print-policy)"));
    if (expected.connection.host) {
      const hosts = await inputs.aws.hosts();
      findings.push(
        ...(hosts.ok
          ? checkHost(expected.connection.host, hosts.value, expected.region, expected.connection.stack)
          : [fail("host", expected.connection.host.name, hosts.error, "check the permissions doctor needs (doctor --print-policy)")]),
      );
    }
    const pipelines = selected(expected.pipelines);
    const perPipeline = await mapLimit(pipelines, limit, async (p) => {
      const [live, missing] = await Promise.all([inputs.aws.pipeline(p.name), inputs.aws.missingBuildProjects(p.buildProjects)]);
      return [...checkPipeline(p, live, connection, expected.region, expected.gitlabUrl), checkBuildProjects(p, missing)];
    });
    findings.push(...perPipeline.flat());
  }

  if (!inputs.gitlab) {
    findings.push(
      fail("gitlab-token", "GITLAB_TOKEN", "not set: the GitLab side is not checked", "export GITLAB_TOKEN=<a token with read_api> and run doctor again"),
    );
  } else {
    const gitlab = inputs.gitlab;
    const token = await gitlab.token();
    findings.push(checkGitlabToken(token, expected.gitlabUrl, now));
    const userId = token.ok ? token.value.user_id : undefined;
    if (token.ok) {
      const perProject = await mapLimit(selected(expected.projects), limit, (p) => projectFindings(gitlab, p, userId, inputs, now));
      findings.push(...perProject.flat());
    }
  }

  if (expected.connection.host && inputs.tls && !inputs.stack) {
    const host = expected.connection.host;
    findings.push(...checkTls(host.endpoint, host.vpc?.tlsCertificate, await inputs.tls(host.endpoint), now, expected.connection.stack));
  }
  return findings;
}

async function projectFindings(gitlab: GitlabReader, p: ExpectedProject, userId: number | undefined, inputs: DoctorInputs, now: Date): Promise<Finding[]> {
  const { expected } = inputs;
  const project = await gitlab.project(p.path);
  const findings = [checkProject(p, project, expected.gitlabUrl)];
  if (!project.ok) return findings;
  const id = project.value.id;
  const [member, hooks, tokens] = await Promise.all([
    userId === undefined
      ? Promise.resolve<Answer<never>>({ ok: false, error: "the token names no user (a group or project token?)" })
      : gitlab.member(id, userId),
    gitlab.hooks(id),
    gitlab.deployTokens(id),
  ]);
  const pipelines = expected.pipelines.filter((x) => x.project === p.path).length;
  findings.push(
    checkAccess(p, member, expected.gitlabUrl),
    checkWebhook(p, hooks, expected.gitlabUrl, pipelines),
    ...checkDeployTokens(p, tokens, expected.gitlabUrl, now),
  );
  return findings;
}
