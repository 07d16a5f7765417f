import { PRODUCTION, ReleaseConfig } from "../config/release-schema";
import { OnFailure, StageConditions } from "../modules/pipeline/stage-conditions";

const ON_FAILURE: Record<NonNullable<ReleaseConfig["onFailure"]>, OnFailure> = {
  rollback: { result: "ROLLBACK" },
  fail: { result: "FAIL" },
  "retry-failed-actions": { result: "RETRY", retryMode: "FAILED_ACTIONS" },
  "retry-all-actions": { result: "RETRY", retryMode: "ALL_ACTIONS" },
};

/**
 * An environment's `release:` as stage conditions. A production environment (prod,
 * production) rolls back on failure unless it says otherwise, except in PARALLEL mode,
 * where CodePipeline has no rollback.
 */
export function stageConditions(env: { name: string; release?: ReleaseConfig }, executionMode: string): StageConditions | undefined {
  const r = env.release;
  const onFailure = r?.onFailure ?? (PRODUCTION.includes(env.name) && executionMode !== "PARALLEL" ? "rollback" : undefined);
  if (!r && !onFailure) return undefined;
  return {
    entry: r?.entry ? { alarms: r.entry.alarms, window: r.entry.window, result: r.entry.result } : undefined,
    afterSuccess: r?.watch ? { alarms: r.watch.alarms, waitMinutes: r.watch.minutes } : undefined,
    onFailure: onFailure ? ON_FAILURE[onFailure] : undefined,
  };
}
