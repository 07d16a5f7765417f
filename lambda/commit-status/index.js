"use strict";
/*
 * Sets a commit status on GitLab when a CodePipeline execution starts, succeeds or fails.
 * Triggered by EventBridge ("CodePipeline Pipeline Execution State Change"). Environment:
 * GITLAB_API_URL (…/api/v4), PROJECT_PATH (group/project), TOKEN_SECRET_ARN (a Secrets
 * Manager secret holding a GitLab project access token), STATUS_NAME.
 * GitLab being down or the token being refused never fails anything: the pipeline goes on,
 * and the Lambda logs why the status is missing.
 */

const STATES = {
  STARTED: "running",
  RESUMED: "running",
  SUCCEEDED: "success",
  FAILED: "failed",
  STOPPED: "canceled",
  STOPPING: "canceled",
  SUPERSEDED: "canceled",
};

/** GitLab commit-status state for a CodePipeline execution state, or undefined to ignore it. */
function gitlabState(pipelineState) {
  return STATES[pipelineState];
}

function executionUrl(region, pipeline, executionId) {
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(pipeline)}/executions/${encodeURIComponent(executionId)}/timeline?region=${region}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs the status, retrying network errors and 5xx/429 answers with exponential backoff.
 * Returns what happened; never throws.
 */
async function postStatus({ apiUrl, projectPath, sha, token, body, fetchImpl = fetch, attempts = 4, baseDelayMs = 500, log = console.log }) {
  const url = `${apiUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(projectPath)}/statuses/${encodeURIComponent(sha)}`;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetchImpl(url, { method: "POST", headers: { "PRIVATE-TOKEN": token, "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (res.ok) return { ok: true, status: res.status, attempts: attempt };
      if (res.status === 401 || res.status === 403) {
        log(`gitlab refused the token (HTTP ${res.status}); rotate the project access token in ${process.env.TOKEN_SECRET_ARN || "its secret"}`);
        return { ok: false, status: res.status, attempts: attempt };
      }
      if (res.status < 500 && res.status !== 429) {
        log(`gitlab answered HTTP ${res.status}: ${await res.text()}`);
        return { ok: false, status: res.status, attempts: attempt };
      }
      log(`gitlab answered HTTP ${res.status} (attempt ${attempt} of ${attempts})`);
    } catch (e) {
      log(`gitlab unreachable: ${e && e.message} (attempt ${attempt} of ${attempts})`);
    }
    if (attempt < attempts) await sleep(baseDelayMs * 2 ** (attempt - 1));
  }
  log("gave up setting the commit status; the pipeline is not affected");
  return { ok: false, status: undefined, attempts };
}

let cachedToken;

/** Builds the handler; tests pass their own commit lookup, token reader and fetch. */
function makeHandler(deps) {
  return async function handler(event) {
    const detail = (event && event.detail) || {};
    const state = gitlabState(detail.state);
    if (!state) return { skipped: `state ${detail.state}` };
    const sha = await deps.commitOf(detail.pipeline, detail["execution-id"]);
    if (!sha) return { skipped: "no GitLab revision on this execution" };
    const token = await deps.token();
    return postStatus({
      apiUrl: deps.env.GITLAB_API_URL,
      projectPath: deps.env.PROJECT_PATH,
      sha,
      token,
      fetchImpl: deps.fetchImpl,
      baseDelayMs: deps.baseDelayMs,
      log: deps.log,
      body: {
        state,
        name: deps.env.STATUS_NAME || "aws-codepipeline",
        target_url: executionUrl(event.region, detail.pipeline, detail["execution-id"]),
        description: `CodePipeline ${detail.pipeline}: ${detail.state.toLowerCase()}`,
      },
    });
  };
}

/** The Lambda entry point, with the AWS SDK of the Node.js runtime. */
async function handler(event) {
  const { CodePipelineClient, GetPipelineExecutionCommand } = require("@aws-sdk/client-codepipeline");
  const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
  return makeHandler({
    env: process.env,
    commitOf: async (pipeline, executionId) => {
      const out = await new CodePipelineClient({}).send(new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }));
      const revision = (out.pipelineExecution.artifactRevisions || [])[0];
      return revision && revision.revisionId;
    },
    token: async () => {
      if (!cachedToken) {
        const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env.TOKEN_SECRET_ARN }));
        cachedToken = out.SecretString;
      }
      return cachedToken;
    },
  })(event);
}

module.exports = { handler, makeHandler, postStatus, gitlabState, executionUrl };
