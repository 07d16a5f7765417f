import { App } from "cdktf";
import { IConstruct } from "constructs";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DeliveryConfig } from "../config/schema";
import { DeliveryStack } from "./delivery-stack";

/** Construct-tree rules that failed; raised before anything is written to the outdir. */
export class ValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The delivery graph is not valid:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ValidationError";
  }
}

/** Builds every stack of a configuration into a new App (nothing is validated yet). */
export function buildApp(config: DeliveryConfig, outdir?: string): { app: App; stacks: DeliveryStack[] } {
  // cdktf's own validation pass is replaced by validateTree, which runs every rule of every
  // stack before the first file is written.
  const app = new App({ outdir, skipValidation: true });
  const stacks = [new DeliveryStack(app, config)];
  return { app, stacks };
}

/** Runs every construct's validations (ours and cdktf's); throws ValidationError on any. */
export function validateTree(root: IConstruct): void {
  const problems = root.node.findAll().flatMap((c) => c.node.validate().map((message) => `${c.node.path}: ${message}`));
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * Builds, validates and synthesizes into a staging folder beside `outdir`, then moves the
 * manifest and each stack into place: a failure at any step leaves `outdir` as it was.
 */
export function synthesizeConfig(config: DeliveryConfig, outdir: string): string[] {
  const staging = join(dirname(outdir), `.${basename(outdir)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  try {
    const { app, stacks } = buildApp(config, staging);
    validateTree(app);
    app.synth();
    mkdirSync(join(outdir, "stacks"), { recursive: true });
    for (const name of readdirSync(join(staging, "stacks"))) {
      rmSync(join(outdir, "stacks", name), { recursive: true, force: true });
      renameSync(join(staging, "stacks", name), join(outdir, "stacks", name));
    }
    renameSync(join(staging, "manifest.json"), join(outdir, "manifest.json"));
    return stacks.map((s) => s.node.id);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
