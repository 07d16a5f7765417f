import { availableParallelism } from "node:os";
import { SettingError } from "../config/errors";
import { DeliveryConfig } from "../config/schema";
import { partition, Shard } from "./partition";

/** How many processes synthesize a config: one for small configs, up to a core per share of ~100 projects. */
export function workerCount(config: DeliveryConfig, env: NodeJS.ProcessEnv = process.env): number {
  const stacks = partition(config).length;
  const setting = env.DELIVERY_SYNTH_WORKERS;
  if (setting && !(/^\s*\d+\s*$/.test(setting) && Number(setting) >= 1)) {
    throw new SettingError(
      "DELIVERY_SYNTH_WORKERS",
      setting,
      `is not a whole number of 1 or more; set the number of synthesis processes (${stacks === 1 ? "1" : `1 to ${stacks}`} for this config: one per projects stack at most, a larger number is cut to ${stacks}), or unset it to choose automatically`,
    );
  }
  const wanted = setting ? Number(setting) : Math.min(availableParallelism(), Math.floor(config.projects.length / 100) + 1);
  return Math.max(1, Math.min(wanted, stacks));
}

// The worker processes themselves are run by app/parallel-synth.ts (synthesizeShares).

/** A synthesis process failed; its own message (already user-facing) is passed on as it is. */
export class WorkerError extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(stderr.trim());
    this.name = "WorkerError";
  }
}

/** `"1/4"` → { index: 1, count: 4 } */
export function parseShard(text: string): Shard {
  const [index, count] = text.split("/").map(Number);
  if (!(count > 0 && index >= 0 && index < count)) throw new Error(`DELIVERY_SYNTH_SHARD "${text}" is not i/n`);
  return { index, count };
}
