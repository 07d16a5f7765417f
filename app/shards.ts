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
 * Splits projects stacks into `count` shares (largest first, each to the lightest share; ties
 * by name), the same way on every machine. Share 0 is built by the process that reads the
 * configuration first; every other share by a worker it starts, which begins its share later
 * (see workerStartInProjects): each worker's share starts that much heavier, so that all
 * finish about together. Where that would leave a share empty, the shares are even.
 */
export function assignShards(partitions: readonly Partition[], count: number): Partition[][] {
  const projects = partitions.reduce((n, p) => n + p.projects.length, 0);
  const shares = fill(partitions, count, workerStartInProjects(projects));
  return shares.some((share) => share.length === 0) ? fill(partitions, count, 0) : shares;
}

/**
 * How late a worker process begins its share, in projects synthesized meanwhile by the
 * process that started it: node and the provider bindings loaded, the configuration and its
 * lock file read again. Measured here (2 cores): about 80 projects' time for 200 projects,
 * 150 for 2,000 (the configuration takes longer to read).
 */
export function workerStartInProjects(projects: number): number {
  return 60 + Math.round(projects / 25);
}

function fill(partitions: readonly Partition[], count: number, workerStart: number): Partition[][] {
  const shares: Partition[][] = Array.from({ length: count }, () => []);
  const load = Array.from({ length: count }, (_, i) => (i === 0 ? 0 : workerStart));
  const bySize = [...partitions].sort((a, b) => b.projects.length - a.projects.length || (a.stack < b.stack ? -1 : 1));
  for (const p of bySize) {
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest].push(p);
    load[lightest] += p.projects.length;
  }
  return shares.map((share) => share.sort((a, b) => (a.stack < b.stack ? -1 : 1)));
}

/**
 * Projects per synthesis process. A process keeps more than one core busy by itself (V8's
 * collector and compiler threads: a 2,000-project synthesis used 12.7 CPU-s in 9.9 s), so a
 * second process pays its start-up (loading the modules, reading the config, the shared stack)
 * before it gains anything: measured on 2 cores, one process was 15% faster at 200 and 300
 * projects, even at 500 and 800, and two were 6-13% faster from 1,000 to 2,000.
 */
export const PROJECTS_PER_PROCESS = 750;

/** How many processes synthesize a config: one for small configs, then one per ~750 projects, up to the cores. */
export function workerCount(
  config: DeliveryConfig,
  env: NodeJS.ProcessEnv = process.env,
  stacks = partition(config).length,
  cores = availableParallelism(),
): number {
  const setting = env.DELIVERY_SYNTH_WORKERS;
  if (setting && !(/^\s*\d+\s*$/.test(setting) && Number(setting) >= 1)) {
    throw new SettingError(
      "DELIVERY_SYNTH_WORKERS",
      setting,
      `is not a whole number of 1 or more; set the number of synthesis processes (${stacks === 1 ? "1" : `1 to ${stacks}`} for this config: one per projects stack at most, a larger number is cut to ${stacks}), or unset it to choose automatically`,
    );
  }
  const wanted = setting ? Number(setting) : Math.min(cores, Math.floor(config.projects.length / PROJECTS_PER_PROCESS) + 1);
  return Math.max(1, Math.min(wanted, stacks));
}

/** `"1/4"` → { index: 1, count: 4 } */
export function parseShard(text: string): Shard {
  const [index, count] = text.split("/").map(Number);
  if (!(count > 0 && index >= 0 && index < count)) throw new Error(`DELIVERY_SYNTH_SHARD "${text}" is not i/n`);
  return { index, count };
}
