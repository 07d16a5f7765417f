/*
 * One AWS provider process serving many terraform commands, through terraform's documented
 * reattach protocol (TF_REATTACH_PROVIDERS, the provider started with -debug). Every terraform
 * command otherwise starts the 690 MB provider anew and has it build and send its whole schema:
 * measured on a lifecycle stack, plan 3.4 → 2.0 CPU-s and show -json 2.0 → 1.6 CPU-s.
 *
 * One command at a time per provider: each command configures it (region, endpoints) for itself.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REATTACH_ENV = "TF_REATTACH_PROVIDERS";
/** Set to "0" to give every terraform command its own provider process, as terraform does by default. */
export const SHARED_PROVIDER_ENV = "DELIVERY_TF_SHARED_PROVIDER";

const START_TIMEOUT_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export interface SharedProvider {
  /** The value of TF_REATTACH_PROVIDERS that makes terraform use this process. */
  readonly reattach: string;
  readonly pid: number;
  stop(): void;
}

/**
 * Starts `binary -debug` and waits (synchronously: the lifecycle harness is synchronous) for
 * the line that says how to attach. The provider stops with this process: on exit, and else by
 * a watchdog that outlives a killed owner by at most a second.
 */
export function startSharedProvider(binary: string): SharedProvider {
  const dir = mkdtempSync(join(tmpdir(), "gad-provider-"));
  const log = join(dir, "provider.log");
  const fd = openSync(log, "w");
  // aws-sdk-go-base wraps the HTTP client for a custom CA bundle when the provider is
  // configured; a second configuration in the same process then fails ("unable to add custom
  // RootCAs HTTPClient"). The plans here reach no real endpoint, so no bundle is needed.
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  const child = spawn(binary, ["-debug"], { detached: true, stdio: ["ignore", fd, fd], env });
  closeSync(fd);
  child.unref();
  const pid = child.pid!;
  const watchdog = spawn("sh", ["-c", `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill ${pid} 2>/dev/null`], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  const stop = () => {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const text = existsSync(log) ? readFileSync(log, "utf8") : "";
    const found = /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(text);
    if (found) {
      process.once("exit", stop);
      return { reattach: found[1], pid, stop };
    }
    if (Date.now() > deadline || !alive(pid)) {
      stop();
      throw new Error(`the AWS provider (${binary} -debug) did not start within ${START_TIMEOUT_MS / 1000} s:\n${text.slice(-2000)}`);
    }
    Atomics.wait(sleeper, 0, 0, 25);
  }
}

/** Whether a process of this id runs (signal 0 checks without sending). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
