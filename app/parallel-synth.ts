import { ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DeliveryConfig } from "../config/schema";
import { Assignment } from "../stacks/assignment";
import { mergeTrees } from "./merge-trees";
import { Shard } from "./shards";
import { checkpoint, interrupt } from "./signals";
import { synthesizeInto } from "./synth-tree";
import { WorkerError } from "./errors";

export interface SharesOptions {
  /** The command that runs this app again (as a worker: DELIVERY_SYNTH_SHARD is set). */
  readonly command: readonly string[];
  readonly workers: number;
  /** Where the stacks finally live (local state paths are relative to it). */
  readonly finalOutdir: string;
  readonly warn?: (w: string) => void;
  /** Which stack each project lives in (every process computes the same from the config and its lock file). */
  readonly assignment?: Assignment;
  /** Called as each stack's files are written, in this process or a worker, with its name. */
  readonly onStack?: (name: string) => void;
}

/**
 * Synthesizes a large fleet in several processes (cdktf's synthesis is single-threaded and
 * dominated by token resolution) into `tree`, which must not exist yet: each process builds
 * the shared stack and its share of the projects stacks into `<workersRoot>/<i>`; the shares
 * are moved into `tree` only when every process succeeded. Share 0 is built in this process.
 * The output is byte-identical to a single-process synthesis.
 */
export async function synthesizeShares(config: DeliveryConfig, tree: string, workersRoot: string, options: SharesOptions): Promise<string[]> {
  const count = options.workers;
  mkdirSync(workersRoot);
  const dirs = Array.from({ length: count }, (_, i) => join(workersRoot, String(i)));
  const others = dirs.slice(1).map((dir, i) => runWorker(options.command, dir, options.finalOutdir, { index: i + 1, count }, options.onStack));
  const own = Promise.resolve().then(() =>
    synthesizeInto(config, dirs[0], {
      shard: { index: 0, count },
      assignment: options.assignment,
      finalOutdir: options.finalOutdir,
      warn: options.warn,
      onStack: options.onStack,
    }),
  );
  const results = await Promise.allSettled([own, ...others]);
  await checkpoint();
  const stopped = results.find(
    (r): r is PromiseRejectedResult => r.status === "rejected" && r.reason instanceof WorkerStopped && isStopSignal(r.reason.signal),
  );
  if (stopped) {
    // Ctrl-C reaches every process of the terminal's group: a worker may see it first.
    await interrupt((stopped.reason as WorkerStopped).signal);
    await checkpoint();
  }
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return mergeTrees(dirs, tree);
}

const running = new Set<ChildProcess>();

/** The worker's file descriptor on which it names each stack it has written, one per line. */
export const PROGRESS_FD = 3;

function runWorker(command: readonly string[], outdir: string, finalOutdir: string, shard: Shard, onStack?: (name: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0], command.slice(1), {
      env: {
        ...process.env,
        CDKTF_OUTDIR: outdir,
        DELIVERY_FINAL_OUTDIR: finalOutdir,
        DELIVERY_SYNTH_SHARD: `${shard.index}/${shard.count}`,
        DELIVERY_SYNTH_PROGRESS_FD: String(PROGRESS_FD),
      },
      stdio: ["ignore", "inherit", "pipe", "pipe"],
    });
    running.add(child);
    let progress = "";
    child.stdio[PROGRESS_FD]!.on("data", (chunk) => {
      const lines = (progress + chunk).split("\n");
      progress = lines.pop()!;
      for (const name of lines) onStack?.(name);
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.on("error", (e) => {
      running.delete(child);
      reject(e);
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      if (code === 0) resolvePromise();
      else if (signal)
        reject(new WorkerStopped(`${stderr}synthesis worker pid ${child.pid} (share ${shard.index}/${shard.count}) was stopped by ${signal}\n`, signal));
      else reject(new WorkerError(code ?? 2, stderr));
    });
  });
}

/**
 * Ends every worker process of this process: SIGTERM, then SIGKILL after `graceMs`; resolves
 * once they have all exited (so none writes after its folder is removed).
 */
export async function stopWorkers(graceMs = 2000): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
          child.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
}

function isStopSignal(signal: NodeJS.Signals | undefined): boolean {
  return signal === "SIGINT" || signal === "SIGTERM" || signal === "SIGHUP";
}

/** A worker process was stopped by a signal (Ctrl-C reaches every process of the terminal's group). */
class WorkerStopped extends WorkerError {
  constructor(
    stderr: string,
    readonly signal: NodeJS.Signals,
  ) {
    super(2, stderr);
  }
}
