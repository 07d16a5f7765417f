"use strict";
/*
 * Commit statuses on GitLab for the executions of one CodePipeline.
 *
 * EventBridge invokes this function (asynchronously) on each "CodePipeline Pipeline Execution
 * State Change". The event only says that the execution changed: the function reads the
 * execution (GetPipelineExecution) and posts the state it is in now, so a late, duplicated or
 * out-of-order event never re-opens a finished status.
 *
 *   event        GetPipelineExecution  GitLab
 *   STARTED      InProgress            running
 *   RESUMED      InProgress            running
 *   STOPPING     Stopping              nothing (STOPPED follows)
 *   STOPPED      Stopped               canceled  final
 *   SUCCEEDED    Succeeded             success   final
 *   FAILED       Failed                failed    final, until a retry of the failed stage
 *                                                (RESUMED) makes the execution InProgress again
 *   CANCELED     Cancelled             canceled  final (the pipeline was updated as it ran)
 *   SUPERSEDED   Superseded            canceled  final (a newer execution overtook it)
 *
 * Once: before posting, the function asks GitLab for the commit's statuses of this name
 * (GET /projects/:id/repository/commits/:sha/statuses); if the one linking to this execution
 * already shows the state, nothing is posted. GitLab alone would not prevent a duplicate: it
 * moves a status on only while it is pending or running, and answers a second "success" with
 * a second status. A race that slips through gets GitLab's 400 "Cannot transition status …",
 * which means the status is already so.
 *
 * Ref: the status names the branch the execution built, the source action's BranchName
 * output variable (ListActionExecutions); for a merge request that is its source branch.
 * Without a ref GitLab guesses (the commit's newest pipeline, else the first branch that
 * contains it, else 404 "References for commit"). So `running` waits for the source action
 * to name the branch and is not posted if it does not in time; a final state of an execution
 * whose source action did not finish is posted without ref.
 *
 * Errors never fail the pipeline. Each is logged with the pipeline, the execution and the
 * step. A permanent one (access denied, no such secret, a GitLab 4xx) ends the invocation: a
 * retry would fail the same way. A transient one (time-out, throttling, 5xx, GitLab's 409
 * "Resource lock") is retried here with backoff within the invocation's time budget, then
 * thrown, so that Lambda retries the event (twice, about 1 and 3 minutes later): safe, since
 * every attempt reads the execution and GitLab again. A 401 drops the cached token and reads
 * the secret again (a rotated token).
 *
 * Environment: GITLAB_API_URL (…/api/v4), PROJECT_PATH (group/project), TOKEN_SECRET_ARN
 * (a Secrets Manager secret holding a GitLab project access token), STATUS_NAME.
 * Runtime: Node.js 20 and the AWS SDK v3 it ships; nothing is bundled.
 */

/** EventBridge's execution states, each with GetPipelineExecution's spelling of it. */
const EXECUTION_STATUS = {
  STARTED: "InProgress",
  RESUMED: "InProgress",
  STOPPING: "Stopping",
  STOPPED: "Stopped",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CANCELED: "Cancelled",
  SUPERSEDED: "Superseded",
};

/** GitLab's state for an execution status; Stopping has none. */
const GITLAB_STATE = {
  InProgress: "running",
  Stopped: "canceled",
  Succeeded: "success",
  Failed: "failed",
  Cancelled: "canceled",
  Superseded: "canceled",
};

/** The status description's words for an execution status. */
const DESCRIPTION = {
  InProgress: "running",
  Stopped: "stopped",
  Succeeded: "succeeded",
  Failed: "failed",
  Cancelled: "canceled (the pipeline was updated)",
  Superseded: "superseded by a newer execution",
};

/** Time limits and retries; the function's own timeout is 60 s (modules/status/commit-status.ts). */
const DEFAULTS = {
  /** POSTs of one status, with backoff baseDelayMs, then twice that, … */
  attempts: 4,
  baseDelayMs: 500,
  /** One GitLab request. */
  requestTimeoutMs: 10000,
  /** One AWS call (the SDK's own retries happen within it). */
  awsTimeoutMs: 10000,
  /** How long `running` waits for the source action to name the branch, and how often it looks. */
  sourceWaitMs: 20000,
  sourcePollMs: 2000,
  /** The whole invocation, when there is no Lambda context to ask. */
  budgetMs: 50000,
  /** Kept back from the Lambda's remaining time, for the last log lines. */
  marginMs: 5000,
};

const THROTTLING = new Set(["ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "Throttling"]);
const GIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

const own = (table, key) => (typeof key === "string" && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** GitLab commit-status state for a CodePipeline execution state (either spelling), or undefined to post nothing. */
function gitlabState(state) {
  return own(GITLAB_STATE, own(EXECUTION_STATUS, state) || state);
}

function executionUrl(region, pipeline, executionId) {
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(pipeline)}/executions/${encodeURIComponent(executionId)}/timeline?region=${region}`;
}

/** A step that failed, and whether a later attempt may succeed. */
class StepError extends Error {
  constructor(step, cause, transient) {
    super(`could not ${step}: ${describe(cause)}`);
    this.name = "StepError";
    this.transient = transient;
  }
}

function describe(e) {
  if (!e || typeof e !== "object") return String(e);
  const code = e.cause && e.cause.code ? ` (${e.cause.code})` : "";
  return `${e.name || "Error"}: ${e.message}${code}`;
}

/** Whether an AWS SDK v3 error may pass: throttling, server faults, network errors, time-outs. */
function transient(e) {
  if (!e || typeof e !== "object") return false;
  if (e.$fault === "client") return THROTTLING.has(e.name) || Boolean(e.$retryable);
  return true;
}

const timedOut = (e) => Boolean(e) && e.name === "TimeoutError";
const timeoutError = (message) => Object.assign(new Error(message), { name: "TimeoutError" });

/** Runs an AWS call with an abort signal, rejecting with a TimeoutError after ms. */
async function withTimeout(what, ms, run) {
  if (!(ms > 0)) throw timeoutError(`no time left for ${what}`);
  const controller = new AbortController();
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => {
      reject(timeoutError(`${what} did not answer within ${ms} ms`));
      controller.abort();
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => run({ abortSignal: controller.signal })), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/** GitLab's error message from a response body. */
function messageOf(text) {
  try {
    const body = JSON.parse(text);
    const message = body && (body.message || body.error);
    if (message) return typeof message === "string" ? message : JSON.stringify(message);
  } catch {
    // not JSON: the text itself
  }
  return String(text || "").slice(0, 300);
}

/**
 * POSTs the status, retrying network errors, time-outs, 5xx, 429 and 409 (GitLab's "Resource
 * lock": another update of this commit's statuses in progress) with exponential backoff, each
 * request and wait bounded by the time remaining. Never throws.
 * GitLab's 400 "Cannot transition status …" means the status is already so: ok.
 */
async function postStatus({
  url,
  token,
  body,
  fetchImpl = fetch,
  attempts = DEFAULTS.attempts,
  baseDelayMs = DEFAULTS.baseDelayMs,
  requestTimeoutMs = DEFAULTS.requestTimeoutMs,
  remaining = () => Infinity,
  log = console.log,
}) {
  let why = "no attempt";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const ms = Math.min(requestTimeoutMs, remaining());
    if (!(ms > 0)) return { ok: false, transient: true, attempts: attempt - 1, why: `${why} after ${plural(attempt - 1, "attempt")}, out of time` };
    try {
      const res = await fetchImpl(url, {
        method: "POST",
        headers: { "PRIVATE-TOKEN": token, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(ms),
      });
      const message = messageOf(await res.text());
      if (res.ok) return { ok: true, status: res.status, attempts: attempt };
      if (res.status === 400 && /cannot transition status/i.test(message)) return { ok: true, status: 400, attempts: attempt, message };
      if (res.status !== 409 && res.status !== 429 && res.status < 500) return { ok: false, status: res.status, attempts: attempt, message };
      why = `HTTP ${res.status}`;
      log(`gitlab answered HTTP ${res.status}${message ? `: ${message}` : ""} (attempt ${attempt} of ${attempts})`);
    } catch (e) {
      why = timedOut(e) ? `no answer within ${ms} ms` : "unreachable";
      log(`gitlab ${timedOut(e) ? `did not answer within ${ms} ms` : `unreachable: ${describe(e)}`} (attempt ${attempt} of ${attempts})`);
    }
    if (attempt < attempts) await sleep(Math.max(0, Math.min(baseDelayMs * 2 ** (attempt - 1), remaining())));
  }
  return { ok: false, transient: true, attempts, why: `${why} after ${plural(attempts, "attempt")}` };
}

/** The commit's latest statuses of this name (and ref), or what kept GitLab from listing them. Never throws. */
async function listStatuses({
  projectUrl,
  sha,
  ref,
  name,
  token,
  fetchImpl = fetch,
  requestTimeoutMs = DEFAULTS.requestTimeoutMs,
  remaining = () => Infinity,
  log = console.log,
}) {
  // all=true: with the retried ones, so that a late event of an older execution still finds
  // its own status after a newer execution of the commit has taken over the name.
  const query = new URLSearchParams({ name, all: "true", per_page: "100" });
  if (ref) query.set("ref", ref);
  const ms = Math.min(requestTimeoutMs, remaining());
  if (!(ms > 0)) return {};
  try {
    const res = await fetchImpl(`${projectUrl}/repository/commits/${encodeURIComponent(sha)}/statuses?${query}`, {
      headers: { "PRIVATE-TOKEN": token },
      signal: AbortSignal.timeout(ms),
    });
    const text = await res.text();
    if (res.status === 401) return { status: 401 };
    if (!res.ok) {
      log(`could not read the commit's statuses (HTTP ${res.status}: ${messageOf(text)}); posting anyway`);
      return { status: res.status };
    }
    const list = JSON.parse(text);
    return { status: res.status, statuses: Array.isArray(list) ? list : [] };
  } catch (e) {
    log(`could not read the commit's statuses (${timedOut(e) ? `no answer within ${ms} ms` : describe(e)}); posting anyway`);
    return {};
  }
}

/** Builds the handler. Tests pass the AWS calls (`aws`), `fetchImpl`, `log` and shorter limits (see DEFAULTS). */
function makeHandler(deps) {
  const limits = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) if (deps[key] !== undefined) limits[key] = deps[key];
  const log = deps.log || console.log;
  const fetchImpl = deps.fetchImpl || fetch;
  const env = deps.env;
  // Kept between invocations of a warm function; dropped on a 401.
  let cachedToken;

  return async function handler(event, context) {
    const detail = (event && event.detail) || {};
    const eventState = detail.state;
    if (!own(EXECUTION_STATUS, eventState)) return { skipped: `state ${eventState}` };
    const pipeline = detail.pipeline;
    const executionId = detail["execution-id"];
    if (!pipeline || !executionId) return { skipped: "no pipeline or execution id in the event" };

    const say = (message) => log(`${pipeline} execution ${executionId} (event ${eventState}): ${message}`);
    const budget = context && typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() - limits.marginMs : limits.budgetMs;
    const end = Date.now() + budget;
    const remaining = () => end - Date.now();
    const aws = (api, call) => withTimeout(api, Math.min(limits.awsTimeoutMs, remaining()), call);
    const fail = (error) => {
      say(`${error.message}; ${error.transient ? "Lambda retries the event" : "no commit status set"}`);
      if (error.transient) throw new Error(`${pipeline} execution ${executionId}: ${error.message}; Lambda retries the event`);
      return { error: error.message };
    };

    /** The GitLab-sourced action of this execution, the one that built `sha` if several. */
    async function sourceAction(sha) {
      let nextToken;
      let first;
      for (let page = 0; page < 5; page++) {
        const input = { pipelineName: pipeline, filter: { pipelineExecutionId: executionId }, ...(nextToken ? { nextToken } : {}) };
        const out = await aws("ListActionExecutions", (options) => deps.aws.listActionExecutions(input, options));
        for (const action of (out && out.actionExecutionDetails) || []) {
          const type = (action.input && action.input.actionTypeId) || {};
          if (type.category !== "Source" || type.provider !== "CodeStarSourceConnection") continue;
          if (variablesOf(action).CommitId === sha) return action;
          first = first || action;
        }
        nextToken = out && out.nextToken;
        if (!nextToken) break;
      }
      return first;
    }

    /** The execution's status, commit and branch; while it runs, waits (bounded) for its source action to name the branch. */
    async function readExecution() {
      const waitUntil = Date.now() + Math.min(limits.sourceWaitMs, remaining());
      for (;;) {
        let out;
        try {
          out = await aws("GetPipelineExecution", (options) =>
            deps.aws.getPipelineExecution({ pipelineName: pipeline, pipelineExecutionId: executionId }, options),
          );
        } catch (e) {
          throw new StepError("read the execution (GetPipelineExecution)", e, transient(e));
        }
        const execution = (out && out.pipelineExecution) || {};
        const status = execution.status;
        const state = own(GITLAB_STATE, status);
        const revision = (execution.artifactRevisions || []).find((r) => r && GIT_SHA.test(r.revisionId || ""));
        const sha = revision && revision.revisionId;
        if (!state || !sha) return { status, state, sha };
        let source;
        try {
          source = await sourceAction(sha);
        } catch (e) {
          if (transient(e)) throw new StepError("read the source action (ListActionExecutions)", e, true);
          say(`could not read the source action (ListActionExecutions): ${describe(e)}; its branch is unknown`);
          return { status, state, sha };
        }
        const ref = variablesOf(source).BranchName || undefined;
        const settled = Boolean(source) && source.status !== "InProgress";
        if (ref || state !== "running" || settled || Date.now() + limits.sourcePollMs > waitUntil) return { status, state, sha, ref };
        await sleep(limits.sourcePollMs);
      }
    }

    async function readToken() {
      try {
        const out = await aws("GetSecretValue", (options) => deps.aws.getSecretValue({ SecretId: env.TOKEN_SECRET_ARN }, options));
        if (!out || !out.SecretString) throw Object.assign(new Error("the secret holds no SecretString"), { name: "EmptySecret", $fault: "client" });
        return out.SecretString;
      } catch (e) {
        throw new StepError(`read the GitLab token from ${env.TOKEN_SECRET_ARN}`, e, transient(e));
      }
    }

    try {
      const { status, state, sha, ref } = await readExecution();
      if (!state) return { skipped: `execution is ${status}` };
      if (!sha) return { skipped: "no GitLab revision on this execution" };
      if (state === "running" && !ref) {
        say(
          "the source action has not named the branch yet; running is not posted (GitLab would put it on some other ref's pipeline), the final state will be",
        );
        return { skipped: "source branch not known yet" };
      }
      if (!ref) say("no source branch (the source action did not finish): posting without ref, GitLab picks the commit's pipeline");

      const projectUrl = `${env.GITLAB_API_URL.replace(/\/+$/, "")}/projects/${encodeURIComponent(env.PROJECT_PATH)}`;
      const name = env.STATUS_NAME || "aws-codepipeline";
      const targetUrl = executionUrl(event.region, pipeline, executionId);
      const gitlab = { projectUrl, fetchImpl, requestTimeoutMs: limits.requestTimeoutMs, remaining, log: say };

      if (cachedToken === undefined) cachedToken = await readToken();
      let token = cachedToken;
      /** Runs a GitLab request; on a 401, reads the secret again and, if it holds a new token, runs the request once more. */
      const authorized = async (request) => {
        const result = await request(token);
        if (result.status !== 401) return result;
        cachedToken = undefined;
        cachedToken = await readToken();
        if (cachedToken === token) return result;
        say("gitlab refused the cached token (HTTP 401); the secret holds a new one, trying it");
        token = cachedToken;
        return request(token);
      };
      const refused = (attempts) => {
        cachedToken = undefined;
        say(`gitlab refused the token (HTTP 401); rotate the project access token in ${env.TOKEN_SECRET_ARN}`);
        return { ok: false, status: 401, attempts };
      };

      const shown = await authorized((t) => listStatuses({ ...gitlab, sha, ref, name, token: t }));
      if (shown.status === 401) return refused(0);
      const ours = (shown.statuses || []).filter((s) => s && s.name === name && s.target_url === targetUrl).sort((a, b) => b.id - a.id)[0];
      if (ours && ours.status === state) {
        say(`GitLab already shows ${state} for this execution; nothing to post`);
        return { skipped: `already ${state} on GitLab` };
      }

      const body = { state, ...(ref ? { ref } : {}), name, target_url: targetUrl, description: `CodePipeline ${pipeline}: ${DESCRIPTION[status]}` };
      const url = `${projectUrl}/statuses/${encodeURIComponent(sha)}`;
      const result = await authorized((t) => postStatus({ ...gitlab, url, token: t, body, attempts: limits.attempts, baseDelayMs: limits.baseDelayMs }));
      if (result.status === 401) return refused(result.attempts);
      if (result.ok && result.status === 400) {
        say(`GitLab already has this status (${result.message}); done`);
        return { ok: true, status: 400, attempts: result.attempts };
      }
      if (result.ok) {
        say(`set ${state}${ref ? ` on ${ref}` : ""}`);
        return { ok: true, status: result.status, attempts: result.attempts };
      }
      if (!result.transient) {
        const hint = result.status === 403 ? `; the token needs the api scope and the Developer role on ${env.PROJECT_PATH}` : "";
        say(`gitlab answered HTTP ${result.status}: ${result.message}${hint}; not retried, no commit status set`);
        return { ok: false, status: result.status, attempts: result.attempts };
      }
      say(`gave up setting the commit status for now (${result.why}); Lambda retries the event, the pipeline is not affected`);
      throw new Error(`${pipeline} execution ${executionId}: GitLab did not take the commit status (${result.why}); Lambda retries the event`);
    } catch (e) {
      if (e instanceof StepError) return fail(e);
      throw e;
    }
  };
}

function variablesOf(action) {
  return (action && action.output && action.output.outputVariables) || {};
}

/** The AWS calls, made with the AWS SDK v3 that the Node.js 20 Lambda runtime provides. */
function runtimeAws() {
  const { CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand } = require("@aws-sdk/client-codepipeline");
  const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
  const codepipeline = new CodePipelineClient({});
  const secrets = new SecretsManagerClient({});
  return {
    getPipelineExecution: (input, options) => codepipeline.send(new GetPipelineExecutionCommand(input), options),
    listActionExecutions: (input, options) => codepipeline.send(new ListActionExecutionsCommand(input), options),
    getSecretValue: (input, options) => secrets.send(new GetSecretValueCommand(input), options),
  };
}

let live;

/** The Lambda entry point; the handler (and its cached token) lives as long as the warm function. */
async function handler(event, context) {
  if (!live) live = makeHandler({ env: process.env, aws: runtimeAws() });
  return live(event, context);
}

module.exports = { handler, makeHandler, postStatus, gitlabState, executionUrl };
