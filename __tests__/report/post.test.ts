import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliInProcess } from "../cli/run";
import { runPlanReport as run, runPlanReportThroughBin } from "./fake-gitlab";

const root = join(__dirname, "..", "..");
const PLAN = join(root, "__tests__", "fixtures", "plans", "opentofu", "show-json_requires-replace.json");

interface Seen {
  method: string;
  url: string;
  token: string | undefined;
  body: string;
}

/** Plays the GitLab notes API of one merge request on localhost. */
function fakeGitlab(): Promise<{ server: Server; url: string; seen: Seen[]; notes: Array<{ id: number; body: string; system: boolean }> }> {
  const seen: Seen[] = [];
  const notes = [{ id: 7, body: "LGTM", system: false }];
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, token: req.headers["private-token"] as string | undefined, body });
      const path = req.url!.split("?")[0];
      if (req.headers["private-token"] !== "glpat-test-token-0123456789") {
        res.writeHead(401).end('{"message":"401 Unauthorized"}');
      } else if (req.method === "GET" && path === "/api/v4/projects/acme%2Finfra/merge_requests/42/notes") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(notes));
      } else if (req.method === "POST" && path === "/api/v4/projects/acme%2Finfra/merge_requests/42/notes") {
        const note = { id: 100 + notes.length, body: JSON.parse(body).body, system: false };
        notes.push(note);
        res.writeHead(201).end(JSON.stringify(note));
      } else if (req.method === "PUT" && path === "/api/v4/projects/acme%2Finfra/merge_requests/42") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ iid: 42, labels: JSON.parse(body).add_labels.split(",") }));
      } else if (req.method === "PUT" && /^\/api\/v4\/projects\/acme%2Finfra\/merge_requests\/42\/notes\/\d+$/.test(path)) {
        const note = notes.find((n) => n.id === Number(path.split("/").pop()))!;
        note.body = JSON.parse(body).body;
        res.writeHead(200).end(JSON.stringify(note));
      } else {
        res.writeHead(404).end("{}");
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`, seen, notes })),
  );
}

describe("plan-report command", () => {
  test("writes GitLab's report and the summary (through the real bin: plan-report's wiring in the bundle)", async () => {
    const r = await runPlanReportThroughBin([PLAN, "--report", "r.json", "--markdown", "r.md", "--title", "acme"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("plan-report: 1 to create, 0 to update, 1 to delete\n");
    expect(readFileSync(join(r.dir, "r.json"), "utf8")).toBe('{"create":1,"update":0,"delete":1}\n');
    expect(readFileSync(join(r.dir, "r.md"), "utf8")).toMatch(/^### acme\n/);
  });

  test("--post creates one marked note, then updates that same note on the next push", async () => {
    const gitlab = await fakeGitlab();
    try {
      const env = { CI_API_V4_URL: gitlab.url, CI_PROJECT_ID: "acme/infra", CI_MERGE_REQUEST_IID: "42", GITLAB_TOKEN: "glpat-test-token-0123456789" };
      const first = await run([PLAN, "--post", "--key", "acme-delivery-acme"], env);
      expect([first.code, first.stderr]).toEqual([0, ""]);
      expect(first.stdout).toContain("plan-report: note 101 created");
      const second = await run([PLAN, "--post", "--key", "acme-delivery-acme"], env);
      expect(second.stdout).toContain("plan-report: note 101 updated");
      expect(gitlab.seen.map((s) => `${s.method} ${s.url.split("?")[0]}`)).toEqual([
        "GET /api/v4/projects/acme%2Finfra/merge_requests/42/notes",
        "POST /api/v4/projects/acme%2Finfra/merge_requests/42/notes",
        "PUT /api/v4/projects/acme%2Finfra/merge_requests/42",
        "GET /api/v4/projects/acme%2Finfra/merge_requests/42/notes",
        "PUT /api/v4/projects/acme%2Finfra/merge_requests/42/notes/101",
        "PUT /api/v4/projects/acme%2Finfra/merge_requests/42",
      ]);
      expect(gitlab.seen.every((s) => s.token === "glpat-test-token-0123456789")).toBe(true);
      expect(gitlab.notes).toHaveLength(2);
      expect(gitlab.notes[1].body.startsWith("<!-- gitlab-aws-delivery:plan-report:acme-delivery-acme -->\n### Terraform plan\n")).toBe(true);
      expect(gitlab.notes[0]).toEqual({ id: 7, body: "LGTM", system: false });
    } finally {
      gitlab.server.close();
    }
  });

  test("the note says which pipeline and commit made it, and an older pipeline never overwrites a newer one's note", async () => {
    const gitlab = await fakeGitlab();
    try {
      const env = (pipeline: string, sha: string) => ({
        CI_API_V4_URL: gitlab.url,
        CI_PROJECT_ID: "acme/infra",
        CI_MERGE_REQUEST_IID: "42",
        GITLAB_TOKEN: "glpat-test-token-0123456789",
        CI_PIPELINE_ID: pipeline,
        CI_COMMIT_SHA: sha,
      });
      const newer = await run([PLAN, "--post", "--key", "acme"], env("2002", "b".repeat(40)));
      expect(newer.stdout).toContain("plan-report: note 101 created");
      const older = await run([PLAN, "--post", "--key", "acme"], env("1999", "a".repeat(40)));
      expect([older.code, older.stderr]).toEqual([0, ""]);
      expect(older.stdout).toContain("plan-report: note 101 kept: it was made by a newer pipeline (2002, commit bbbbbbbbbbbb) than this one");
      // The older pipeline wrote nothing: neither the note nor the labels.
      expect(gitlab.seen.filter((s) => s.method !== "GET").map((s) => `${s.method} ${s.url}`)).toEqual([
        "POST /api/v4/projects/acme%2Finfra/merge_requests/42/notes",
        "PUT /api/v4/projects/acme%2Finfra/merge_requests/42",
      ]);
      expect(gitlab.notes[1].body.split("\n").slice(0, 2)).toEqual([
        "<!-- gitlab-aws-delivery:plan-report:acme -->",
        `<!-- made-from: pipeline=2002 commit=${"b".repeat(40)} -->`,
      ]);
      const latest = await run([PLAN, "--post", "--key", "acme"], env("2010", "c".repeat(40)));
      expect(latest.stdout).toContain("plan-report: note 101 updated");
      expect(gitlab.notes[1].body).toContain(`<!-- made-from: pipeline=2010 commit=${"c".repeat(40)} -->`);
    } finally {
      gitlab.server.close();
    }
  });

  test("report folders are created; a path that cannot be written is one line (issue 13, item 3)", async () => {
    const r = await run([PLAN, "--report", "reports/deep/acme.json", "--markdown", "reports/deep/acme.md"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(readFileSync(join(r.dir, "reports", "deep", "acme.json"), "utf8")).toBe('{"create":1,"update":0,"delete":1}\n');
    const dir = mkdtempSync(join(tmpdir(), "plan-file-"));
    writeFileSync(join(dir, "afile"), "x");
    const bad = await run([PLAN, "--report", join(dir, "afile", "x.json")]);
    expect([bad.code, bad.stdout]).toEqual([1, ""]);
    expect(bad.stderr).toBe(
      `plan-report: cannot write ${join(dir, "afile", "x.json")}: a file is in the way of its folder (EEXIST); choose a writable path with --report / --markdown\n`,
    );
  });

  test("--post with a bad token fails with the API's answer (exit 4)", async () => {
    const gitlab = await fakeGitlab();
    try {
      const r = await run([PLAN, "--post"], { CI_API_V4_URL: gitlab.url, CI_PROJECT_ID: "acme/infra", CI_MERGE_REQUEST_IID: "42", GITLAB_TOKEN: "wrong" });
      expect(r.code).toBe(4);
      expect(r.stderr).toBe(
        `plan-report: posting to the merge request failed: GET ${gitlab.url}/projects/acme%2Finfra/merge_requests/42/notes?sort=asc&order_by=created_at&per_page=100&page=1: HTTP 401 Unauthorized: {"message":"401 Unauthorized"}\n`,
      );
    } finally {
      gitlab.server.close();
    }
  });

  test("--post outside a merge-request pipeline says what is missing", async () => {
    const r = await run([PLAN, "--post"], { CI_API_V4_URL: "", CI_PROJECT_ID: "", CI_MERGE_REQUEST_IID: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "plan-report: --post needs CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, GITLAB_TOKEN in the environment (a merge-request pipeline sets the CI_ ones; GITLAB_TOKEN is a token with api scope)\n",
    );
  });

  test("--fail-on high exits 3 on a deleted bucket; a file that is not a plan is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const plan = join(dir, "plan.json");
    writeFileSync(
      plan,
      JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "aws_s3_bucket.a", type: "aws_s3_bucket", change: { actions: ["delete"] } }] }),
    );
    const r = await run([plan, "--fail-on", "high"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("plan-report: the plan has changes at or above --fail-on high; see plan-report.md\n");
    writeFileSync(plan, "[1,2]");
    const bad = await run([plan]);
    expect([bad.code, bad.stderr]).toEqual([1, `plan-report: ${plan} is not a JSON object; give the output of \`terraform show -json <planfile>\`\n`]);
  });
});

/** A GitLab notes API that misbehaves as told: a busy merge request, errors, slowness. */
function unreliableGitlab(behave: { notes?: number; failFirst?: number; status?: number; retryAfter?: string; html?: boolean; silent?: boolean }) {
  let failures = 0;
  const seen: string[] = [];
  const notes = Array.from({ length: behave.notes ?? 1 }, (_, i) => ({ id: i + 1, body: `note ${i + 1}`, system: false }));
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      if (behave.silent) return; // never answers
      if (failures < (behave.failFirst ?? 0)) {
        failures++;
        const headers: Record<string, string> = behave.retryAfter ? { "Retry-After": behave.retryAfter } : {};
        if (behave.html)
          res
            .writeHead(behave.status ?? 502, { ...headers, "Content-Type": "text/html" })
            .end("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>");
        else res.writeHead(behave.status ?? 502, headers).end("{}");
        return;
      }
      const url = new URL(req.url!, "http://x");
      if (req.method === "GET") {
        const page = Number(url.searchParams.get("page") ?? 1);
        const per = Number(url.searchParams.get("per_page") ?? 20);
        const slice = notes.slice((page - 1) * per, page * per);
        const next = page * per < notes.length ? String(page + 1) : "";
        res.writeHead(200, { "Content-Type": "application/json", "x-next-page": next }).end(JSON.stringify(slice));
      } else if (req.method === "PUT" && url.pathname.endsWith("/merge_requests/42")) {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ iid: 42 }));
      } else if (req.method === "PUT") {
        const note = notes.find((n) => n.id === Number(url.pathname.split("/").pop()))!;
        note.body = JSON.parse(body).body;
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(note));
      } else {
        const note = { id: notes.length + 1, body: JSON.parse(body).body, system: false };
        notes.push(note);
        res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify(note));
      }
    });
  });
  return new Promise<{ server: Server; url: string; seen: string[]; notes: typeof notes }>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`, seen, notes })),
  );
}

describe("--post against a GitLab that is busy, slow or failing (issue 13, item 2)", () => {
  const env = (url: string, extra: Record<string, string> = {}) => ({
    CI_API_V4_URL: url,
    CI_PROJECT_ID: "acme/infra",
    CI_MERGE_REQUEST_IID: "42",
    GITLAB_TOKEN: "glpat-test-token-0123456789",
    ...extra,
  });

  test("a merge request with 2,500 notes: every page is read and the marked note is updated, never duplicated", async () => {
    const gitlab = await unreliableGitlab({ notes: 2500 });
    try {
      gitlab.notes[2399].body = "<!-- gitlab-aws-delivery:plan-report:acme -->\nold";
      const r = await run([PLAN, "--post", "--key", "acme"], env(gitlab.url));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain("plan-report: note 2400 updated");
      expect(gitlab.notes).toHaveLength(2500);
      expect(gitlab.seen.filter((s) => s.startsWith("GET"))).toHaveLength(24);
    } finally {
      gitlab.server.close();
    }
  });

  test("5xx, then OK: the listing is retried and the note created", async () => {
    const gitlab = await unreliableGitlab({ failFirst: 2, status: 503 });
    try {
      const r = await run([PLAN, "--post"], env(gitlab.url));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain("plan-report: note 2 created");
      expect(gitlab.seen.filter((s) => s.startsWith("GET"))).toHaveLength(3);
    } finally {
      gitlab.server.close();
    }
  });

  test("429 with Retry-After: it waits as told, then goes on", async () => {
    const gitlab = await unreliableGitlab({ failFirst: 1, status: 429, retryAfter: "1" });
    try {
      const started = Date.now();
      const r = await run([PLAN, "--post"], env(gitlab.url));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      gitlab.server.close();
    }
  });

  test("a GitLab that keeps failing with an HTML page: one line naming the call and the status, no HTML", async () => {
    const gitlab = await unreliableGitlab({ failFirst: 99, status: 502, html: true });
    try {
      const r = await run([PLAN, "--post"], env(gitlab.url));
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(
        /^plan-report: posting to the merge request failed: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/acme%2Finfra\/merge_requests\/42\/notes\?[^ ]+: HTTP 502 after 5 attempts\n$/,
      );
      expect(r.stderr).not.toMatch(/html/i);
    } finally {
      gitlab.server.close();
    }
  }, 60_000);

  test("a silent GitLab: the call gives up after its timeout and says so", async () => {
    const gitlab = await unreliableGitlab({ silent: true });
    try {
      const started = Date.now();
      const r = await run([PLAN, "--post"], env(gitlab.url, { DELIVERY_HTTP_TIMEOUT_MS: "700" }));
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/: no answer in time \(UND_ERR_HEADERS_TIMEOUT\)\n$/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      gitlab.server.closeAllConnections();
      gitlab.server.close();
    }
  });
});

describe("the summary says where it was made (issue 13, item 8)", () => {
  test("the CI job, the commit, terraform's timestamp and version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const plan = join(dir, "plan.json");
    writeFileSync(plan, JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", timestamp: "2026-11-26T01:02:03Z", resource_changes: [] }));
    const r = await run([plan, "--markdown", "s.md"], {
      CI_JOB_URL: "https://gitlab.example.com/acme/infra/-/jobs/77",
      CI_JOB_ID: "77",
      CI_COMMIT_SHA: "c".repeat(40),
    });
    expect(r.code).toBe(0);
    expect(
      readFileSync(join(r.dir, "s.md"), "utf8").endsWith(
        "\n<sub>[job 77](https://gitlab.example.com/acme/infra/-/jobs/77) · commit cccccccccccc · planned 2026-11-26T01:02:03Z · terraform 1.11.4</sub>\n",
      ),
    ).toBe(true);
    const bare = await run([plan, "--markdown", "s.md"], { CI_JOB_URL: "", CI_COMMIT_SHA: "" });
    expect(readFileSync(join(bare.dir, "s.md"), "utf8")).toContain("<sub>planned 2026-11-26T01:02:03Z · terraform 1.11.4</sub>");
  });
});

// Here, where plan-report is loaded anyway.
describe("the in-process runner these tests use (cli/run.ts)", () => {
  test("it gives a run its folder and environment, and puts them, the exit code and the streams back", async () => {
    const before = { cwd: process.cwd(), env: { ...process.env }, exitCode: process.exitCode, write: process.stdout.write };
    process.env.DELIVERY_RUN_PROBE = "kept";
    const dir = mkdtempSync(join(tmpdir(), "in-process-"));
    writeFileSync(
      join(dir, "plan.json"),
      JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", change: { actions: ["create"] } }] }),
    );
    const env = { DELIVERY_RUN_PROBE: undefined, DELIVERY_RUN_ADDED: "x", CI_COMMIT_SHA: "c".repeat(40), CI_JOB_URL: "" };
    const r = await cliInProcess(["plan-report", "plan.json", "--markdown", "s.md", "--fail-on", "change"], { cwd: dir, env });
    expect(r).toEqual({
      status: 3,
      stdout: "plan-report: 1 to create, 0 to update, 0 to delete\n",
      stderr: "plan-report: the plan has changes at or above --fail-on change; see s.md\n",
    });
    expect(readFileSync(join(dir, "s.md"), "utf8")).toContain("<sub>commit cccccccccccc</sub>");
    expect([process.cwd(), process.exitCode, process.stdout.write]).toEqual([before.cwd, before.exitCode, before.write]);
    expect([process.env.DELIVERY_RUN_PROBE, process.env.DELIVERY_RUN_ADDED]).toEqual(["kept", undefined]);
    delete process.env.DELIVERY_RUN_PROBE;
    expect(process.env).toEqual(before.env);
  });
});
