import { Command, Option } from "commander";
import type { PlanReportOptions } from "../scripts/plan-report";
import { action, exitCodesHelp, subcommand } from "./command";

/** What the flags give; the plan file comes as the argument. */
type Options = Omit<PlanReportOptions, "plan">;

export function registerPlanReport(program: Command): void {
  subcommand(
    program,
    "plan-report",
    "summarize a terraform plan for GitLab",
    "summarize a terraform plan for GitLab: the merge request widget's report, a Markdown summary, a note on the merge request",
  )
    .argument("<plan.json>", "the output of `terraform show -json <planfile>`")
    .option("--report <file>", 'where to write GitLab\'s terraform report {"create","update","delete"}', "plan-report.json")
    .option("--markdown <file>", "where to write the Markdown summary", "plan-report.md")
    .option("--title <text>", "heading of the summary, e.g. the stack name")
    .option(
      "--post",
      "create or update one marked note on the merge request (needs CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, and GITLAB_TOKEN with api scope)",
    )
    .option("--key <text>", "which marked note (or drift issue), when one merge request gets several reports (default: plan)")
    .option("--no-labels", "with --post, do not set the terraform:destroy / terraform:no-changes / terraform:high-risk labels on the merge request")
    .option(
      "--drift",
      "drift mode, for a refresh-only plan: summarize what changed outside Terraform (resource_drift) into --markdown (no --report); with --post and --key <stack>, open, update or close that stack's drift issue; exit 5 when drift is found",
    )
    .addOption(
      new Option("--fail-on <level>", "exit 3 when the plan has a change of this risk or above").choices(["none", "high", "medium", "change"]).default("none"),
    )
    .addHelpText(
      "after",
      exitCodesHelp("bad option or input file (not a plan), or --post outside a merge-request pipeline", [
        [3, "the plan has changes at or above --fail-on"],
        [4, "posting the note on the merge request (or keeping the drift issue) failed"],
        [5, "--drift: objects changed outside Terraform"],
      ]),
    )
    .action(
      action("plan-report", async (plan: string, opts: Options) => {
        const { planReport } = await import("../scripts/plan-report");
        return planReport({ plan, ...opts });
      }),
    );
}
