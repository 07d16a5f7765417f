import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DeliveryConfig } from "../config/schema";
import { buildApp, validateTree } from "../stacks/app";
import { Assignment, assignStacks } from "../stacks/assignment";
import { Partition, partition } from "../stacks/partition";
import { mergeTrees } from "./merge-trees";
import { inBatch } from "./batch-memory";
import { withQuietTokenTraces } from "./quiet-token-traces";
import { withResolveFastPath } from "./resolve-fast-path";
import { withArchiveOnce } from "./archive-once";
import { assignShards, Shard } from "./shards";

/**
 * Projects a process builds in one construct tree at most: past it, its stacks are built,
 * synthesized and let go batch by batch (stack by stack for large stacks), so its memory
 * stays bounded whatever the size of the organisation.
 */
export const BATCH_PROJECTS = 300;

/**
 * Builds, validates and synthesizes into `dir`, a folder that does not exist yet (its parent
 * does); when a rule fails, `dir` is left empty. Returns the stack names. `finalOutdir` is
 * where the stacks will finally live (local state paths are relative to it).
 */
export function synthesizeInto(
  config: DeliveryConfig,
  dir: string,
  options: {
    readonly shard?: Shard;
    /** @default - a fresh assignment */
    readonly assignment?: Assignment;
    readonly finalOutdir: string;
    readonly warn?: (w: string) => void;
    /** Called as each stack's files are written, with its name (progress). */
    readonly onStack?: (name: string) => void;
  },
): string[] {
  const assignment = options.assignment ?? assignStacks(config);
  const all = partition(config, assignment);
  const mine = options.shard ? assignShards(all, options.shard.count)[options.shard.index] : all;
  const batches = batchesOf(mine, BATCH_PROJECTS);
  if (batches.length <= 1) return synthesizeBatch(config, dir, mine, { ...options, assignment });
  // Each batch in a folder of its own beside `dir`, merged into `dir` at the end.
  const parts = batches.map((_, i) => `${dir}.part-${i}`);
  try {
    batches.forEach((batch, i) => inBatch(() => synthesizeBatch(config, parts[i], batch, { ...options, assignment })));
    return mergeTrees(parts, dir);
  } finally {
    for (const part of parts) rmSync(part, { recursive: true, force: true });
  }
}

function synthesizeBatch(
  config: DeliveryConfig,
  dir: string,
  selected: readonly Partition[],
  options: { readonly assignment: Assignment; readonly finalOutdir: string; readonly warn?: (w: string) => void; readonly onStack?: (name: string) => void },
): string[] {
  const names = new Set(selected.map((p) => p.stack));
  const { shared, stacks } = withQuietTokenTraces(() => {
    const built = buildApp(config, {
      outdir: dir,
      finalOutdir: options.finalOutdir,
      assignment: options.assignment,
      select: (all) => all.filter((p) => names.has(p.stack)),
    });
    validateTree(built.app).forEach(options.warn ?? (() => undefined));
    const onStack = options.onStack;
    if (onStack) {
      for (const stack of [built.shared, ...built.stacks]) {
        const synthesizer = stack.synthesizer;
        stack.synthesizer = {
          synthesize: (session) => {
            synthesizer.synthesize(session);
            onStack(stack.node.id);
          },
        };
      }
    }
    withResolveFastPath(() => withArchiveOnce(() => built.app.synth()));
    return built;
  });
  return [shared, ...stacks].map((s) => s.node.id);
}

/** Consecutive runs of stacks of about `size` projects together (a stack is never split). */
function batchesOf(partitions: readonly Partition[], size: number): Partition[][] {
  const batches: Partition[][] = [];
  let current: Partition[] = [];
  let count = 0;
  for (const p of partitions) {
    if (current.length > 0 && count + p.projects.length > size) {
      batches.push(current);
      current = [];
      count = 0;
    }
    current.push(p);
    count += p.projects.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Synthesizes into a staging folder beside `outdir`, then copies each stack's files over
 * `outdir` (for scripts and tests that write into a folder of their own; the app's
 * `cdktf synth` swaps the whole tree instead, see app/synth.ts): a failing rule leaves
 * `outdir` as it was.
 */
export function synthesizeConfig(
  config: DeliveryConfig,
  outdir: string,
  shard?: Shard,
  finalOutdir = outdir,
  warn: (w: string) => void = () => undefined,
): string[] {
  const staging = join(dirname(outdir), `.${basename(outdir)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  try {
    const names = synthesizeInto(config, staging, { shard, finalOutdir, warn });
    if (!existsSync(outdir)) {
      // Nothing to keep there: the staging tree (manifest.json and stacks/) becomes the folder.
      renameSync(staging, outdir);
      return names;
    }
    mkdirSync(join(outdir, "stacks"), { recursive: true });
    for (const name of readdirSync(join(staging, "stacks"))) {
      cpSync(join(staging, "stacks", name), join(outdir, "stacks", name), { recursive: true, force: true });
    }
    renameSync(join(staging, "manifest.json"), join(outdir, "manifest.json"));
    return names;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
