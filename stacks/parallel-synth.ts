import { Manifest } from "cdktf";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { DeliveryConfig } from "../config/schema";
import { synthesizeConfig } from "./app";
import { partition, Shard } from "./partition";

/** How many processes synthesize a config: one for small configs, up to a core per share of ~100 projects. */
export function workerCount(config: DeliveryConfig, env: NodeJS.ProcessEnv = process.env): number {
  const stacks = partition(config).length;
  const wanted = env.DELIVERY_SYNTH_WORKERS
    ? Number(env.DELIVERY_SYNTH_WORKERS)
    : Math.min(availableParallelism(), Math.floor(config.projects.length / 100) + 1);
  return Math.max(1, Math.min(wanted, stacks));
}

/**
 * Synthesizes a large fleet in several processes (cdktf's synthesis is single-threaded and
 * dominated by token resolution), each building the shared stack and its share of the
 * projects stacks; the results are merged into `outdir` only when every process succeeded.
 * The output is byte-identical to a single-process synthesis.
 */
export async function synthesizeParallel(
  config: DeliveryConfig,
  outdir: string,
  command: readonly string[],
  workers: number,
  warn: (w: string) => void = () => undefined,
): Promise<void> {
  if (workers <= 1) {
    synthesizeConfig(config, outdir, undefined, outdir, warn);
    return;
  }
  const root = join(dirname(outdir), `.${basename(outdir)}.workers-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  try {
    const dirs = Array.from({ length: workers }, (_, i) => join(root, String(i)));
    // Share 0 is built here, in this process, while the other processes build theirs.
    const others = dirs.slice(1).map((dir, i) => runWorker(command, dir, outdir, { index: i + 1, count: workers }));
    const own = Promise.resolve().then(() => synthesizeConfig(config, dirs[0], { index: 0, count: workers }, outdir, warn));
    const results = await Promise.allSettled([own, ...others]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const manifests = dirs.map((dir) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
    const sharedName = Object.keys(manifests[0].stacks).find((name) => manifests.every((m) => name in m.stacks))!;
    const sharedText = (dir: string) => readFileSync(join(dir, "stacks", sharedName, "cdk.tf.json"), "utf8");
    if (dirs.some((dir) => sharedText(dir) !== sharedText(dirs[0]))) throw new Error(`the shared stack ${sharedName} differs between synthesis processes`);
    mkdirSync(join(outdir, "stacks"), { recursive: true });
    const merged = new Manifest(manifests[0].version, outdir, false);
    dirs.forEach((dir, i) => {
      for (const [name, entry] of Object.entries(manifests[i].stacks)) {
        if (i > 0 && name === sharedName) continue;
        cpSync(join(dir, "stacks", name), join(outdir, "stacks", name), { recursive: true, force: true });
        merged.stacks[name] = entry as (typeof merged.stacks)[string];
      }
    });
    merged.writeToFile();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function runWorker(command: readonly string[], outdir: string, finalOutdir: string, shard: Shard): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0], command.slice(1), {
      env: { ...process.env, CDKTF_OUTDIR: outdir, DELIVERY_FINAL_OUTDIR: finalOutdir, DELIVERY_SYNTH_SHARD: `${shard.index}/${shard.count}` },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new WorkerError(code ?? 2, stderr))));
  });
}

/** A synthesis process failed; its own message (already user-facing) is passed on as it is. */
export class WorkerError extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(stderr.trim());
    this.name = "WorkerError";
  }
}

/** `"1/4"` → { index: 1, count: 4 } */
export function parseShard(text: string): Shard {
  const [index, count] = text.split("/").map(Number);
  if (!(count > 0 && index >= 0 && index < count)) throw new Error(`DELIVERY_SYNTH_SHARD "${text}" is not i/n`);
  return { index, count };
}
