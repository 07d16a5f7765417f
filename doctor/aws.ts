/*
 * The AWS reads doctor makes, one SDK v3 client per service. Every call has a time limit and
 * a bounded number of attempts (the SDK's standard retry: 5xx, throttling and timeouts, with
 * backoff); endpoints come from the SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>
 * variables (how the tests point it at localhost). Failures become one-line answers.
 */
import { BatchGetProjectsCommand, CodeBuildClient } from "@aws-sdk/client-codebuild";
import { CodePipelineClient, GetPipelineCommand, GetPipelineStateCommand, ListPipelineExecutionsCommand } from "@aws-sdk/client-codepipeline";
import { CodeStarConnectionsClient, Connection, Host, ListConnectionsCommand, ListHostsCommand } from "@aws-sdk/client-codestar-connections";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Answer } from "./finding";
import { CallerIdentity } from "./identity";
import { LivePipeline } from "./pipelines";

export interface AwsOptions {
  readonly region: string;
  /** Per attempt. @default 10000 */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included. @default 3 */
  readonly maxAttempts?: number;
}

export interface AwsReader {
  identity(): Promise<Answer<CallerIdentity>>;
  connections(): Promise<Answer<Connection[]>>;
  hosts(): Promise<Answer<Host[]>>;
  /** null when AWS has no pipeline of that name. */
  pipeline(name: string): Promise<Answer<LivePipeline | null>>;
  /** The names among `names` that CodeBuild does not know. */
  missingBuildProjects(names: readonly string[]): Promise<Answer<string[]>>;
}

export function awsReader(options: AwsOptions): AwsReader {
  const timeout = options.timeoutMs ?? 10_000;
  const common = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: timeout, connectionTimeout: timeout, throwOnRequestTimeout: true },
  };
  const sts = new STSClient(common);
  const connections = new CodeStarConnectionsClient(common);
  const pipelines = new CodePipelineClient(common);
  const builds = new CodeBuildClient(common);

  return {
    identity: () => answer("sts:GetCallerIdentity", () => sts.send(new GetCallerIdentityCommand({}))),
    connections: () =>
      answer("codestar-connections:ListConnections", async () => {
        const all: Connection[] = [];
        let NextToken: string | undefined;
        do {
          const page = await connections.send(new ListConnectionsCommand({ NextToken, MaxResults: 100 }));
          all.push(...(page.Connections ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        return all;
      }),
    hosts: () =>
      answer("codestar-connections:ListHosts", async () => {
        const all: Host[] = [];
        let NextToken: string | undefined;
        do {
          const page = await connections.send(new ListHostsCommand({ NextToken, MaxResults: 100 }));
          all.push(...(page.Hosts ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        return all;
      }),
    pipeline: (name) =>
      answer(`codepipeline:GetPipeline ${name}`, async () => {
        let got;
        try {
          got = await pipelines.send(new GetPipelineCommand({ name }));
        } catch (e) {
          if ((e as Error).name === "PipelineNotFoundException") return null;
          throw e;
        }
        const runs = await pipelines.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 5 }));
        const executions = runs.pipelineExecutionSummaries ?? [];
        let failedStages: string[] | undefined;
        if (executions[0]?.status === "Failed") {
          const state = await pipelines.send(new GetPipelineStateCommand({ name }));
          failedStages = (state.stageStates ?? [])
            .filter((s) => s.latestExecution?.status === "Failed" && s.latestExecution.pipelineExecutionId === executions[0].pipelineExecutionId)
            .map((s) => String(s.stageName));
        }
        return { declaration: got.pipeline ?? {}, created: got.metadata?.created, executions, failedStages } as LivePipeline;
      }),
    missingBuildProjects: (names) =>
      answer("codebuild:BatchGetProjects", async () => {
        if (names.length === 0) return [];
        const got = await builds.send(new BatchGetProjectsCommand({ names: [...names] }));
        return got.projectsNotFound ?? [];
      }),
  };
}

/** Runs `call`; a failure becomes its one-line reason (never a stack). */
async function answer<T>(what: string, call: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    return { ok: false, ...awsWords(what, e) };
  }
}

/** An SDK error in words: no credentials, no answer in time, or AWS's own code and message. */
export function awsWords(what: string, e: unknown): { error: string; status?: number } {
  const err = e as Error & { $metadata?: { httpStatusCode?: number; attempts?: number }; code?: string };
  if (err.name === "CredentialsProviderError") return { error: `no AWS credentials found (${err.message.split("\n")[0]})` };
  const attempts = err.$metadata?.attempts ? ` after ${err.$metadata.attempts} attempts` : "";
  if (err.name === "TimeoutError" || err.code === "ETIMEDOUT" || /timed? ?out/i.test(err.message)) return { error: `${what}: no answer in time${attempts}` };
  const status = err.$metadata?.httpStatusCode;
  const message = (err.message || String(e)).split("\n")[0].slice(0, 300);
  return { error: `${what}: ${err.name}${status ? ` (HTTP ${status})` : ""}: ${message}${attempts}`, status };
}
