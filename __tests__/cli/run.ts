import { spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

export const root = join(__dirname, "..", "..");
/** package.json `bin`: what `npx gitlab-aws-delivery` runs. */
export const bin = join(root, "bin", "gitlab-aws-delivery.js");

/** The subcommands, in the order `--help` lists them. */
export const COMMANDS = ["synth", "plan-report", "policy", "deployer-policy", "tf-check", "schema", "bench", "doctor", "graph", "rebalance"] as const;

/** Runs `gitlab-aws-delivery <args>` with pipes (not a terminal). */
export function cli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, encoding: "utf8", env: { ...process.env, ...options.env } });
}

export interface RunOptions {
  readonly cwd?: string;
  /** Added to this process's environment (a value "" is set as ""), as `cli` does. */
  readonly env?: NodeJS.ProcessEnv;
  /** The whole environment instead: nothing of this process's is kept. */
  readonly onlyEnv?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `gitlab-aws-delivery <args>` as a process, without waiting synchronously: a fake server in
 * this process can answer it.
 */
export function cliSpawned(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const env = options.onlyEnv ?? { ...process.env, ...options.env };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** What `process.exit(code)` throws while `cliInProcess` runs: the real process would end there. */
class ProcessExit {
  constructor(readonly code: number) {}
}

let running = false;

/**
 * `gitlab-aws-delivery <args>` in this process: cli/main.ts `main`, as bin/gitlab-aws-delivery.js
 * calls it, with what it writes to process.stdout and process.stderr kept (neither seen as a
 * terminal, as through a pipe), and the exit code it leaves in process.exitCode or gives
 * process.exit (which throws here, to end the run where the process would end: a `catch`
 * between it and main() would see that throw, so such a path is tested through the bin). The working folder and the environment are the given ones for the run, and
 * put back after it. Each spawn of the bin costs about 0.4 CPU-s (node, the bundle, its
 * packages); here the sources are loaded once per test file. What only a process shows (the
 * bin's EPIPE handling, signals, the environment a fresh process starts with) stays spawned.
 * Runs never overlap: stdout, the environment and the folder are this process's own.
 * DELIVERY_TEST_CLI=spawn runs each through the real bin instead, to compare.
 */
export async function cliInProcess(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (process.env.DELIVERY_TEST_CLI === "spawn") return cliSpawned(args, options);
  const { main } = await import("../../cli/main");
  if (running) throw new Error("cliInProcess: one run at a time (it takes over process.stdout, the environment and the folder)");
  running = true;
  const out = { stdout: "", stderr: "" };
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const savedExit = process.exit;
  const restoreStreams = (["stdout", "stderr"] as const).map((name) => capture(process[name], (text) => (out[name] += text)));
  try {
    if (options.onlyEnv) for (const key of Object.keys(process.env)) delete process.env[key];
    // As spawn does: a variable given as undefined is not passed at all.
    for (const [key, value] of Object.entries(options.onlyEnv ?? options.env ?? {})) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.chdir(options.cwd ?? root);
    process.exitCode = undefined;
    process.exit = ((code?: number | string | null) => {
      throw new ProcessExit(Number(code ?? process.exitCode ?? 0));
    }) as typeof process.exit;
    let status: number;
    try {
      await main(args);
      status = Number(process.exitCode ?? 0);
    } catch (e) {
      if (!(e instanceof ProcessExit)) {
        // As the bin's .catch does with a rejected main().
        out.stderr += `gitlab-aws-delivery: internal error, please report it:\n${e instanceof Error ? e.stack : String(e)}\n`;
        status = 2;
      } else status = e.code;
    }
    return { status, ...out };
  } finally {
    process.exit = savedExit;
    process.exitCode = savedExitCode;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    for (const restore of restoreStreams) restore();
    running = false;
  }
}

/** Takes over a stream's writes, and makes it no terminal (commander wraps and colours help on one); returns the undo. */
function capture(stream: NodeJS.WriteStream, keep: (text: string) => void): () => void {
  const own = Object.getOwnPropertyDescriptors(stream);
  const write = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), done?: (e?: Error | null) => void) => {
    keep(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8"));
    const callback = typeof encoding === "function" ? encoding : done;
    if (callback) process.nextTick(callback);
    return true;
  };
  Object.defineProperty(stream, "write", { value: write, configurable: true, writable: true });
  Object.defineProperty(stream, "isTTY", { value: undefined, configurable: true, writable: true });
  return () => {
    for (const key of ["write", "isTTY"] as const) {
      if (own[key]) Object.defineProperty(stream, key, own[key]);
      else delete (stream as unknown as Record<string, unknown>)[key];
    }
  };
}
