import { z } from "zod";
import { show } from "./show";

/*
 * Safe releases (pipeline.environments[].release): CodePipeline V2 stage conditions.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html
 */

/** CodePipeline takes at most 5 rules in one condition (the provider's schema says so too). */
export const MAX_RULES = 5;

/**
 * A CloudWatch alarm name (1-255 characters). `*` and `?` are refused: the pipeline role is
 * granted read access to `alarm:<name>`, where they would be IAM wildcards.
 */
const alarmName = z
  .string()
  .min(1)
  .max(255)
  .superRefine((name, ctx) => {
    if (/[*?]/.test(name)) {
      ctx.addIssue({
        code: "custom",
        message: `${show(name)} contains a wildcard; the pipeline role is granted read access to each named alarm, and a '*' or '?' would open it to other alarms: name the alarm exactly`,
      });
    } else if (/[\u0000-\u001f\u007f]/.test(name)) {
      ctx.addIssue({ code: "custom", message: `${show(name)} contains a control character; copy the alarm's name from CloudWatch` });
    }
  });

const cron = z.string().superRefine((value, ctx) => {
  const fields = value.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) {
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} has ${fields.length} fields; CodePipeline's deploy window cron has 6 or 7 (seconds minutes hours day-of-month month day-of-week [year]), e.g. "* 0-59 9-16 ? * MON-THU"`,
    });
  }
});

const timeZone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
  } catch {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an IANA time zone; write one such as "Europe/Berlin" or "UTC"` });
  }
});

export const ON_FAILURE = ["rollback", "fail", "retry-failed-actions", "retry-all-actions"] as const;

export const releaseSchema = z
  .strictObject({
    entry: z
      .strictObject({
        alarms: z.array(alarmName).default([]).describe("CloudWatch alarms that must not be in ALARM for the stage to be entered"),
        window: z
          .strictObject({
            cron: cron.describe("When deploys may enter the stage (CodePipeline DeploymentWindow cron, 6 or 7 fields)"),
            timeZone: timeZone.default("UTC"),
          })
          .optional(),
        result: z.enum(["FAIL", "SKIP"]).default("FAIL").describe("What a failed entry check does: fail the execution, or skip this stage"),
      })
      .refine((e) => e.alarms.length + (e.window ? 1 : 0) > 0, { message: "needs alarms or a window (or leave entry out)" })
      .refine((e) => e.alarms.length + (e.window ? 1 : 0) <= MAX_RULES, {
        message: `holds more than ${MAX_RULES} rules (alarms plus the window); CodePipeline takes at most ${MAX_RULES} in one condition: combine alarms into a CloudWatch composite alarm`,
      })
      .optional()
      .describe("Checks before the stage is entered"),
    watch: z
      .strictObject({
        alarms: z
          .array(alarmName)
          .min(1)
          .max(MAX_RULES, `CodePipeline takes at most ${MAX_RULES} rules in one condition; combine alarms into a CloudWatch composite alarm`),
        minutes: z.number().int().min(1).optional().describe("How long after the stage succeeded the alarms are watched"),
      })
      .optional()
      .describe("After the stage succeeded: roll it back if one of these alarms goes to ALARM"),
    onFailure: z
      .enum(ON_FAILURE)
      .optional()
      .describe(
        "What a failed stage does: roll back to the last execution that succeeded in it, fail, or retry the failed (or all) actions once; default: rollback for prod and production (not in PARALLEL mode), fail elsewhere",
      ),
  })
  .describe("Safe release: CodePipeline V2 stage conditions of this environment's deploy stage");

export type ReleaseConfig = z.infer<typeof releaseSchema>;

/** The environment names that get rollback on failure unless they say otherwise. */
export const PRODUCTION = ["prod", "production"];

/**
 * Rollback is not available in PARALLEL mode (and a failure condition with ROLLBACK cannot
 * be added to such a pipeline), so an explicit rollback there is refused.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/execution-modes.html
 */
export function parallelRollbackProblems(
  executionMode: string,
  environments: ReadonlyArray<{ release?: ReleaseConfig }>,
): Array<{ path: PropertyKey[]; message: string }> {
  if (executionMode !== "PARALLEL") return [];
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  environments.forEach((e, i) => {
    const why = "CodePipeline offers no stage rollback in PARALLEL execution mode; use executionMode QUEUED or SUPERSEDED, or";
    if (e.release?.onFailure === "rollback") {
      problems.push({ path: ["environments", i, "release", "onFailure"], message: `"rollback": ${why} choose fail or a retry` });
    }
    if (e.release?.watch) {
      problems.push({ path: ["environments", i, "release", "watch"], message: `rolls the stage back when an alarm fires: ${why} leave watch out` });
    }
  });
  return problems;
}
