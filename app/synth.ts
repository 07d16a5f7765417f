import { existsSync, lstatSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SettingError } from "../config/errors";
import { DeliveryConfig } from "../config/schema";
import { Assignment } from "../stacks/assignment";
import { writeCiPolicies } from "./ci-policies";
import { UserError } from "./errors";
import { describeHolder, OutputLock } from "./lock";
import { asOutputError, removeQuietly, scratchDir, swapIn, sweepLeftovers } from "./output-swap";
import { stopWorkers, synthesizeShares } from "./parallel-synth";
import { Shard } from "./shards";
import { checkpoint, interrupted, onInterrupt } from "./signals";
import { synthesizeInto } from "./synth-tree";

export interface SynthOptions {
  /** The command that runs this app again, as a worker process. */
  readonly command: readonly string[];
  /** Processes that synthesize (see workerCount). @default 1 */
  readonly workers?: number;
  /** Receives warnings and notes for the user. @default - dropped */
  readonly warn?: (w: string) => void;
  /** Called as each stack's files are written, with its name (the shared stack once per process). @default - nothing */
  readonly onStack?: (name: string) => void;
  /** Which stack each project lives in (the lock file's). @default - a fresh assignment */
  readonly assignment?: Assignment;
  /** How long to wait for another synth of the same folder. @default lockWaitMs(process.env) */
  readonly lockWaitMs?: number;
}

/**
 * Synthesizes `config` into `outdir`, all or nothing: under a lock on `outdir`, the whole new
 * tree is built in this process's scratch folder beside it, terraform's files of each stack
 * are carried into it, and it replaces `outdir` by renames (output-swap.ts). A failure, a
 * signal or a concurrent synth leaves `outdir` as it was, and no scratch folder or worker
 * process behind. A folder that cannot be written is an OutputError (a user error).
 */
export async function synthesize(config: DeliveryConfig, outdir: string, options: SynthOptions): Promise<string[]> {
  const warn = options.warn ?? (() => undefined);
  const target = swapTarget(outdir);
  const scratch = scratchDir(target);
  const userError = (e: unknown) => asOutputError(e, target, scratch) ?? e;
  let lock: OutputLock;
  try {
    if (existsSync(target) && !statSync(target).isDirectory()) throw Object.assign(new Error(`${target} is a file`), { code: "ENOTDIR", path: target });
    // The swap renames beside the output folder: the root of a file system has no beside.
    if (dirname(target) === target) {
      throw new UserError(
        `cannot write the synthesized output to ${target}: it is the root of the file system. Choose a folder of its own, such as ./cdktf.out`,
      );
    }
    mkdirSync(dirname(target), { recursive: true });
    lock = await OutputLock.acquire(target, {
      waitMs: options.lockWaitMs ?? lockWaitMs(),
      onWait: (h) => warn(`${target} is being synthesized by ${h ? describeHolder(h) : "another process"}; waiting for it to finish`),
      onTakeover: (h) => warn(`took over the lock on ${target}${h ? ` from ${describeHolder(h)}` : ""}, which is no longer running`),
    });
  } catch (e) {
    // The folder above exists (made just now): a file system that has no room for new files
    // there (/proc, /sys) answers ENOENT for the lock file.
    if (isMissing(e)) {
      throw new UserError(
        `cannot write the synthesized output to ${target}: ${dirname(target)} does not take new files (${e.code} for ${e.path ?? "the lock file"}); nothing was written. Set CDKTF_OUTDIR (or "output" in cdktf.json, or --output) to a folder on an ordinary disk`,
      );
    }
    throw userError(e);
  }
  const cleanUp = () => {
    removeQuietly(scratch);
    lock.release();
  };
  // Registered in the same tick as the lock was taken: no signal can slip in between.
  const stopListening = onInterrupt(async (_signal, cause) => {
    await stopWorkers();
    cleanUp();
    process.stderr.write(`synthesis stopped ${cause}; ${target} was left as it was\n`);
  });
  process.on("exit", cleanUp);
  try {
    sweepLeftovers(target).forEach(warn);
    removeQuietly(scratch); // a leftover of an earlier process with this pid
    mkdirSync(scratch);
    const tree = join(scratch, "tree");
    const workers = options.workers ?? 1;
    const names =
      workers <= 1
        ? synthesizeInto(config, tree, { assignment: options.assignment, finalOutdir: outdir, warn, onStack: options.onStack })
        : await synthesizeShares(config, tree, join(scratch, "workers"), {
            command: options.command,
            workers,
            assignment: options.assignment,
            finalOutdir: outdir,
            warn,
            onStack: options.onStack,
          });
    writeCiPolicies(config, tree, names);
    await checkpoint();
    lock.assertHeld();
    swapIn(tree, target, scratch);
    return names;
  } catch (e) {
    throw userError(e);
  } finally {
    // After a signal the cleanup above owns the scratch folder and the lock (it waits for workers).
    if (!interrupted()) {
      process.off("exit", cleanUp);
      cleanUp();
      stopListening();
    }
  }
}

/**
 * One worker process's share of a large fleet (DELIVERY_SYNTH_SHARD): synthesized into
 * `outdir`, a folder in the parent's scratch folder; the parent cleans up after it.
 */
export function synthesizeShare(
  config: DeliveryConfig,
  outdir: string,
  shard: Shard,
  finalOutdir: string,
  onStack?: (name: string) => void,
  assignment?: Assignment,
): void {
  try {
    synthesizeInto(config, outdir, { shard, assignment, finalOutdir, onStack });
  } catch (e) {
    throw asOutputError(e, swapTarget(finalOutdir), resolve(outdir, "..", "..")) ?? e;
  }
}

/** DELIVERY_LOCK_WAIT, in seconds; 60 s when unset. */
export function lockWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.DELIVERY_LOCK_WAIT;
  if (text === undefined || text === "") return 60_000;
  const seconds = Number(text);
  if (!(/^\s*\d+(\.\d+)?\s*$/.test(text) && Number.isFinite(seconds))) {
    throw new SettingError(
      "DELIVERY_LOCK_WAIT",
      text,
      "is not a number of seconds; set how long a synth waits for another synth of the same folder, or unset it to wait 60 s",
    );
  }
  return seconds * 1000;
}

/** The folder that is replaced: `outdir` itself, or where it points if it is a symbolic link. */
function swapTarget(outdir: string): string {
  const absolute = resolve(outdir);
  return existsSync(absolute) && lstatSync(absolute).isSymbolicLink() ? realpathSync(absolute) : absolute;
}

function isMissing(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === "ENOENT";
}
