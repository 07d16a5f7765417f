import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DeliveryConfig } from "../config/schema";
import { buildApp, validateTree } from "../stacks/app";
import { withQuietTokenTraces } from "./quiet-token-traces";
import { assignShards, Shard } from "./shards";

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
    readonly finalOutdir: string;
    readonly warn?: (w: string) => void;
    /** Called as each stack's files are written, with its name (progress). */
    readonly onStack?: (name: string) => void;
  },
): string[] {
  const { shared, stacks } = withQuietTokenTraces(() => {
    const shard = options.shard;
    const built = buildApp(config, {
      outdir: dir,
      finalOutdir: options.finalOutdir,
      select: shard && ((all) => assignShards(all, shard.count)[shard.index]),
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
    built.app.synth();
    return built;
  });
  return [shared, ...stacks].map((s) => s.node.id);
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
