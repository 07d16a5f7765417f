/*
 * The GitLab REST calls of the plan report, through undici (the Node.js team's HTTP client,
 * whose fetch Node ships): every request has a bounded time, GETs and PUTs are retried on
 * 429/5xx and network errors with backoff that honours Retry-After (undici's RetryAgent), a
 * POST is never retried (it would make a second note), and a failure is one line naming the
 * call and the status, never an HTML page.
 */
import { Agent, fetch, RetryAgent } from "undici";

export interface GitlabApiOptions {
  readonly token: string;
  /** Per attempt, for the headers and for the body. @default 10000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. @default 4 */
  readonly retries?: number;
}

export class GitlabApiError extends Error {
  /** The HTTP status GitLab answered with; absent for a network failure. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface GitlabApi {
  json<T>(method: "GET" | "PUT" | "POST", url: string, body?: unknown): Promise<{ data: T; headers: Headers }>;
  /** Every item of a paginated list, following GitLab's `x-next-page` header. */
  pages<T>(url: string, stop?: (items: T[]) => boolean): Promise<T[]>;
}

const RETRIED_METHODS = ["GET", "PUT"] as const;

export function gitlabApi(options: GitlabApiOptions): GitlabApi {
  const timeout = options.timeoutMs ?? 10_000;
  const dispatcher = new RetryAgent(new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connectTimeout: timeout }), {
    maxRetries: options.retries ?? 4,
    minTimeout: 500,
    maxTimeout: 10_000,
    timeoutFactor: 2,
    methods: [...RETRIED_METHODS],
    statusCodes: [429, 500, 502, 503, 504],
    errorCodes: ["ECONNRESET", "ECONNREFUSED", "ENOTFOUND", "ENETUNREACH", "EHOSTDOWN", "EHOSTUNREACH", "EPIPE", "UND_ERR_SOCKET"],
  });
  const headers = { "PRIVATE-TOKEN": options.token, "Content-Type": "application/json" };
  const shown = (url: string) => url.replace(/([?&](private_token|access_token)=)[^&]*/g, "$1…");

  async function json<T>(method: "GET" | "PUT" | "POST", url: string, body?: unknown): Promise<{ data: T; headers: Headers }> {
    const call = `${method} ${shown(url)}`;
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), dispatcher });
    } catch (e) {
      throw new GitlabApiError(`${call}: ${networkWords(e, method === "POST" ? 1 : (options.retries ?? 4) + 1)}`);
    }
    const text = await res.text();
    if (!res.ok)
      throw new GitlabApiError(
        `${call}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}: ${bodyWords(text, res.headers.get("content-type"))}`,
        res.status,
      );
    try {
      return { data: JSON.parse(text) as T, headers: res.headers as unknown as Headers };
    } catch {
      throw new GitlabApiError(`${call}: HTTP ${res.status} with a body that is not JSON (${bodyWords(text, res.headers.get("content-type"))})`);
    }
  }

  async function pages<T>(url: string, stop?: (items: T[]) => boolean): Promise<T[]> {
    const all: T[] = [];
    let page: string | null = "1";
    while (page) {
      const sep = url.includes("?") ? "&" : "?";
      const answer: { data: T[]; headers: Headers } = await json<T[]>("GET", `${url}${sep}per_page=100&page=${page}`);
      const { data, headers: h } = answer;
      all.push(...data);
      if (stop?.(data)) break;
      page = h.get("x-next-page") || null;
    }
    return all;
  }

  return { json, pages };
}

/** A network failure in words: the cause's code or message, not a stack. */
function networkWords(e: unknown, attempts: number): string {
  type Cause = { code?: string; message?: string; statusCode?: number };
  const err = e as Error & Cause & { cause?: Cause };
  const cause: Cause = err.cause ?? err;
  if (typeof cause.statusCode === "number") return `HTTP ${cause.statusCode} after ${attempts} attempts`;
  const code = cause.code ?? err.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return `no answer in time (${code})`;
  return `${cause.message ?? String(e)}${code ? ` (${code})` : ""}`;
}

/** GitLab's `message` from a JSON error, or a short mention of anything else. */
function bodyWords(text: string, contentType: string | null): string {
  if (/json/i.test(contentType ?? "")) {
    try {
      const m = JSON.parse(text);
      const message = m.message ?? m.error ?? m;
      return typeof message === "string" ? message.slice(0, 200) : JSON.stringify(message).slice(0, 200);
    } catch {
      /* falls through to the plain text below */
    }
  }
  if (/html/i.test(contentType ?? "") || /^\s*<(!doctype|html)/i.test(text)) return "an HTML error page (not shown)";
  const line = text.trim().split("\n")[0] ?? "";
  return line ? line.slice(0, 200) : "an empty body";
}
