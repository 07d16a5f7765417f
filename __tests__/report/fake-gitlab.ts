/*
 * GitLab's REST API for one project on localhost, as much as the plan report uses: merge
 * request notes, issues and merge-request labels, with paging headers, and misbehaviour on
 * demand (errors first, Retry-After, silence, a refused label edit).
 */
import { mkdtempSync } from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliInProcess, cliSpawned, RunOptions, RunResult } from "../cli/run";

type PlanReportRun = { code: number; stdout: string; stderr: string; dir: string };

/** Runs `gitlab-aws-delivery plan-report …` in a fresh folder, in this process (cli/run.ts cliInProcess). */
export function runPlanReport(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PlanReportRun> {
  return planReportWith(cliInProcess, args, env);
}

/** The same through the real bin, a process of its own: the command's wiring in the bundle. */
export function runPlanReportThroughBin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PlanReportRun> {
  return planReportWith(cliSpawned, args, env);
}

async function planReportWith(
  run: (args: readonly string[], options: RunOptions) => Promise<RunResult>,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<PlanReportRun> {
  const dir = mkdtempSync(join(tmpdir(), "plan-report-"));
  const r = await run(["plan-report", ...args], {
    cwd: dir,
    env: { GITLAB_TOKEN: "", CI_PIPELINE_ID: "", CI_COMMIT_SHA: "", CI_JOB_URL: "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, dir };
}

export const TOKEN = "glpat-test-token-0123456789";

export interface Misbehaviour {
  /** Answer the first N requests with `status` (and Retry-After). */
  readonly failFirst?: number;
  readonly status?: number;
  readonly retryAfter?: string;
  /** Never answer. */
  readonly silent?: boolean;
  /** Answer each request after this long. */
  readonly delayMs?: number;
  /** Answer every merge-request edit (labels) with 403. */
  readonly labelsForbidden?: boolean;
}

export interface Issue {
  iid: number;
  title: string;
  description: string | null;
  state: "opened" | "closed";
  labels: string[];
}

export interface FakeGitlab {
  readonly server: Server;
  /** `CI_API_V4_URL` */
  readonly url: string;
  /** `METHOD path?query` of every request. */
  readonly seen: string[];
  readonly notes: Array<{ id: number; body: string; system: boolean }>;
  readonly issues: Issue[];
  /** The merge request's labels. */
  readonly labels: Set<string>;
  close(): void;
}

/** Project `acme/infra`, merge request !42. */
export function fakeGitlab(behave: Misbehaviour = {}, seed: { notes?: number; issues?: Issue[]; labels?: string[] } = {}): Promise<FakeGitlab> {
  let failures = 0;
  const seen: string[] = [];
  const notes = Array.from({ length: seed.notes ?? 0 }, (_, i) => ({ id: i + 1, body: `note ${i + 1}`, system: false }));
  const issues = seed.issues ?? [];
  const labels = new Set(seed.labels ?? []);
  const project = "/api/v4/projects/acme%2Finfra";
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => setTimeout(answer, behave.delayMs ?? 0));
    const answer = () => {
      seen.push(`${req.method} ${req.url}`);
      if (behave.silent) return;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
      if (failures < (behave.failFirst ?? 0)) {
        failures++;
        return json(behave.status ?? 502, { message: "try later" }, behave.retryAfter ? { "Retry-After": behave.retryAfter } : {});
      }
      if (req.headers["private-token"] !== TOKEN) return json(401, { message: "401 Unauthorized" });
      const url = new URL(req.url!, "http://x");
      const body = text ? JSON.parse(text) : {};
      const page = <T>(items: T[]) => {
        const n = Number(url.searchParams.get("page") ?? 1);
        const per = Number(url.searchParams.get("per_page") ?? 20);
        json(200, items.slice((n - 1) * per, n * per), { "x-next-page": n * per < items.length ? String(n + 1) : "" });
      };
      const path = url.pathname;
      if (path === `${project}/merge_requests/42/notes` && req.method === "GET") return page(notes);
      if (path === `${project}/merge_requests/42/notes` && req.method === "POST") {
        const note = { id: notes.length + 1, body: body.body, system: false };
        notes.push(note);
        return json(201, note);
      }
      if (path.startsWith(`${project}/merge_requests/42/notes/`) && req.method === "PUT") {
        const note = notes.find((n) => n.id === Number(path.split("/").pop()))!;
        note.body = body.body;
        return json(200, note);
      }
      if (path === `${project}/merge_requests/42` && req.method === "PUT") {
        if (behave.labelsForbidden) return json(403, { message: "403 Forbidden" });
        for (const l of String(body.add_labels ?? "")
          .split(",")
          .filter(Boolean))
          labels.add(l);
        for (const l of String(body.remove_labels ?? "")
          .split(",")
          .filter(Boolean))
          labels.delete(l);
        return json(200, { iid: 42, labels: [...labels] });
      }
      if (path === `${project}/issues` && req.method === "GET") return page(issues);
      if (path === `${project}/issues` && req.method === "POST") {
        const issue: Issue = {
          iid: issues.length + 1,
          title: body.title,
          description: body.description,
          state: "opened",
          labels: String(body.labels ?? "").split(","),
        };
        issues.push(issue);
        return json(201, issue);
      }
      if (path.startsWith(`${project}/issues/`) && req.method === "PUT") {
        const issue = issues.find((i) => i.iid === Number(path.split("/").pop()));
        if (!issue) return json(404, { message: "404 Not found" });
        if (body.description !== undefined) issue.description = body.description;
        if (body.state_event === "close") issue.state = "closed";
        if (body.state_event === "reopen") issue.state = "opened";
        return json(200, issue);
      }
      return json(404, { message: "404 Not Found" });
    };
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`,
        seen,
        notes,
        issues,
        labels,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}
