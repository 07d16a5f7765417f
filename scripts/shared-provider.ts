/*
 * One AWS provider process serving many terraform commands, through terraform's documented
 * reattach protocol (TF_REATTACH_PROVIDERS, the provider started with -debug). Every terraform
 * command otherwise starts the 690 MB provider anew and has it build and send its whole schema:
 * measured on a lifecycle stack, plan 3.4 → 2.0 CPU-s and show -json 2.0 → 1.6 CPU-s.
 *
 * terraform talks to it through scripts/provider-proxy.js, which keeps the provider's schema
 * answer and gives each command only the types its folder names (announceSchemaTypes): terraform
 * then decodes a few dozen types instead of every AWS type (plan 2.0 → 0.3 CPU-s).
 *
 * One command at a time per provider: each command configures it (region, endpoints) for itself,
 * and the proxy's list of types is the next command's.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const REATTACH_ENV = "TF_REATTACH_PROVIDERS";
/** Set to "0" to give every terraform command its own provider process, as terraform does by default. */
export const SHARED_PROVIDER_ENV = "DELIVERY_TF_SHARED_PROVIDER";
/**
 * A folder where each process notes the shared provider it started (`<pid>.json`), so that code
 * run again in the same process with its modules loaded anew (jest: each test file) finds it
 * instead of starting another 690 MB process. Unset: each module instance starts its own.
 */
export const PROVIDER_REGISTRY_ENV = "DELIVERY_TF_PROVIDER_REGISTRY";
/** The file through which a command's owner tells the proxy which types the command reads. */
export const SCHEMA_TYPES_ENV = "DELIVERY_TF_SCHEMA_TYPES";

/**
 * terraform commands run for a second or so, and the shared provider serves them: both are Go
 * programs, whose collector runs at each doubling of the heap by default (GOGC=100). That cost
 * a sixth of the engine tests' CPU (measured: 89–97 → 77 CPU-s with 400); the peaks measured
 * with 400 are 430 MB for a terraform command and 520 MB for the provider. GOGC set by the
 * caller wins.
 */
export const GO_GC_PERCENT = "400";

const PROXY = join(__dirname, "..", "scripts", "provider-proxy.js");

const START_TIMEOUT_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export interface SharedProvider {
  /** The value of TF_REATTACH_PROVIDERS that makes terraform use this process. */
  readonly reattach: string;
  /** The provider's process. */
  readonly pid: number;
  /** The schema proxy's process, which terraform attaches to. */
  readonly proxyPid: number;
  /** Where announceSchemaTypes writes the next command's types: the value of DELIVERY_TF_SCHEMA_TYPES. */
  readonly schemaTypesFile: string;
  stop(): void;
}

/**
 * Starts `binary -debug` and the schema proxy in front of it, and waits (synchronously: the
 * lifecycle harness is synchronous) until terraform can attach. Both stop with this process: on
 * exit, and else by a watchdog that outlives a killed owner by at most a second.
 */
export function startSharedProvider(binary: string): SharedProvider {
  const dir = mkdtempSync(join(tmpdir(), "gad-provider-"));
  // aws-sdk-go-base wraps the HTTP client for a custom CA bundle when the provider is
  // configured; a second configuration in the same process then fails ("unable to add custom
  // RootCAs HTTPClient"). The plans here reach no real endpoint, so no bundle is needed.
  const env: NodeJS.ProcessEnv = { GOGC: GO_GC_PERCENT, ...process.env };
  delete env.AWS_CA_BUNDLE;
  const provider = startLogged(binary, ["-debug"], join(dir, "provider.log"), env);
  const proxySocket = join(dir, "proxy.sock");
  const schemaTypesFile = join(dir, "schema-types.json");
  const pids = [provider.pid];
  const stop = () => stopProcesses(pids, dir);
  try {
    const found = waitForLine(provider, /TF_REATTACH_PROVIDERS='(\{.*\})'/, `the AWS provider (${binary} -debug)`);
    const reattach = JSON.parse(found[1]);
    const [name] = Object.keys(reattach);
    const proxy = startLogged(process.execPath, [PROXY, reattach[name].Addr.String, proxySocket, schemaTypesFile], join(dir, "proxy.log"), process.env);
    pids.push(proxy.pid);
    waitForLine(proxy, /^listening$/m, "the provider's schema proxy");
    const watchdog = spawn(
      "sh",
      ["-c", `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${provider.pid} 2>/dev/null; do sleep 1; done; kill ${pids.join(" ")} 2>/dev/null`],
      {
        detached: true,
        stdio: "ignore",
      },
    );
    watchdog.unref();
    process.once("exit", stop);
    const viaProxy = { [name]: { ...reattach[name], Pid: proxy.pid, Addr: { Network: "unix", String: proxySocket } } };
    return { reattach: JSON.stringify(viaProxy), pid: provider.pid, proxyPid: proxy.pid, schemaTypesFile, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** The variables that make a terraform command use `provider`: attach to its proxy, and where to announce its types. */
export function attachTo(provider: SharedProvider): NodeJS.ProcessEnv {
  return { [REATTACH_ENV]: provider.reattach, [SCHEMA_TYPES_ENV]: provider.schemaTypesFile };
}

type Noted = Omit<SharedProvider, "stop"> & { readonly binary: string; readonly dir: string };

/** This process's shared provider: the one noted in the registry (PROVIDER_REGISTRY_ENV) if it still runs, else a new one. */
export function sharedProviderOfThisProcess(binary: string): SharedProvider {
  const registry = process.env[PROVIDER_REGISTRY_ENV];
  if (!registry) return startSharedProvider(binary);
  const note = join(registry, `${process.pid}.json`);
  try {
    const noted: Noted = JSON.parse(readFileSync(note, "utf8"));
    if (noted.binary === binary && alive(noted.pid) && alive(noted.proxyPid)) {
      const { binary: _b, dir, ...provider } = noted;
      return { ...provider, stop: () => stopProcesses([noted.pid, noted.proxyPid], dir) };
    }
  } catch {
    // none noted yet, or not readable: start one
  }
  const started = startSharedProvider(binary);
  const { stop: _s, ...provider } = started;
  writeFileSync(note, JSON.stringify({ ...provider, binary, dir: dirname(started.schemaTypesFile) }));
  return started;
}

function stopProcesses(pids: number[], dir: string): void {
  for (const pid of pids) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

interface Logged {
  readonly pid: number;
  readonly log: string;
}

/** A detached process writing stdout and stderr to `log`. */
function startLogged(command: string, args: string[], log: string, env: NodeJS.ProcessEnv): Logged {
  const fd = openSync(log, "w");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd], env });
  closeSync(fd);
  child.unref();
  return { pid: child.pid!, log };
}

function waitForLine(started: Logged, line: RegExp, what: string): RegExpExecArray {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const text = existsSync(started.log) ? readFileSync(started.log, "utf8") : "";
    const found = line.exec(text);
    if (found) return found;
    if (Date.now() > deadline || !alive(started.pid)) {
      throw new Error(`${what} did not start within ${START_TIMEOUT_MS / 1000} s:\n${text.slice(-2000)}`);
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
