import { constants } from "node:os";
import { Caller, callerGone, callers } from "./processes";

/**
 * Cleans up after an interrupted synth; may wait (for worker processes to end). `cause` says
 * why, for the user: "by SIGINT", or "because <command> (pid <n>), which started it, ended".
 */
export type Cleanup = (signal: NodeJS.Signals, cause: string) => void | Promise<void>;

/** Ctrl-C, `kill` (CI runners stop their children with SIGTERM) and a closed terminal. */
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const cleanups: Cleanup[] = [];
let stopping: NodeJS.Signals | undefined;
let watched: Caller[] = [];
let watch: NodeJS.Timeout | undefined;

/**
 * Runs `cleanup` if the process is stopped before the returned function is called: by a
 * signal, or because a process that started it in the same job ended (`npx` passes SIGTERM
 * to its child `sh`, which dies without passing it on to cdktf, which runs this app: so
 * killing npx reaches nothing below it). Cleanups run last registered first; then the
 * process ends by the signal (SIGTERM for an ended caller), so a shell or CI sees an
 * interrupted run.
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.length === 0) {
    for (const s of SIGNALS) process.on(s, listener);
    watched = callers();
    if (watched.length > 0) watch = setInterval(checkCallers, 200).unref();
  }
  cleanups.push(cleanup);
  return () => {
    const i = cleanups.lastIndexOf(cleanup);
    if (i >= 0) cleanups.splice(i, 1);
    if (cleanups.length === 0 && stopping === undefined) {
      for (const s of SIGNALS) process.off(s, listener);
      clearInterval(watch);
      watched = [];
    }
  };
}

function listener(signal: NodeJS.Signals): void {
  void interrupt(signal);
}

/** Starts the interruption if a caller has ended; says whether the process is stopping. */
function checkCallers(): boolean {
  const gone = stopping === undefined ? watched.find(callerGone) : undefined;
  if (gone) void interrupt("SIGTERM", `because ${gone.command} (pid ${gone.pid}), which started it, ended`);
  return stopping !== undefined;
}

/** The signal that is stopping this process, if one is. */
export function interrupted(): NodeJS.Signals | undefined {
  return stopping;
}

/**
 * Stops the process as if it had received `signal` (also used when a worker process was
 * stopped by one: Ctrl-C reaches every process of the terminal's group). A second signal
 * while cleaning up changes nothing: every cleanup is bounded in time.
 */
export async function interrupt(signal: NodeJS.Signals, cause = `by ${signal}`): Promise<void> {
  if (stopping !== undefined) return;
  stopping = signal;
  clearInterval(watch);
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup(signal, cause);
    } catch (e) {
      process.stderr.write(`warning: cleaning up after a stop ${cause}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  for (const s of SIGNALS) process.off(s, listener);
  process.kill(process.pid, signal);
  // The default action of the signal ends the process; should it not, exit as a shell would.
  setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 15)), 1000).unref();
}

/**
 * A point where a signal that arrived during synchronous work (cdktf's synthesis blocks the
 * event loop), or a caller that ended meanwhile, is handled. After one, it never resolves:
 * the cleanup ends the process, and nothing after this point (the swap) may run.
 */
export async function checkpoint(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (checkCallers()) await new Promise<never>(() => undefined);
}
