import { Command, InvalidArgumentError, Option } from "commander";
import type { DoctorOptions } from "../scripts/doctor";
import { action, subcommand, wholeNumber } from "./command";
import { configOption } from "./options";

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("It must be a 12-digit AWS account id.");
  return value;
}

export function registerDoctor(program: Command): void {
  subcommand(
    program,
    "doctor",
    "tell why the GitLab → CodePipeline wiring does not run, and how to fix it",
    "read the live state of AWS (connection, host, pipelines, CodeBuild) and GitLab (token, projects, roles, webhooks, deploy tokens, TLS) for the configuration, and print one line per check: OK, WARN or FAIL, with the fix and the page to act on. Reads only; AWS credentials from the usual places, GitLab's token from GITLAB_TOKEN (read_api)",
  )
    .addOption(configOption())
    .option("--stack <name>", "check only this stack's pipelines and projects (the connection is always checked)")
    .option("--json", "print JSON (summary, exit code, findings) instead of the table")
    .option("--strict", "exit 1 when there are warnings")
    .option("--print-policy", "print the IAM policy doctor needs (read-only actions) and exit")
    .addOption(
      new Option("--account <id>", "the AWS account the stacks are for: a different one is a failure, and --print-policy names it").argParser(accountId),
    )
    .option("--synthesized <dir>", "read this synthesized tree (cdktf.out) instead of synthesizing the configuration")
    .addOption(new Option("--gitlab-api <url>", "GitLab's base URL for API calls (default: the configured instance)").env("DELIVERY_GITLAB_API_URL"))
    .addOption(new Option("--timeout <ms>", "time limit of each call, per attempt").argParser(wholeNumber(1)).default(10_000))
    .addOption(new Option("--parallel <n>", "calls in flight at most").argParser(wholeNumber(1)).default(4))
    .addHelpText(
      "after",
      `
Exit codes:
  0  success: no check failed (and, with --strict, none warned)
  1  a check warned and --strict is given; or a bad option or configuration
  2  a check failed; or an internal error (a bug: please report it with the stack trace)

AWS endpoints can be redirected with the SDK's AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>.
`,
    )
    .action(
      action("doctor", async (opts: DoctorOptions) => {
        const { doctor } = await import("../scripts/doctor");
        return doctor(opts);
      }),
    );
}
