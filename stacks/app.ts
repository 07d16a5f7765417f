import { App } from "cdktf";
import { IConstruct } from "constructs";
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { literalConfig } from "../config/literal";
import { DeliveryConfig } from "../config/schema";
import { withQuietTokenTraces } from "./quiet-token-traces";
import { assignShards, partition, Shard } from "./partition";
import { ProjectsStack } from "./projects-stack";
import { SharedStack } from "./shared-stack";

/** Construct-tree rules that failed; raised before anything is written to the outdir. */
export class ValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The delivery graph is not valid:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ValidationError";
  }
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
  const stacks = partitions.map(({ stack, projects }) => new ProjectsStack(app, stack, { config: literal, projects, shared, localRoot }));
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
    const built = buildApp(config, { outdir: dir, finalOutdir: options.finalOutdir, shard: options.shard });
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
