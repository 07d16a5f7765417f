/*
 * Each pipeline: there (or why not), reading from this connection, project and branch, with
 * the trigger filters as configured, and what its last runs say about the webhook.
 */
import type { Connection } from "@aws-sdk/client-codestar-connections";
import type { PipelineDeclaration, PipelineExecutionSummary } from "@aws-sdk/client-codepipeline";
import { ExpectedPipeline, triggersFromApi } from "./expected";
import { Answer, fail, Finding, ok, warn } from "./finding";

export interface LivePipeline {
  readonly declaration: PipelineDeclaration;
  readonly created?: Date;
  /** Newest first (ListPipelineExecutions' order). */
  readonly executions: readonly PipelineExecutionSummary[];
  /** Stages whose latest execution failed (GetPipelineState), asked only when the last run failed. */
  readonly failedStages?: readonly string[];
}

export function pipelineUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(name)}/view?region=${region}`;
}

/**
 * `live` is the pipeline (null: AWS has none of that name); `connection` the configured
 * connection as listed (undefined: none), which decides whether the stack's gate is open.
 */
export function checkPipeline(
  expected: ExpectedPipeline,
  live: Answer<LivePipeline | null>,
  connection: Connection | undefined,
  region: string,
  gitlabUrl: string,
): Finding[] {
  const subject = expected.name;
  const stack = expected.stack;
  const url = pipelineUrl(region, subject);
  if (!live.ok) return [fail("pipeline", subject, live.error, "check the permissions doctor needs (doctor --print-policy) and run it again", { stack })];
  const gateClosed = connection === undefined || connection.ConnectionStatus === "PENDING";
  if (live.value === null) {
    return gateClosed
      ? [
          warn(
            "pipeline",
            subject,
            "not created yet: the stack creates pipelines once the connection is no longer PENDING",
            "complete the connection's handshake (see the connection line), then apply the stack",
            {
              stack,
            },
          ),
        ]
      : [fail("pipeline", subject, `no pipeline named "${subject}" in ${region}`, `apply the stack ${stack}`, { stack })];
  }
  const findings: Finding[] = [];
  if (gateClosed) {
    findings.push(
      warn(
        "drift",
        subject,
        'a pipeline of this name exists in AWS, but the stack\'s plan holds none while the connection is PENDING, so it is not in this state: the apply after the handshake will fail with "already exists"',
        `import it into the stack's state once the connection is AVAILABLE (terraform -chdir=cdktf.out/stacks/${stack} import '${expected.address}' ${subject}), or delete it`,
        { stack, url },
      ),
    );
  }
  findings.push(...checkSource(expected, live.value.declaration, connection, url));
  findings.push(checkTriggers(expected, live.value.declaration, url));
  findings.push(checkExecutions(expected, live.value, url, gitlabUrl));
  return findings;
}

function checkSource(expected: ExpectedPipeline, d: PipelineDeclaration, connection: Connection | undefined, url: string): Finding[] {
  const stack = expected.stack;
  const actions = (d.stages ?? []).flatMap((s) => s.actions ?? []);
  const source = actions.find((a) => a.actionTypeId?.provider === "CodeStarSourceConnection");
  const subject = expected.name;
  if (!source) return [fail("pipeline", subject, "has no CodeStarSourceConnection source action", `apply the stack ${stack}`, { stack, url })];
  const c = source.configuration ?? {};
  const wrong: string[] = [];
  if (connection?.ConnectionArn && c.ConnectionArn !== connection.ConnectionArn)
    wrong.push(`connection ${c.ConnectionArn} (configured: ${connection.ConnectionArn})`);
  if (c.FullRepositoryId !== expected.project) wrong.push(`project ${c.FullRepositoryId} (configured: ${expected.project})`);
  if (c.BranchName !== expected.branch) wrong.push(`branch ${c.BranchName} (configured: ${expected.branch})`);
  return wrong.length
    ? [
        fail("pipeline", subject, `the source action reads ${wrong.join("; ")}`, `apply the stack ${stack} (someone changed the pipeline outside terraform)`, {
          stack,
          url,
        }),
      ]
    : [ok("pipeline", subject, `source: ${expected.project} @ ${expected.branch} through the configured connection`, { stack, url })];
}

function checkTriggers(expected: ExpectedPipeline, d: PipelineDeclaration, url: string): Finding {
  const live = JSON.stringify(triggersFromApi(d.triggers));
  const want = JSON.stringify(expected.triggers);
  const extra = { stack: expected.stack, url };
  return live === want
    ? ok("pipeline", expected.name, "trigger filters as configured", extra)
    : fail("pipeline", expected.name, `trigger filters differ: live ${live}, configured ${want}`, `apply the stack ${expected.stack}`, extra);
}

function checkExecutions(expected: ExpectedPipeline, live: LivePipeline, url: string, gitlabUrl: string): Finding {
  const extra = { stack: expected.stack, url };
  const last = live.executions[0];
  if (!last) {
    const since = live.created ? ` since it was created (${live.created.toISOString().slice(0, 10)})` : "";
    return warn(
      "pipeline",
      expected.name,
      `never started${since}: pushes do not reach it, most likely because the GitLab project has no AWS webhook`,
      `see the webhook line of ${expected.project}; push to ${expected.branch}, or start it by hand ("Release change") to tell a webhook problem from a build problem (${gitlabUrl}/${expected.project}/-/hooks)`,
      extra,
    );
  }
  const when = last.startTime ? ` (${last.startTime.toISOString().replace(/\.\d+Z$/, "Z")})` : "";
  if (last.status === "Failed") {
    const stages = live.failedStages?.length ? ` in stage ${live.failedStages.join(", ")}` : "";
    return fail(
      "pipeline",
      expected.name,
      `the last run ${last.pipelineExecutionId} failed${stages}${when}`,
      "open the run in the console and read the failed action's log",
      extra,
    );
  }
  return ok("pipeline", expected.name, `last run ${last.status}${when}`, extra);
}

/** The CodeBuild projects the pipeline runs (BatchGetProjects' projectsNotFound). */
export function checkBuildProjects(expected: ExpectedPipeline, notFound: Answer<readonly string[]>): Finding {
  const extra = { stack: expected.stack };
  if (!notFound.ok) return fail("pipeline", expected.name, notFound.error, "check the permissions doctor needs (doctor --print-policy)", extra);
  const missing = expected.buildProjects.filter((p) => notFound.value.includes(p));
  return missing.length
    ? fail(
        "pipeline",
        expected.name,
        `CodeBuild project${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not found`,
        `apply the stack ${expected.stack}`,
        extra,
      )
    : ok(
        "pipeline",
        expected.name,
        `CodeBuild project${expected.buildProjects.length > 1 ? `s ${expected.buildProjects.join(", ")} exist` : ` ${expected.buildProjects.join("")} exists`}`,
        extra,
      );
}
