import { writeSync } from "node:fs";
import { loadConfigFile } from "../config/load";
import { assignStacks } from "../stacks/assignment";
import { partition } from "../stacks/partition";
import { lockFileOf, lockText, readLock, resolveAssignment, writeLock } from "./assignment-lock";
import { quotaWarnings } from "./quotas";
import { parseShard, workerCount } from "./shards";

export interface RunSynthOptions {
  /** The delivery configuration file. */
  readonly configFile: string;
  /** The output folder (cdktf's CDKTF_OUTDIR). */
  readonly outdir: string;
  /** The command that runs this same synthesis again, as a worker process of a large fleet. */
  readonly command: readonly string[];
  /** Warnings and notes for the user, one line each, without the `warning: ` prefix. */
  readonly warn: (line: string) => void;
  /** Called as stacks are written: how many of how many. @default - nothing */
  readonly progress?: (done: number, total: number) => void;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * One synthesis, as `cdktf synth` (main.ts) and `gitlab-aws-delivery synth` run it: reads and
 * validates the configuration, then synthesizes it into the output folder (app/synth.ts), or,
 * in a worker process of a large fleet (DELIVERY_SYNTH_SHARD), its share of the stacks.
 */
export async function runSynth(options: RunSynthOptions): Promise<void> {
  const env = options.env ?? process.env;
  const { config, warnings } = loadConfigFile(options.configFile);
  // The synthesis (cdktf, the provider bindings: two thirds of the app's start-up) is loaded
  // only for a valid configuration, so a mistake in it is reported in a third of the time.
  const { synthesize, synthesizeShare } = await import("./synth");
  const shard = env.DELIVERY_SYNTH_SHARD;
  if (shard) {
    // One of several synthesis processes of a large fleet (see app/parallel-synth.ts): each
    // stack it writes is named to the parent on the progress pipe.
    const fd = env.DELIVERY_SYNTH_PROGRESS_FD ? Number(env.DELIVERY_SYNTH_PROGRESS_FD) : undefined;
    const onStack = fd === undefined ? undefined : (name: string) => void writeSync(fd, `${name}\n`);
    // The parent writes the lock file only after every worker is done: this reads what it read.
    const assignment = assignStacks(config, readLock(lockFileOf(options.configFile)));
    synthesizeShare(config, options.outdir, parseShard(shard), env.DELIVERY_FINAL_OUTDIR || options.outdir, onStack, assignment);
    return;
  }
  for (const w of warnings) options.warn(`${options.configFile}: ${w.path}: ${w.message}`);
  for (const w of quotaWarnings(config)) options.warn(`${options.configFile}: ${w}`);
  // Which stack each project lives in: the lock file's, new projects placed (app/assignment-lock.ts).
  const { assignment, lockFile } = resolveAssignment(config, options.configFile, options.outdir);
  // The shared stack and the projects stacks; every worker process writes its own copy of the
  // shared stack, counted once.
  const stacks = partition(config, assignment).length;
  const total = stacks + 1;
  const done = new Set<string>();
  const progress = options.progress;
  progress?.(0, total);
  // Staged, swapped in whole, under a lock; cleaned up on Ctrl-C (see app/synth.ts).
  await synthesize(config, options.outdir, {
    command: options.command,
    workers: workerCount(config, env, stacks),
    assignment,
    warn: options.warn,
    onStack:
      progress &&
      ((name) => {
        if (done.has(name)) return;
        done.add(name);
        progress(done.size, total);
      }),
  });
  // Written after the output is in place (the workers read the old one); said nowhere, as
  // terraform says nothing of its .terraform.lock.hcl: it shows in the change under review.
  writeLock(lockFile, lockText(options.configFile, assignment));
}
