import { createServer, IncomingMessage, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

const { makeHandler, gitlabState } = require("../../lambda/commit-status/index.js");

const SHA = "4f6e0b7c9d1a2b3c4d5e6f708192a3b4c5d6e7f8";
const PIPELINE = "acme-platform-payments-api";
const EXECUTION = "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab";
const BRANCH = "feature/pay-by-link";
const TOKEN = "glpat-status-token-0123456789";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gitlab-aws-delivery/acme/platform/payments-api/status-token-AbCdEf";
const TARGET_URL = `https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/${PIPELINE}/executions/${EXECUTION}/timeline?region=eu-west-1`;
const TRANSITION = 'Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")';

interface Request {
  method: string;
  url: string;
  token: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

interface GitlabStatus {
  id: number;
  sha: string;
  ref: string;
  name: string;
  status: string;
  target_url: string | null;
  description: string | null;
  retried: boolean;
}

/** A scripted answer to a POST, in turn: an HTTP code (with GitLab's message), or no answer at all. */
type Answer = number | { code: number; message: string } | "hang";

const MESSAGES: Record<number, string> = {
  401: "401 Unauthorized",
  409: "409 Conflict: Resource lock",
  500: "500 Internal Server Error",
  502: "502 Bad Gateway",
  503: "503 Service Unavailable",
};

/**
 * Plays GitLab's commit status API on localhost. Unscripted POSTs behave as GitLab's
 * Ci::CreateCommitStatusService does: the status of that name, ref and pipeline that is still
 * running or pending is moved on (running → running is a 400 "Cannot transition status"),
 * otherwise a new one is created and the older ones are marked retried. GET lists the latest
 * (not retried) statuses of the commit, filtered by ref and name.
 */
async function fakeGitlab(options: { answers?: Answer[]; tokens?: string[]; hang?: boolean } = {}) {
  const posts: Request[] = [];
  const gets: Request[] = [];
  const statuses: GitlabStatus[] = [];
  const tokens = new Set(options.tokens ?? [TOKEN]);
  const send = (res: ServerResponse, code: number, body: unknown) => res.writeHead(code, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  // What GitLab's API shows of a status: not whether it was retried.
  const visible = ({ retried, ...shown }: GitlabStatus) => shown;
  const server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      const request: Request = {
        method: req.method!,
        url: req.url!,
        token: req.headers["private-token"] as string,
        contentType: req.headers["content-type"],
        body: JSON.parse(text || "{}"),
      };
      if (options.hang) return;
      const url = new URL(req.url!, "http://gitlab.test");
      if (req.method === "GET") {
        gets.push(request);
        if (!tokens.has(request.token!)) return send(res, 401, { message: MESSAGES[401] });
        const sha = url.pathname.match(/\/repository\/commits\/([^/]+)\/statuses$/)?.[1];
        const ref = url.searchParams.get("ref");
        const name = url.searchParams.get("name");
        const all = url.searchParams.get("all") === "true";
        return send(
          res,
          200,
          statuses.filter((s) => s.sha === sha && (all || !s.retried) && (!ref || s.ref === ref) && (!name || s.name === name)).map(visible),
        );
      }
      posts.push(request);
      const answer = options.answers?.[posts.length - 1];
      if (answer === "hang") return;
      if (typeof answer === "number") return send(res, answer, { message: MESSAGES[answer] ?? `${answer}` });
      if (answer) return send(res, answer.code, { message: answer.message });
      if (!tokens.has(request.token!)) return send(res, 401, { message: MESSAGES[401] });
      const sha = url.pathname.split("/").pop()!;
      const body = request.body as { state: string; name: string; ref?: string; target_url?: string; description?: string };
      const ref = body.ref ?? statuses.find((s) => s.sha === sha)?.ref ?? "main";
      const same = (s: GitlabStatus) => s.sha === sha && s.ref === ref && s.name === body.name && !s.retried;
      const open = statuses.find((s) => same(s) && (s.status === "running" || s.status === "pending"));
      if (open && open.status === "running" && body.state === "running") return send(res, 400, { message: TRANSITION });
      if (open) {
        Object.assign(open, { status: body.state, target_url: body.target_url ?? null, description: body.description ?? null });
        return send(res, 201, visible(open));
      }
      statuses.filter(same).forEach((s) => (s.retried = true));
      const created = {
        id: statuses.length + 1,
        sha,
        ref,
        name: body.name,
        status: body.state,
        target_url: body.target_url ?? null,
        description: body.description ?? null,
        retried: false,
      };
      statuses.push(created);
      return send(res, 201, visible(created));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`,
    posts,
    gets,
    statuses,
    tokens,
    /** The states POSTed, in order. */
    posted: () => posts.map((p) => p.body.state),
    /** What GitLab shows for the commit: the latest status of each name and ref. */
    shown: () => statuses.filter((s) => !s.retried).map((s) => ({ ref: s.ref, status: s.status, target_url: s.target_url })),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

type Gitlab = Awaited<ReturnType<typeof fakeGitlab>>;

/** An AWS SDK error as v3 throws it. */
const awsError = (name: string, fault: "client" | "server", message = `${name}: simulated`) => Object.assign(new Error(message), { name, $fault: fault });

interface AwsScript {
  /** GetPipelineExecution's status, one per call in turn (the last one repeats). */
  statuses?: string[];
  /** The source action's status, one per ListActionExecutions call in turn (the last one repeats). */
  sourceStatuses?: string[];
  /** BranchName output variable of the source action, once it has succeeded. */
  branch?: string;
  /** The secret's value, one per GetSecretValue call in turn (the last one repeats). */
  secrets?: string[];
  /** A call that throws this error, or never answers. */
  fail?: Partial<Record<"getPipelineExecution" | "listActionExecutions" | "getSecretValue", Error | "hang">>;
}

/** The three AWS SDK v3 calls the Lambda makes, answering as CodePipeline and Secrets Manager do. */
function fakeAws(script: AwsScript = {}) {
  const inputs: Record<string, unknown[]> = { getPipelineExecution: [], listActionExecutions: [], getSecretValue: [] };
  const nth = <T>(list: T[], i: number) => list[Math.min(i, list.length - 1)];
  const call = async <T>(name: keyof typeof inputs, input: unknown, answer: () => T): Promise<T> => {
    inputs[name].push(input);
    const failure = script.fail?.[name as keyof NonNullable<AwsScript["fail"]>];
    if (failure === "hang") return new Promise<T>(() => undefined);
    if (failure) throw failure;
    return answer();
  };
  const aws = {
    getPipelineExecution: (input: unknown) =>
      call("getPipelineExecution", input, () => ({
        pipelineExecution: {
          pipelineName: PIPELINE,
          pipelineExecutionId: EXECUTION,
          pipelineVersion: 3,
          status: nth(script.statuses ?? ["InProgress"], inputs.getPipelineExecution.length - 1),
          artifactRevisions: [{ name: "source_output", revisionId: SHA, revisionSummary: '{"ProviderType":"GitLab","CommitMessage":"Pay by link"}' }],
          trigger: { triggerType: "WebhookV2", triggerDetail: "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d" },
          executionMode: "QUEUED",
        },
      })),
    listActionExecutions: (input: unknown) =>
      call("listActionExecutions", input, () => {
        const status = nth(script.sourceStatuses ?? ["Succeeded"], inputs.listActionExecutions.length - 1);
        return {
          actionExecutionDetails: [
            {
              pipelineExecutionId: EXECUTION,
              stageName: "BuildAndTest",
              actionName: "BuildAndTest",
              status: "InProgress",
              input: { actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" } },
            },
            {
              pipelineExecutionId: EXECUTION,
              stageName: "Source",
              actionName: "Source",
              status,
              input: { actionTypeId: { category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1" } },
              output:
                status === "Succeeded"
                  ? { outputVariables: { BranchName: script.branch ?? BRANCH, CommitId: SHA, FullRepositoryName: "acme/platform/payments-api" } }
                  : {},
            },
          ],
        };
      }),
    getSecretValue: (input: unknown) =>
      call("getSecretValue", input, () => ({ SecretString: nth(script.secrets ?? [TOKEN], inputs.getSecretValue.length - 1) })),
  };
  return { aws, inputs, calls: (name: keyof typeof inputs) => inputs[name].length };
}

type Aws = ReturnType<typeof fakeAws>;

/** The handler, with short time-outs and backoff, the fake AWS calls and a log to read. */
function handlerFor(gitlab: string, aws: Aws, logs: string[] = [], overrides: Record<string, unknown> = {}) {
  return makeHandler({
    env: { GITLAB_API_URL: gitlab, PROJECT_PATH: "acme/platform/payments-api", STATUS_NAME: "aws-codepipeline", TOKEN_SECRET_ARN: SECRET_ARN },
    aws: aws.aws,
    log: (m: string) => logs.push(m),
    baseDelayMs: 5,
    requestTimeoutMs: 1000,
    awsTimeoutMs: 1000,
    sourcePollMs: 10,
    sourceWaitMs: 200,
    budgetMs: 3000,
    ...overrides,
  });
}

const event = (state: string) => ({
  region: "eu-west-1",
  "detail-type": "CodePipeline Pipeline Execution State Change",
  detail: { pipeline: PIPELINE, "execution-id": EXECUTION, state },
});

/** Runs a test against a fresh localhost GitLab, closed afterwards whatever happens. */
async function withGitlab(options: Parameters<typeof fakeGitlab>[0], run: (gitlab: Gitlab) => Promise<void>) {
  const gitlab = await fakeGitlab(options);
  try {
    await run(gitlab);
  } finally {
    gitlab.close();
  }
}

describe("commit status Lambda", () => {
  test("maps pipeline states to GitLab's", () => {
    expect(["STARTED", "SUCCEEDED", "FAILED", "STOPPED", "SUPERSEDED", "RESUMED"].map(gitlabState)).toEqual([
      "running",
      "success",
      "failed",
      "canceled",
      "canceled",
      "running",
    ]);
  });

  test("POSTs the status to the commit and its branch, with the URL-encoded project path, the token header and a link to the execution", () =>
    withGitlab({}, async (gitlab) => {
      const result = await handlerFor(gitlab.url, fakeAws({ statuses: ["Succeeded"] }))(event("SUCCEEDED"));
      expect(result).toEqual({ ok: true, status: 201, attempts: 1 });
      expect(gitlab.posts).toEqual([
        {
          method: "POST",
          url: `/api/v4/projects/acme%2Fplatform%2Fpayments-api/statuses/${SHA}`,
          token: TOKEN,
          contentType: "application/json",
          body: {
            state: "success",
            ref: BRANCH,
            name: "aws-codepipeline",
            target_url: TARGET_URL,
            description: "CodePipeline acme-platform-payments-api: succeeded",
          },
        },
      ]);
    }));

  // Every CodePipeline execution state (EventBridge's and GetPipelineExecution's spelling).
  test.each([
    ["STARTED", "InProgress", "running"],
    ["RESUMED", "InProgress", "running"],
    ["STOPPING", "Stopping", "nothing"],
    ["STOPPED", "Stopped", "canceled"],
    ["SUCCEEDED", "Succeeded", "success"],
    ["FAILED", "Failed", "failed"],
    ["CANCELED", "Cancelled", "canceled"],
    ["SUPERSEDED", "Superseded", "canceled"],
  ])("execution %s (%s) posts %s", (state, status, posted) =>
    withGitlab({}, async (gitlab) => {
      await handlerFor(gitlab.url, fakeAws({ statuses: [status] }))(event(state));
      expect(gitlab.posted()).toEqual(posted === "nothing" ? [] : [posted]);
    }),
  );

  test("the state posted is the execution's, read from CodePipeline: a late STARTED after SUCCEEDED re-opens nothing", () =>
    withGitlab({}, async (gitlab) => {
      const handler = handlerFor(gitlab.url, fakeAws({ statuses: ["Succeeded"] }));
      await handler(event("SUCCEEDED"));
      expect(await handler(event("STARTED"))).toEqual({ skipped: "already success on GitLab" });
      expect(gitlab.posted()).toEqual(["success"]);
      expect(gitlab.shown()).toEqual([{ ref: BRANCH, status: "success", target_url: TARGET_URL }]);
    }));

  test("a late STARTED after FAILED re-opens nothing, but a RESUMED retry of the failed stage does", () =>
    withGitlab({}, async (gitlab) => {
      const handler = handlerFor(gitlab.url, fakeAws({ statuses: ["Failed", "Failed", "InProgress", "Succeeded"] }));
      for (const state of ["FAILED", "STARTED", "RESUMED", "SUCCEEDED"]) await handler(event(state));
      expect(gitlab.posted()).toEqual(["failed", "running", "success"]);
      expect(gitlab.shown()).toEqual([{ ref: BRANCH, status: "success", target_url: TARGET_URL }]);
    }));

  test("a duplicated final event is posted once: GitLab is asked what it shows first", () =>
    withGitlab({}, async (gitlab) => {
      const handler = handlerFor(gitlab.url, fakeAws({ statuses: ["Succeeded"] }));
      expect(await handler(event("SUCCEEDED"))).toEqual({ ok: true, status: 201, attempts: 1 });
      expect(await handler(event("SUCCEEDED"))).toEqual({ skipped: "already success on GitLab" });
      expect(gitlab.posted()).toEqual(["success"]);
      expect(gitlab.gets.map((g) => g.url)).toEqual(
        Array(2).fill(
          `/api/v4/projects/acme%2Fplatform%2Fpayments-api/repository/commits/${SHA}/statuses?name=aws-codepipeline&all=true&per_page=100&ref=feature%2Fpay-by-link`,
        ),
      );
    }));

  test("a late event of an older execution of the same commit leaves the newer execution's status alone", () =>
    withGitlab({}, async (gitlab) => {
      const older = handlerFor(gitlab.url, fakeAws({ statuses: ["Succeeded"] }));
      const newer = handlerFor(gitlab.url, fakeAws({ statuses: ["InProgress"] }));
      const NEWER = "9f8e7d6c-aaaa-bbbb-cccc-1234567890ab";
      await older(event("SUCCEEDED"));
      await newer({ ...event("STARTED"), detail: { ...event("STARTED").detail, "execution-id": NEWER } });
      expect(await older(event("SUCCEEDED"))).toEqual({ skipped: "already success on GitLab" });
      expect(gitlab.posted()).toEqual(["success", "running"]);
      expect(gitlab.shown()).toEqual([{ ref: BRANCH, status: "running", target_url: TARGET_URL.replace(EXECUTION, NEWER) }]);
    }));

  test("ref is the source action's BranchName, waited for while the source action runs", () =>
    withGitlab({}, async (gitlab) => {
      const aws = fakeAws({ statuses: ["InProgress"], sourceStatuses: ["InProgress", "InProgress", "Succeeded"], branch: "release/2.4" });
      await handlerFor(gitlab.url, aws)(event("STARTED"));
      expect(gitlab.posts.map((p) => [p.body.state, p.body.ref])).toEqual([["running", "release/2.4"]]);
      expect(aws.inputs.listActionExecutions).toEqual(Array(3).fill({ pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION } }));
    }));

  test("running is not posted while the branch is unknown (it would land on another ref's pipeline); the final state will be", () =>
    withGitlab({}, async (gitlab) => {
      const logs: string[] = [];
      const result = await handlerFor(gitlab.url, fakeAws({ statuses: ["InProgress"], sourceStatuses: ["InProgress"] }), logs, { sourceWaitMs: 50 })(
        event("STARTED"),
      );
      expect(result).toEqual({ skipped: "source branch not known yet" });
      expect(gitlab.posts).toEqual([]);
      expect(logs).toContainEqual(expect.stringMatching(/the source action has not named the branch yet; running is not posted/));
    }));

  test("GitLab's 409 (another update of this commit in progress) is retried with backoff", () =>
    withGitlab({ answers: [409, 409] }, async (gitlab) => {
      const logs: string[] = [];
      expect(await handlerFor(gitlab.url, fakeAws({ statuses: ["Succeeded"] }), logs)(event("SUCCEEDED"))).toEqual({ ok: true, status: 201, attempts: 3 });
      expect(gitlab.posted()).toEqual(["success", "success", "success"]);
      expect(logs).toContainEqual(expect.stringMatching(/gitlab answered HTTP 409: 409 Conflict: Resource lock \(attempt 1 of 4\)$/));
    }));

  test.each([TRANSITION, 'Cannot transition status via :enqueue from :running (Reason(s): Status cannot transition via "enqueue")'])(
    'GitLab\'s 400 "%s" means the status is already so: done, not failed',
    (message) =>
      withGitlab({ answers: [{ code: 400, message }] }, async (gitlab) => {
        const logs: string[] = [];
        expect(await handlerFor(gitlab.url, fakeAws(), logs)(event("STARTED"))).toEqual({ ok: true, status: 400, attempts: 1 });
        expect(gitlab.posts).toHaveLength(1);
        expect(logs).toContainEqual(expect.stringMatching(/GitLab already has this status/));
      }),
  );

  test("a 401 clears the cached token: the secret is read again and the rotated token used", () =>
    withGitlab({}, async (gitlab) => {
      const aws = fakeAws({ statuses: ["InProgress", "Succeeded"], secrets: ["glpat-before-rotation", "glpat-after-rotation"] });
      gitlab.tokens.clear();
      gitlab.tokens.add("glpat-before-rotation");
      const handler = handlerFor(gitlab.url, aws);
      await handler(event("STARTED"));
      // The token is rotated: GitLab revokes the old one, Secrets Manager holds the new one.
      gitlab.tokens.clear();
      gitlab.tokens.add("glpat-after-rotation");
      expect(await handler(event("SUCCEEDED"))).toEqual({ ok: true, status: 201, attempts: 1 });
      expect(aws.calls("getSecretValue")).toBe(2);
      expect(aws.inputs.getSecretValue).toEqual([{ SecretId: SECRET_ARN }, { SecretId: SECRET_ARN }]);
      expect(gitlab.posts.map((p) => [p.body.state, p.token])).toEqual([
        ["running", "glpat-before-rotation"],
        ["success", "glpat-after-rotation"],
      ]);
    }));

  test("a refused token that the secret still holds: nothing posted, a log line saying what to rotate, no failure", () =>
    withGitlab({ tokens: ["glpat-some-other-token"] }, async (gitlab) => {
      const aws = fakeAws({ statuses: ["Succeeded"] });
      const logs: string[] = [];
      const handler = handlerFor(gitlab.url, aws, logs);
      expect(await handler(event("SUCCEEDED"))).toEqual({ ok: false, status: 401, attempts: 0 });
      expect(gitlab.posts).toEqual([]);
      expect(aws.calls("getSecretValue")).toBe(2);
      expect(logs).toContainEqual(
        expect.stringMatching(new RegExp(`gitlab refused the token \\(HTTP 401\\); rotate the project access token in ${SECRET_ARN}`)),
      );
      // The next event reads the secret again rather than trusting the cache.
      await handler(event("SUCCEEDED"));
      expect(aws.calls("getSecretValue")).toBe(4);
    }));

  test("a transient error then success: one retry", () =>
    withGitlab({ answers: [503] }, async (gitlab) => {
      expect(await handlerFor(gitlab.url, fakeAws())(event("STARTED"))).toEqual({ ok: true, status: 201, attempts: 2 });
      expect(gitlab.posted()).toEqual(["running", "running"]);
    }));

  test("GitLab down: retries with backoff, then hands the event back to Lambda to retry later", () =>
    withGitlab({ answers: [503, 502, 500, 503] }, async (gitlab) => {
      const logs: string[] = [];
      const started = Date.now();
      await expect(handlerFor(gitlab.url, fakeAws({ statuses: ["Failed"] }), logs)(event("FAILED"))).rejects.toThrow(
        `${PIPELINE} execution ${EXECUTION}: GitLab did not take the commit status (HTTP 503 after 4 attempts); Lambda retries the event`,
      );
      expect(gitlab.posts).toHaveLength(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 + 10 + 20);
      expect(logs[logs.length - 1]).toMatch(
        /gave up setting the commit status for now \(HTTP 503 after 4 attempts\); Lambda retries the event, the pipeline is not affected$/,
      );
    }));

  test("GitLab unreachable (nothing listening): retried, then handed back to Lambda", async () => {
    const gitlab = await fakeGitlab();
    gitlab.close();
    const logs: string[] = [];
    await expect(handlerFor(gitlab.url, fakeAws(), logs)(event("STARTED"))).rejects.toThrow(
      /GitLab did not take the commit status \(unreachable after 4 attempts\)/,
    );
    expect(logs).toContainEqual(expect.stringMatching(/gitlab unreachable: .* \(attempt 1 of 4\)$/));
  });

  test(
    "a GitLab that never answers: every request times out, and the handler stops within its time budget",
    () =>
      withGitlab({ hang: true }, async (gitlab) => {
        const logs: string[] = [];
        const started = Date.now();
        await expect(handlerFor(gitlab.url, fakeAws(), logs, { requestTimeoutMs: 200, budgetMs: 700 })(event("STARTED"))).rejects.toThrow(
          /GitLab did not take the commit status \(no answer/,
        );
        expect(Date.now() - started).toBeLessThan(1500);
        expect(logs).toContainEqual(expect.stringMatching(/gitlab did not answer within 200 ms \(attempt 1 of 4\)$/));
      }),
    5000,
  );

  test.each([
    ["a permanent error (access denied) is logged with the execution, and the event dropped", awsError("AccessDeniedException", "client"), "resolves"],
    ["a throttled call is logged with the execution, and the event handed back to Lambda", awsError("ThrottlingException", "client"), "rejects"],
    ["a call that never answers times out, is logged, and the event handed back to Lambda", "hang" as const, "rejects"],
  ])(
    "reading the execution: %s",
    (_what, failure, outcome) =>
      withGitlab({}, async (gitlab) => {
        const logs: string[] = [];
        const aws = fakeAws({ fail: { getPipelineExecution: failure } });
        const run = handlerFor(gitlab.url, aws, logs, { awsTimeoutMs: 100 })(event("STARTED"));
        if (outcome === "resolves") await expect(run).resolves.toEqual({ error: expect.stringMatching(/^could not read the execution/) });
        else await expect(run).rejects.toThrow(new RegExp(`^${PIPELINE} execution ${EXECUTION}: could not read the execution`));
        expect(logs).toContainEqual(
          expect.stringMatching(
            new RegExp(`^${PIPELINE} execution ${EXECUTION} \\(event STARTED\\): could not read the execution \\(GetPipelineExecution\\): `),
          ),
        );
        expect(gitlab.posts).toEqual([]);
      }),
    5000,
  );

  test.each([
    ["a permanent error (secret gone) is logged with the secret, and the event dropped", awsError("ResourceNotFoundException", "client"), "resolves"],
    ["a server error is logged with the secret, and the event handed back to Lambda", awsError("InternalServiceError", "server"), "rejects"],
  ])("reading the token: %s", (_what, failure, outcome) =>
    withGitlab({}, async (gitlab) => {
      const logs: string[] = [];
      const run = handlerFor(gitlab.url, fakeAws({ statuses: ["Succeeded"], fail: { getSecretValue: failure } }), logs)(event("SUCCEEDED"));
      if (outcome === "resolves") await expect(run).resolves.toEqual({ error: expect.stringMatching(/^could not read the GitLab token/) });
      else await expect(run).rejects.toThrow(/could not read the GitLab token/);
      expect(logs).toContainEqual(expect.stringContaining(`could not read the GitLab token from ${SECRET_ARN}: ${failure.name}`));
      expect(gitlab.posts).toEqual([]);
    }),
  );

  test("states GitLab has no use for are ignored, without a call", async () => {
    const aws = fakeAws();
    expect(await handlerFor("http://127.0.0.1:9/api/v4", aws)(event("CANCELED_BY_SOMETHING"))).toEqual({ skipped: "state CANCELED_BY_SOMETHING" });
    expect(aws.calls("getPipelineExecution")).toBe(0);
  });

  test("the Lambda entry point drives the runtime's AWS SDK v3 clients and keeps the token between invocations", () =>
    withGitlab({}, async (gitlab) => {
      const sent: Array<{ command: string; input: unknown; abortable: boolean }> = [];
      const answers: Record<string, () => unknown> = {
        GetPipelineExecutionCommand: () => ({ pipelineExecution: { status: "Succeeded", artifactRevisions: [{ revisionId: SHA }] } }),
        ListActionExecutionsCommand: () => ({
          actionExecutionDetails: [
            {
              status: "Succeeded",
              input: { actionTypeId: { category: "Source", provider: "CodeStarSourceConnection" } },
              output: { outputVariables: { BranchName: BRANCH } },
            },
          ],
        }),
        GetSecretValueCommand: () => ({ SecretString: TOKEN }),
      };
      const command = (name: string) =>
        class {
          readonly name = name;
          constructor(readonly input: unknown) {}
        };
      class Client {
        async send(c: { name: string; input: unknown }, options?: { abortSignal?: AbortSignal }) {
          sent.push({ command: c.name, input: c.input, abortable: options?.abortSignal instanceof AbortSignal });
          return answers[c.name]();
        }
      }
      const saved = { ...process.env };
      Object.assign(process.env, {
        GITLAB_API_URL: gitlab.url,
        PROJECT_PATH: "acme/platform/payments-api",
        TOKEN_SECRET_ARN: SECRET_ARN,
        STATUS_NAME: "aws-codepipeline",
      });
      try {
        await jest.isolateModulesAsync(async () => {
          jest.doMock(
            "@aws-sdk/client-codepipeline",
            () => ({
              CodePipelineClient: Client,
              GetPipelineExecutionCommand: command("GetPipelineExecutionCommand"),
              ListActionExecutionsCommand: command("ListActionExecutionsCommand"),
            }),
            { virtual: true },
          );
          jest.doMock("@aws-sdk/client-secrets-manager", () => ({ SecretsManagerClient: Client, GetSecretValueCommand: command("GetSecretValueCommand") }), {
            virtual: true,
          });
          const { handler } = require("../../lambda/commit-status/index.js");
          const context = { getRemainingTimeInMillis: () => 60_000 };
          expect(await handler(event("SUCCEEDED"), context)).toEqual({ ok: true, status: 201, attempts: 1 });
          expect(await handler(event("SUCCEEDED"), context)).toEqual({ skipped: "already success on GitLab" });
        });
      } finally {
        process.env = saved;
      }
      expect(sent).toEqual([
        { command: "GetPipelineExecutionCommand", input: { pipelineName: PIPELINE, pipelineExecutionId: EXECUTION }, abortable: true },
        { command: "ListActionExecutionsCommand", input: { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION } }, abortable: true },
        { command: "GetSecretValueCommand", input: { SecretId: SECRET_ARN }, abortable: true },
        { command: "GetPipelineExecutionCommand", input: { pipelineName: PIPELINE, pipelineExecutionId: EXECUTION }, abortable: true },
        { command: "ListActionExecutionsCommand", input: { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION } }, abortable: true },
      ]);
      expect(gitlab.posts.map((p) => [p.body.state, p.body.ref, p.token])).toEqual([["success", BRANCH, TOKEN]]);
    }));
});
