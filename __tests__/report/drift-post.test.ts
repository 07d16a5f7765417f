/*
 * The scheduled drift job's report and issue, and the merge request's labels, against a
 * localhost GitLab (issue 13, items 6 and 8).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeGitlab, Issue, runPlanReport as run, runPlanReportThroughBin, TOKEN } from "./fake-gitlab";

const FIXTURES = join(__dirname, "..", "fixtures");
const DRIFT = join(FIXTURES, "drift", "console-edit.json");
const MARKER = "<!-- gitlab-aws-delivery:drift:acme-delivery-acme -->";
const NO_DRIFT = (() => {
  const file = join(mkdtempSync(join(tmpdir(), "drift-")), "none.json");
  writeFileSync(file, JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: {} }));
  return file;
})();
const env = (url: string, extra: Record<string, string> = {}) => ({ CI_API_V4_URL: url, CI_PROJECT_ID: "acme/infra", GITLAB_TOKEN: TOKEN, ...extra });
const drift = (plan: string, ...more: string[]) => [plan, "--drift", "--title", "acme-delivery-acme", "--markdown", "drift.md", ...more];
const posted = (plan: string) => drift(plan, "--post", "--key", "acme-delivery-acme");

describe("plan-report --drift", () => {
  test("drift found: the summary is written and the command exits 5 (the real bin's exit code); none: exit 0", async () => {
    const r = await runPlanReportThroughBin(drift(DRIFT));
    expect([r.code, r.stdout, r.stderr]).toEqual([
      5,
      "plan-report: 2 objects changed outside Terraform\n",
      "plan-report: drift found in acme-delivery-acme; see drift.md\n",
    ]);
    expect(readFileSync(join(r.dir, "drift.md"), "utf8")).toMatch(/^### Drift: acme-delivery-acme\n\n\*\*2 objects changed outside Terraform\*\*/);
    const none = await run(drift(NO_DRIFT));
    expect([none.code, none.stdout, none.stderr]).toEqual([0, "plan-report: 0 objects changed outside Terraform\n", ""]);
  });

  test("--post opens one marked issue per stack, updates it while drift lasts, closes it when drift is gone, reopens it when it returns", async () => {
    const gitlab = await fakeGitlab();
    try {
      const opened = await run(posted(DRIFT), env(gitlab.url));
      expect([opened.code, opened.stderr]).toEqual([5, "plan-report: drift found in acme-delivery-acme; see drift.md\n"]);
      expect(opened.stdout).toBe("plan-report: 2 objects changed outside Terraform\nplan-report: drift issue #1 opened\n");
      expect(gitlab.issues).toHaveLength(1);
      expect(gitlab.issues[0]).toMatchObject({
        iid: 1,
        title: "Drift in acme-delivery-acme: objects changed outside Terraform",
        state: "opened",
        labels: ["terraform:drift"],
      });
      expect(gitlab.issues[0].description!.startsWith(`${MARKER}\n### Drift: acme-delivery-acme\n`)).toBe(true);

      expect((await run(posted(DRIFT), env(gitlab.url))).stdout).toContain("plan-report: drift issue #1 updated\n");
      const closed = await run(posted(NO_DRIFT), env(gitlab.url));
      expect([closed.code, closed.stdout]).toEqual([0, "plan-report: 0 objects changed outside Terraform\nplan-report: drift issue #1 closed\n"]);
      expect(gitlab.issues[0].state).toBe("closed");
      expect(gitlab.issues[0].description).toContain("No drift: every object in the state is as Terraform left it.");
      expect((await run(posted(NO_DRIFT), env(gitlab.url))).stdout).toContain("plan-report: no drift issue to open or close\n");
      expect((await run(posted(DRIFT), env(gitlab.url))).stdout).toContain("plan-report: drift issue #1 reopened\n");
      expect(gitlab.issues).toHaveLength(1);
      expect(gitlab.issues[0].state).toBe("opened");
      expect(gitlab.seen.filter((s) => s.startsWith("POST"))).toHaveLength(1);
    } finally {
      gitlab.close();
    }
  });

  test("2,500 issues: every page is read until the stack's issue, which is updated, never duplicated", async () => {
    const issues: Issue[] = Array.from({ length: 2500 }, (_, i) => ({
      iid: i + 1,
      title: `issue ${i + 1}`,
      description: `text ${i + 1}`,
      state: "opened",
      labels: [],
    }));
    issues[2399].description = `${MARKER}\nold`;
    issues[1000].description = null; // GitLab gives null for an issue without a description
    const gitlab = await fakeGitlab({}, { issues });
    try {
      const r = await run(posted(DRIFT), env(gitlab.url));
      expect([r.code, r.stdout]).toEqual([5, "plan-report: 2 objects changed outside Terraform\nplan-report: drift issue #2400 updated\n"]);
      expect(gitlab.issues).toHaveLength(2500);
      expect(gitlab.seen.filter((s) => s.startsWith("GET"))).toHaveLength(24);
      expect(gitlab.seen.at(-1)).toBe("PUT /api/v4/projects/acme%2Finfra/issues/2400");
    } finally {
      gitlab.close();
    }
  });

  test("5xx, then OK: the listing is retried and the issue opened", async () => {
    const gitlab = await fakeGitlab({ failFirst: 2, status: 503 });
    try {
      const r = await run(posted(DRIFT), env(gitlab.url));
      expect(r.stdout).toContain("plan-report: drift issue #1 opened\n");
      expect(gitlab.seen.filter((s) => s.startsWith("GET"))).toHaveLength(3);
    } finally {
      gitlab.close();
    }
  });

  test("429 with Retry-After: it waits as told, then goes on", async () => {
    const gitlab = await fakeGitlab({ failFirst: 1, status: 429, retryAfter: "1" });
    try {
      const started = Date.now();
      const r = await run(posted(DRIFT), env(gitlab.url));
      expect(r.stdout).toContain("plan-report: drift issue #1 opened\n");
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      gitlab.close();
    }
  });

  test("a slow GitLab within the timeout is waited for", async () => {
    const gitlab = await fakeGitlab({ delayMs: 1200 });
    try {
      const r = await run(posted(DRIFT), env(gitlab.url, { DELIVERY_HTTP_TIMEOUT_MS: "3000" }));
      expect([r.code, r.stdout]).toEqual([5, "plan-report: 2 objects changed outside Terraform\nplan-report: drift issue #1 opened\n"]);
      expect(gitlab.seen.filter((s) => s.startsWith("GET"))).toHaveLength(1);
    } finally {
      gitlab.close();
    }
  });

  test("a silent GitLab ends the job with exit 4 and one line naming the call", async () => {
    const gitlab = await fakeGitlab({ silent: true });
    try {
      const started = Date.now();
      const r = await run(posted(DRIFT), env(gitlab.url, { DELIVERY_HTTP_TIMEOUT_MS: "700" }));
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(
        /^plan-report: keeping the drift issue failed: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/acme%2Finfra\/issues\?state=all&order_by=created_at&sort=asc&per_page=100&page=1: no answer in time \(UND_ERR_HEADERS_TIMEOUT\)\n$/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      gitlab.close();
    }
  });

  test('a refresh that stopped part-way is not read as "no drift": exit 1, and the stack\'s issue is left as it is', async () => {
    const file = join(mkdtempSync(join(tmpdir(), "drift-")), "errored.json");
    writeFileSync(file, JSON.stringify({ format_version: "1.2", planned_values: {}, errored: true }));
    const gitlab = await fakeGitlab();
    try {
      const r = await run(posted(file), env(gitlab.url));
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(
        `plan-report: ${file}: drift cannot be judged: terraform stopped with an error while planning (errored): the changes below are only part of what it would do; fix the error and plan again\n`,
      );
      expect(readFileSync(join(r.dir, "drift.md"), "utf8")).toContain("> **⛔ Drift cannot be judged: terraform stopped with an error while planning");
      expect(gitlab.seen).toEqual([]);
    } finally {
      gitlab.close();
    }
  });

  test("--post needs a key and the pipeline's variables", async () => {
    const noKey = await run(drift(DRIFT, "--post"), env("http://127.0.0.1:9/api/v4"));
    expect([noKey.code, noKey.stderr]).toEqual([1, "plan-report: --drift --post needs --key <stack>: each stack keeps its own drift issue\n"]);
    const noEnv = await run(posted(DRIFT), { CI_API_V4_URL: "", CI_PROJECT_ID: "" });
    expect([noEnv.code, noEnv.stderr]).toEqual([
      1,
      "plan-report: --drift --post needs CI_API_V4_URL, CI_PROJECT_ID, GITLAB_TOKEN in the environment (a pipeline sets the CI_ ones; GITLAB_TOKEN may create and edit issues)\n",
    ]);
  });
});

describe("merge-request labels (issue 13, item 8)", () => {
  const mrEnv = (url: string) => ({ CI_API_V4_URL: url, CI_PROJECT_ID: "acme/infra", CI_MERGE_REQUEST_IID: "42", GITLAB_TOKEN: TOKEN });
  const plan = (changes: Array<[string, string[]]>) => {
    const file = join(mkdtempSync(join(tmpdir(), "labels-")), "plan.json");
    writeFileSync(
      file,
      JSON.stringify({
        format_version: "1.2",
        resource_changes: changes.map(([address, actions]) => ({ address, type: address.split(".")[0], change: { actions } })),
      }),
    );
    return file;
  };

  test("a destroying, high-risk plan labels the merge request; the next push with no changes swaps the labels", async () => {
    const gitlab = await fakeGitlab({}, { labels: ["team::platform", "terraform:no-changes"] });
    try {
      const r = await run([plan([["aws_s3_bucket.a", ["delete"]]]), "--post"], mrEnv(gitlab.url));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain("plan-report: labels terraform:destroy, terraform:high-risk\n");
      expect([...gitlab.labels].sort()).toEqual(["team::platform", "terraform:destroy", "terraform:high-risk"]);
      const quiet = await run([plan([["aws_s3_bucket.a", ["no-op"]]]), "--post"], mrEnv(gitlab.url));
      expect(quiet.stdout).toContain("plan-report: labels terraform:no-changes\n");
      expect([...gitlab.labels].sort()).toEqual(["team::platform", "terraform:no-changes"]);
    } finally {
      gitlab.close();
    }
  });

  test("a token that may not label (403) gives one warning line; the note is posted and the command succeeds", async () => {
    const gitlab = await fakeGitlab({ labelsForbidden: true });
    try {
      const r = await run([plan([["aws_s3_bucket.a", ["delete"]]]), "--post"], mrEnv(gitlab.url));
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("plan-report: note 1 created\n");
      expect(r.stderr).toBe(
        `plan-report: warning: labels not set: PUT ${gitlab.url}/projects/acme%2Finfra/merge_requests/42: HTTP 403 Forbidden: 403 Forbidden (GitLab lets Developer and above label a merge request, not Reporter: give the token that role, or pass --no-labels)\n`,
      );
    } finally {
      gitlab.close();
    }
  });

  test("--no-labels leaves the merge request's labels alone", async () => {
    const gitlab = await fakeGitlab();
    try {
      const r = await run([plan([["aws_s3_bucket.a", ["delete"]]]), "--post", "--no-labels"], mrEnv(gitlab.url));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(gitlab.seen.filter((s) => s.startsWith("PUT"))).toEqual([]);
    } finally {
      gitlab.close();
    }
  });
});

describe("--fail-on=high (issue 13, item 5)", () => {
  test("the = form works like the spaced form, and a wrong level is refused the same way", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "fail-on-")), "plan.json");
    writeFileSync(
      file,
      JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "aws_s3_bucket.a", type: "aws_s3_bucket", change: { actions: ["delete"] } }] }),
    );
    const joined = await run([file, "--fail-on=high"]);
    const spaced = await run([file, "--fail-on", "high"]);
    expect([joined.code, joined.stderr]).toEqual([3, "plan-report: the plan has changes at or above --fail-on high; see plan-report.md\n"]);
    expect([spaced.code, spaced.stderr]).toEqual([joined.code, joined.stderr]);
    const wrong = await run([file, "--fail-on=hihg"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      "plan-report: option '--fail-on <level>' argument 'hihg' is invalid. Allowed choices are none, high, medium, change; see gitlab-aws-delivery plan-report --help\n",
    );
  });
});
