import { App, Manifest } from "cdktf";
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { IConstruct } from "constructs";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { literalConfig } from "../config/literal";
import { DeliveryConfig } from "../config/schema";
import { withQuietTokenTraces } from "./quiet-token-traces";
import { Partition, partition } from "./partition";
import { ProjectsStack } from "./projects-stack";
import { SharedStack } from "./shared-stack";

/** Construct-tree rules that failed; raised before anything is written to the outdir. */
export class ValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The delivery graph is not valid:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ValidationError";
  }
}

/** Which share of the projects stacks one synthesis process builds (the shared stack is in every share). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface BuildOptions {
  /** @default - every stack */
  readonly shard?: Shard;
  /** Where cdktf writes (a staging folder while synthesizing). @default "cdktf.out" */
  readonly outdir?: string;
  /** Where the stacks finally live; local state paths are relative to it. @default outdir */
  readonly finalOutdir?: string;
}

/** Builds every stack of a configuration into a new App (nothing is validated yet). */
export function buildApp(config: DeliveryConfig, options: BuildOptions = {}): { app: App; shared: SharedStack; stacks: ProjectsStack[] } {
  // cdktf's own validation pass is replaced by validateTree, which runs every rule of every
  // stack before the first file is written.
  const app = new App({ outdir: options.outdir, skipValidation: true });
  const finalOutdir = options.finalOutdir ?? options.outdir ?? "cdktf.out";
  const literal = literalConfig(config);
  const localRoot = relative(resolve(finalOutdir, "stacks", "any-stack"), process.cwd());
  const shared = new SharedStack(app, literal, { localRoot });
  const partitions = options.shard ? assignShards(partition(literal), options.shard.count)[options.shard.index] : partition(literal);
  const stacks = partitions.map(
    ({ stack, projects }) => new ProjectsStack(app, stack, { config: literal, projects, shared, localRoot }),
  );
  return { app, shared, stacks };
}


/**
 * Runs every construct's validations (ours and cdktf's); throws ValidationError on any.
 * cdktf's terraform-version checks (the cloud block, import and moved blocks) need a
 * terraform binary; without one they cannot run at synth time, and come back as warnings
 * for where plan and apply run.
 */
export function validateTree(root: IConstruct): string[] {
  const warnings: string[] = [];
  const problems = root.node.findAll().flatMap((c) =>
    c.node.validate().flatMap((message) => {
      if (/^Could not determine version of terraform, terraform version failed/.test(message)) {
        warnings.push(
          `${c.node.path}: cdktf's terraform version check was skipped (no terraform binary here); where this stack is planned and applied, use terraform >= 1.7 (1.10 with S3 native locking)`,
        );
        return [];
      }
      return [`${c.node.path}: ${message}`];
    }),
  );
  if (problems.length > 0) throw new ValidationError(problems);
  return [...new Set(warnings)];
}


/**
 * Builds, validates and synthesizes into a staging folder beside `outdir`, then moves the
 * manifest and each stack's files into place: a failure at any step leaves `outdir` as it was.
 */
export function synthesizeConfig(config: DeliveryConfig, outdir: string, shard?: Shard, finalOutdir = outdir, warn: (w: string) => void = () => undefined): string[] {
  const staging = join(dirname(outdir), `.${basename(outdir)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  try {
    const { shared, stacks } = withQuietTokenTraces(() => {
      const built = buildApp(config, { outdir: staging, finalOutdir, shard });
      validateTree(built.app).forEach(warn);
      built.app.synth();
      return built;
    });
    mkdirSync(join(outdir, "stacks"), { recursive: true });
    // Copied over, not swapped: each stack folder also holds terraform's .terraform/ and
    // lock file from earlier runs, which must survive a new synth.
    for (const name of readdirSync(join(staging, "stacks"))) {
      cpSync(join(staging, "stacks", name), join(outdir, "stacks", name), { recursive: true, force: true });
    }
    renameSync(join(staging, "manifest.json"), join(outdir, "manifest.json"));
    return [shared, ...stacks].map((s) => s.node.id);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Splits projects stacks into `count` shares of about equal project counts (largest first,
 * each to the lightest share; ties by name), the same way on every machine.
 */
export function assignShards(partitions: readonly Partition[], count: number): Partition[][] {
  const shares: Partition[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  const bySize = [...partitions].sort((a, b) => b.projects.length - a.projects.length || (a.stack < b.stack ? -1 : 1));
  for (const p of bySize) {
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest].push(p);
    load[lightest] += p.projects.length;
  }
  return shares.map((share) => share.sort((a, b) => (a.stack < b.stack ? -1 : 1)));
}

/** How many processes synthesize a config: one for small configs, up to a core per share of ~100 projects. */
export function workerCount(config: DeliveryConfig, env: NodeJS.ProcessEnv = process.env): number {
  const stacks = partition(config).length;
  const wanted = env.DELIVERY_SYNTH_WORKERS ? Number(env.DELIVERY_SYNTH_WORKERS) : Math.min(availableParallelism(), Math.floor(config.projects.length / 100) + 1);
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
