import { App } from "cdktf";
import { IConstruct } from "constructs";
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { literalConfig } from "../config/literal";
import { DeliveryConfig } from "../config/schema";
import { withQuietTokenTraces } from "./quiet-token-traces";
import { partition } from "./partition";
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
  const statePath = (stack: string) => localStatePath(finalOutdir, stack);
  const shared = new SharedStack(app, literal, { localStatePath: statePath });
  const stacks = partition(literal).map(
    ({ stack, projects }) => new ProjectsStack(app, stack, { config: literal, projects, shared, localStatePath: statePath }),
  );
  return { app, shared, stacks };
}

/**
 * Local state beside the project (where cdktf puts it by default) but written as a path
 * relative to the stack's folder, so the synthesized JSON does not depend on where the
 * project is checked out.
 */
export function localStatePath(outdir: string, stack: string): string {
  return join(relative(resolve(outdir, "stacks", stack), process.cwd()), `terraform.${stack}.tfstate`);
}

/** Runs every construct's validations (ours and cdktf's); throws ValidationError on any. */
export function validateTree(root: IConstruct): void {
  const problems = root.node.findAll().flatMap((c) => c.node.validate().map((message) => `${c.node.path}: ${message}`));
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * Builds, validates and synthesizes into a staging folder beside `outdir`, then moves the
 * manifest and each stack's files into place: a failure at any step leaves `outdir` as it was.
 */
export function synthesizeConfig(config: DeliveryConfig, outdir: string): string[] {
  const staging = join(dirname(outdir), `.${basename(outdir)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  try {
    const { shared, stacks } = withQuietTokenTraces(() => {
      const built = buildApp(config, { outdir: staging, finalOutdir: outdir });
      validateTree(built.app);
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
