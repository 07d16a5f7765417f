/*
 * npm run plan-report -- <plan.json> [options]
 *   --report <file>     write GitLab's terraform report {"create","update","delete"} (default: plan-report.json)
 *   --markdown <file>   write the Markdown summary (default: plan-report.md)
 *   --title <text>      heading of the summary (e.g. the stack name)
 *   --post              create or update one marked note on the merge request (CI_API_V4_URL,
 *                       CI_PROJECT_ID, CI_MERGE_REQUEST_IID; token from GITLAB_TOKEN)
 *   --key <text>        which marked note, when one MR gets several reports (default: plan)
 *   --fail-on <level>   none | high | medium | change: exit 3 when the plan has such a change
 */
import { readFileSync, writeFileSync } from "node:fs";
import { checkPlanFormat, gitlabReport, markdownSummary, shouldFail } from "../report/plan-report";
import { postNote } from "../report/post-note";

const USAGE = "usage: plan-report <plan.json> [--report file] [--markdown file] [--title text] [--post] [--key text] [--fail-on none|high|medium|change]";

function fail(message: string, code = 1): never {
  process.stderr.write(`plan-report: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = [...argv];
  const opts: Record<string, string | boolean> = {};
  let planFile: string | undefined;
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === "--post") opts.post = true;
    else if (["--report", "--markdown", "--title", "--key", "--fail-on"].includes(a)) {
      const v = args.shift();
      if (v === undefined) fail(`${a} needs a value; ${USAGE}`);
      opts[a.slice(2)] = v;
    } else if (a.startsWith("--")) fail(`unknown option ${a}; ${USAGE}`);
    else if (planFile) fail(`one plan file only (got ${planFile} and ${a}); ${USAGE}`);
    else planFile = a;
  }
  if (!planFile) fail(USAGE);
  const failOn = (opts["fail-on"] as string | undefined) ?? "none";
  if (!["none", "high", "medium", "change"].includes(failOn)) fail(`--fail-on "${failOn}" is not one of none, high, medium, change`);

  let plan: Record<string, unknown>;
  try {
    plan = JSON.parse(readFileSync(planFile, "utf8"));
  } catch (e) {
    fail(`${planFile} cannot be read as JSON (${(e as Error).message.split("\n")[0]}); give the output of \`terraform show -json <planfile>\``);
  }
  const problem = checkPlanFormat(plan);
  if (problem) fail(`${planFile} ${problem}`);

  const report = gitlabReport(plan);
  writeFileSync((opts.report as string) ?? "plan-report.json", `${JSON.stringify(report)}\n`);
  const markdown = markdownSummary(plan, { title: opts.title as string | undefined });
  writeFileSync((opts.markdown as string) ?? "plan-report.md", markdown);
  process.stdout.write(`plan-report: ${report.create} to create, ${report.update} to update, ${report.delete} to delete\n`);

  if (opts.post) {
    const missing = ["CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID", "GITLAB_TOKEN"].filter((k) => !env[k]);
    if (missing.length > 0)
      fail(`--post needs ${missing.join(", ")} in the environment (a merge-request pipeline sets the CI_ ones; GITLAB_TOKEN is a token with api scope)`);
    try {
      const r = await postNote(markdown, {
        apiUrl: env.CI_API_V4_URL!,
        projectId: env.CI_PROJECT_ID!,
        mergeRequestIid: env.CI_MERGE_REQUEST_IID!,
        token: env.GITLAB_TOKEN!,
        key: opts.key as string | undefined,
      });
      process.stdout.write(`plan-report: note ${r.noteId} ${r.action}\n`);
    } catch (e) {
      fail(`posting to the merge request failed: ${(e as Error).message}`, 4);
    }
  }
  if (shouldFail(plan, failOn as "none" | "high" | "medium" | "change")) {
    process.stderr.write(`plan-report: the plan has changes at or above --fail-on ${failOn}; see ${(opts.markdown as string) ?? "plan-report.md"}\n`);
    return 3;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => fail(String(e instanceof Error ? e.stack : e), 2),
  );
}
