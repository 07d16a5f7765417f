import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { rawConfig, rawProject } from "../helpers";

// Process tests run the cdktf app command itself (as `cdktf synth` does) and know nothing of
// app/: they describe what a user sees, so they ran (and failed) against the code before it.

export const root = join(__dirname, "..", "..");
export const app = join(root, "scripts", "run-app.js");

const workDirs: string[] = [];
// Removed after each test file, whether its tests passed or not.
afterAll(() => workDirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder of its own for one test: delivery.yaml and cdktf.out go in it. */
export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "delivery-app-"));
  workDirs.push(dir);
  return dir;
}

/** The environment of a synth: config file, output folder (as cdktf passes it: absolute). */
export function synthEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, DELIVERY_CONFIG: join(dir, "delivery.yaml"), CDKTF_OUTDIR: join(dir, "cdktf.out"), ...extra };
}

/** Runs the app to its end, bounded in time. */
export function runApp(dir: string, extra: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...nodeArgs, app], { cwd: dir, encoding: "utf8", env: synthEnv(dir, extra), timeout: 60_000 });
}

export interface Ended {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** The node arguments that hold a synth in the middle of its synthesis (hold-preload.js), and what lets it go on. */
export function holdArgs(dir: string): { nodeArgs: string[]; env: NodeJS.ProcessEnv; release: () => void } {
  const file = join(dir, "release");
  return { nodeArgs: ["-r", join(__dirname, "hold-preload.js")], env: { HOLD_RELEASE: file }, release: () => writeFileSync(file, "") };
}

/**
 * Starts the app (`detached`: in a process group of its own, as a shell starts a job); `ended`
 * resolves when it exits; `stderr` is what it has said so far. `held`: it stops at its first
 * stack written until `release` is called.
 */
export function startApp(
  dir: string,
  extra: NodeJS.ProcessEnv = {},
  { detached = false, held = false }: { detached?: boolean; held?: boolean } = {},
): { child: ChildProcess; ended: Promise<Ended>; release: () => void; stderr: () => string } {
  const hold = held ? holdArgs(dir) : { nodeArgs: [], env: {}, release: () => undefined };
  const child = spawn(process.execPath, [...hold.nodeArgs, app], {
    cwd: dir,
    env: synthEnv(dir, { ...hold.env, ...extra }),
    stdio: ["ignore", "ignore", "pipe"],
    detached,
  });
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += c));
  const ended = new Promise<Ended>((resolve) => child.on("close", (status, signal) => resolve({ status, signal, stderr })));
  return { child, ended, release: hold.release, stderr: () => stderr };
}

/** A config of n projects over 10 top-level groups (10 team stacks), as bench/synth.ts makes. */
export function fleetYaml(n: number): string {
  const projects = Array.from({ length: n }, (_, i) => rawProject({ path: `group-${i % 10}/team-${i % 7}/service-${i}` }));
  return stringify(rawConfig({ name: "fleet", projects }));
}

/** Two groups (stacks acme-delivery-acme and -beta besides the shared one). */
export const twoGroups = stringify(rawConfig({ projects: [rawProject(), rawProject({ path: "beta/api" })] }));
/** One of those groups, with every stack's text changed (another tag). */
export const oneGroupRetagged = stringify(rawConfig({ aws: { region: "eu-west-1", defaultTags: { team: "payments" } }, projects: [rawProject()] }));

/** Every file and folder under `dir` (links as links) with its content: equal means byte-identical. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const rel = relative(dir, full);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = "";
        walk(full);
      } else out[rel] = readFileSync(full, "latin1");
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** What a synth may leave beside cdktf.out: nothing (lock, staging and worker folders are its own). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(".cdktf.out."));
}

/** The stacks the manifest names and the stack folders, which must agree. */
export function manifestAndFolders(outdir: string): { manifest: string[]; folders: string[] } {
  const manifest = Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).sort();
  return { manifest, folders: readdirSync(join(outdir, "stacks")).sort() };
}

/** /proc/<pid>/stat: state, parent and process group (Linux). */
function stat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]) };
  } catch {
    return undefined;
  }
}

/** Whether a process runs (a zombie, ended but not reaped, does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return stat(pid)?.state !== "Z";
}

/** The live child processes of `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => stat(p)?.ppid === pid && alive(p));
}

/** The live processes of process group `pgrp` that run the app (the synth and its workers). */
export function appProcesses(pgrp: number): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => {
      if (stat(p)?.pgrp !== pgrp) return false;
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(app) && alive(p);
      } catch {
        return false;
      }
    });
}

/** Whether a process is a synthesis worker (DELIVERY_SYNTH_SHARD set; not, say, esbuild's service rebuilding the bundle). */
function isWorker(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .some((v) => v.startsWith("DELIVERY_SYNTH_SHARD="));
  } catch {
    return false;
  }
}

/** The live worker processes of process group `pgrp`. */
export function workerProcesses(pgrp: number): number[] {
  return appProcesses(pgrp).filter(isWorker);
}

/** The live worker processes started by `pid`. */
export function workersOf(pid: number): number[] {
  return childrenOf(pid).filter(isWorker);
}

/** Polls until `check` returns a value other than undefined/false; throws after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
