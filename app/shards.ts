import { availableParallelism } from "node:os";
import { SettingError } from "../config/errors";
import { DeliveryConfig } from "../config/schema";
import { Partition, partition } from "../stacks/partition";

/** Which share of the projects stacks one synthesis process builds (the shared stack is in every share). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Splits projects stacks into `count` shares of about equal project counts (largest first,
 * each to the lightest share; ties by name), the same way on every machine.
 */
export function assignShards(partitions: readonly Partition[], count: number): Partition[][] {
  const shares: Partition[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  const bySize = [...partitions].sort((a, b) => b.projects.length - a.projects.length || (a.stack < b.stack ? -1 : 1));
  for (const p of bySize) {
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest].push(p);
    load[lightest] += p.projects.length;
  }
  return shares.map((share) => share.sort((a, b) => (a.stack < b.stack ? -1 : 1)));
}

/** How many processes synthesize a config: one for small configs, up to a core per share of ~100 projects. */
export function workerCount(config: DeliveryConfig, env: NodeJS.ProcessEnv = process.env, stacks = partition(config).length): number {
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

/** `"1/4"` → { index: 1, count: 4 } */
export function parseShard(text: string): Shard {
  const [index, count] = text.split("/").map(Number);
  if (!(count > 0 && index >= 0 && index < count)) throw new Error(`DELIVERY_SYNTH_SHARD "${text}" is not i/n`);
  return { index, count };
}
