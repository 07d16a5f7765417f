import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";

const { makeHandler, gitlabState } = require("../../lambda/commit-status/index.js");

interface Seen {
  method: string;
  url: string;
  token: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** Plays GitLab's commit status API on localhost, answering with the given HTTP codes in turn. */
async function fakeGitlab(codes: number[]): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        token: req.headers["private-token"] as string,
        contentType: req.headers["content-type"],
        body: JSON.parse(body || "{}"),
      });
      const code = codes[Math.min(seen.length - 1, codes.length - 1)];
      res.writeHead(code, { "Content-Type": "application/json" }).end(code < 300 ? '{"id":1}' : '{"message":"error"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`, seen };
}

const SHA = "4f6e0b7c9d1a2b3c4d5e6f708192a3b4c5d6e7f8";
const event = (state: string) => ({
  region: "eu-west-1",
  "detail-type": "CodePipeline Pipeline Execution State Change",
  detail: { pipeline: "acme-platform-payments-api", "execution-id": "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab", state },
});

function handlerFor(url: string, logs: string[] = []) {
  return makeHandler({
    env: { GITLAB_API_URL: url, PROJECT_PATH: "acme/platform/payments-api", STATUS_NAME: "aws-codepipeline" },
    commitOf: async () => SHA,
    token: async () => "glpat-status-token-0123456789",
    baseDelayMs: 5,
    log: (m: string) => logs.push(m),
  });
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

  test("POSTs the status to the commit, with the URL-encoded project path, the token header and a link to the execution", async () => {
    const gitlab = await fakeGitlab([201]);
    try {
      const result = await handlerFor(gitlab.url)(event("SUCCEEDED"));
      expect(result).toEqual({ ok: true, status: 201, attempts: 1 });
      expect(gitlab.seen).toEqual([
        {
          method: "POST",
          url: `/api/v4/projects/acme%2Fplatform%2Fpayments-api/statuses/${SHA}`,
          token: "glpat-status-token-0123456789",
          contentType: "application/json",
          body: {
            state: "success",
            name: "aws-codepipeline",
            target_url:
              "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/acme-platform-payments-api/executions/0a1b2c3d-aaaa-bbbb-cccc-1234567890ab/timeline?region=eu-west-1",
            description: "CodePipeline acme-platform-payments-api: succeeded",
          },
        },
      ]);
    } finally {
      gitlab.server.close();
    }
  });

  test("GitLab down: retries with backoff, then gives up without failing", async () => {
    const gitlab = await fakeGitlab([503, 502, 500, 503]);
    const logs: string[] = [];
    try {
      const started = Date.now();
      const result = await handlerFor(gitlab.url, logs)(event("FAILED"));
      expect(result).toEqual({ ok: false, status: undefined, attempts: 4 });
      expect(gitlab.seen).toHaveLength(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 + 10 + 20);
      expect(logs[logs.length - 1]).toBe("gave up setting the commit status; the pipeline is not affected");
    } finally {
      gitlab.server.close();
    }
  });

  test("a transient error then success: one retry", async () => {
    const gitlab = await fakeGitlab([503, 201]);
    try {
      expect(await handlerFor(gitlab.url)(event("STARTED"))).toEqual({ ok: true, status: 201, attempts: 2 });
      expect(gitlab.seen.map((s) => s.body.state)).toEqual(["running", "running"]);
    } finally {
      gitlab.server.close();
    }
  });

  test("GitLab unreachable (nothing listening): gives up without throwing", async () => {
    const gitlab = await fakeGitlab([201]);
    const url = gitlab.url;
    await new Promise((resolve) => gitlab.server.close(resolve));
    const logs: string[] = [];
    expect(await handlerFor(url, logs)(event("FAILED"))).toEqual({ ok: false, status: undefined, attempts: 4 });
    expect(logs[0]).toMatch(/^gitlab unreachable: .* \(attempt 1 of 4\)$/);
  });

  test("a bad token: no retry, a log line saying what to rotate, no failure", async () => {
    const gitlab = await fakeGitlab([401]);
    const logs: string[] = [];
    try {
      expect(await handlerFor(gitlab.url, logs)(event("SUCCEEDED"))).toEqual({ ok: false, status: 401, attempts: 1 });
      expect(gitlab.seen).toHaveLength(1);
      expect(logs[0]).toMatch(/^gitlab refused the token \(HTTP 401\); rotate the project access token/);
    } finally {
      gitlab.server.close();
    }
  });

  test("states GitLab has no use for are ignored", async () => {
    expect(await handlerFor("http://127.0.0.1:9/api/v4")(event("CANCELED_BY_SOMETHING"))).toEqual({ skipped: "state CANCELED_BY_SOMETHING" });
  });
});
