import {
  CodepipelineStageBeforeEntry,
  CodepipelineStageBeforeEntryConditionRule,
  CodepipelineStageOnFailure,
  CodepipelineStageOnSuccess,
} from "@cdktf/provider-aws/lib/codepipeline";
import { StackEnv } from "../core/stack-env";
import { IRoleGrantee } from "../iam/grantee";

/**
 * A deploy window: the stage is entered only while the cron expression matches.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-DeploymentWindow.html
 */
export interface DeploymentWindow {
  /** CodePipeline's cron: seconds, minutes, hours, day of month, month, day of week [, year]. */
  readonly cron: string;
  /**
   * The time zone the cron expression is read in (an IANA name such as "Europe/Berlin").
   * @default "UTC"
   */
  readonly timeZone?: string;
}

/** Rules checked before a stage is entered (its `before_entry` condition). */
export interface EntryConditions {
  /**
   * CloudWatch alarms (by name, in the pipeline's account and region) that must not be in ALARM.
   * @default - none
   */
  readonly alarms?: readonly string[];
  /**
   * The window the stage may be entered in.
   * @default - any time
   */
  readonly window?: DeploymentWindow;
  /**
   * What a failed rule does: fail the execution, or skip the stage.
   * @default "FAIL"
   */
  readonly result?: "FAIL" | "SKIP";
}

/** Alarms watched after a stage succeeded (its `on_success` condition, which rolls back). */
export interface AfterSuccessWatch {
  /** CloudWatch alarms (by name) whose ALARM state rolls the stage back. */
  readonly alarms: readonly string[];
  /**
   * Minutes the alarms are watched after the stage succeeded.
   * @default - no WaitTime: the rule's result is applied without a wait
   */
  readonly waitMinutes?: number;
}

/**
 * Safe-release conditions of one deploy stage (CodePipeline V2 stage conditions).
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html
 */
export interface StageConditions {
  /**
   * Checked before the stage is entered: CloudWatch alarms that must not be in ALARM and a
   * deploy window. When a rule fails the execution fails (or, with `result: SKIP`, the stage
   * is skipped).
   * @default - the stage is entered at once
   */
  readonly entry?: EntryConditions;
  /**
   * Watched after the stage succeeded: if one of these alarms goes to ALARM within
   * `waitMinutes`, the stage rolls back to the last successful execution.
   * @default - none
   */
  readonly afterSuccess?: AfterSuccessWatch;
  /**
   * What happens when the stage fails: ROLLBACK (to the last execution that succeeded in
   * this stage; not in PARALLEL mode), RETRY (the failed actions or all of them), or FAIL.
   * @default - FAIL, CodePipeline's own behaviour (no on_failure block)
   */
  readonly onFailure?: OnFailure;
}

/** What a failed stage does: roll back, fail, or retry (its failed actions or all of them). */
export type OnFailure = { readonly result: "ROLLBACK" | "FAIL" } | { readonly result: "RETRY"; readonly retryMode: "FAILED_ACTIONS" | "ALL_ACTIONS" };

/** The stage blocks of these conditions; a key is absent when its block is. */
export interface StageConditionBlocks {
  beforeEntry?: CodepipelineStageBeforeEntry;
  onSuccess?: CodepipelineStageOnSuccess;
  onFailure?: CodepipelineStageOnFailure;
}

const RULE = { category: "Rule", owner: "AWS", version: "1" };

function alarmRules(alarms: readonly string[], waitMinutes?: number): CodepipelineStageBeforeEntryConditionRule[] {
  return alarms.map((alarm, i) => ({
    name: `Alarm${i + 1}`,
    ruleTypeId: { ...RULE, provider: "CloudWatchAlarm" },
    configuration: { AlarmName: alarm, ...(waitMinutes !== undefined ? { WaitTime: String(waitMinutes) } : {}) },
  }));
}

/** Terraform's blocks for one stage; nothing at all for no conditions (the stage stays as it was). */
export function stageConditionBlocks(c: StageConditions | undefined): StageConditionBlocks {
  if (!c) return {};
  const blocks: StageConditionBlocks = {};
  const entryRules = [
    ...alarmRules(c.entry?.alarms ?? []),
    ...(c.entry?.window
      ? [
          {
            name: "DeploymentWindow",
            ruleTypeId: { ...RULE, provider: "DeploymentWindow" },
            configuration: { Cron: c.entry.window.cron, TimeZone: c.entry.window.timeZone ?? "UTC" },
          },
        ]
      : []),
  ];
  if (entryRules.length > 0) blocks.beforeEntry = { condition: { result: c.entry?.result ?? "FAIL", rule: entryRules } };
  if (c.afterSuccess && c.afterSuccess.alarms.length > 0) {
    blocks.onSuccess = { condition: { result: "ROLLBACK", rule: alarmRules(c.afterSuccess.alarms, c.afterSuccess.waitMinutes) } };
  }
  if (c.onFailure) {
    blocks.onFailure =
      c.onFailure.result === "RETRY" ? { result: "RETRY", retryConfiguration: { retryMode: c.onFailure.retryMode } } : { result: c.onFailure.result };
  }
  return blocks;
}

/** The alarms a set of stage conditions reads. */
export function conditionAlarms(conditions: ReadonlyArray<StageConditions | undefined>): string[] {
  const names = conditions.flatMap((c) => [...(c?.entry?.alarms ?? []), ...(c?.afterSuccess?.alarms ?? [])]);
  return [...new Set(names)].sort();
}

/**
 * The pipeline role reads the state of the alarms its conditions name, and nothing else.
 * CodeConnections (and with it this tool) is only offered in the "aws" partition.
 */
export function grantAlarmReads(grantee: IRoleGrantee, alarms: readonly string[], env: StackEnv): void {
  if (alarms.length === 0) return;
  grantee.addGrant({
    sid: "ReadStageAlarms",
    actions: ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"],
    resources: alarms.map((a) => env.arn("cloudwatch", `alarm:${a}`)),
  });
}
