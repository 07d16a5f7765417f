import { App } from "cdktf";
import { IConstruct } from "constructs";
import { relative, resolve } from "node:path";
import { projectConstructId } from "../config/naming";
import { literalConfig } from "../config/literal";
import { DeliveryConfig } from "../config/schema";
import { Assignment, assignStacks } from "./assignment";
import { Partition, partition } from "./partition";
import { CannotMoveError, MovedResource, movedResources } from "../modules/core/moves";
import { ProjectsStack } from "./projects-stack";
import { SharedStack } from "./shared-stack";
import { ValidationError } from "./validation-error";

export { ValidationError };

export interface BuildOptions {
  /**
   * Which projects stacks to build, chosen from all of them (a worker process of a large
   * fleet builds its share; app/shards.ts). The shared stack is always built.
   * @default - every stack
   */
  readonly select?: (all: readonly Partition[]) => readonly Partition[];
  /**
   * Which stack each project lives in (the lock file's).
   * @default - a fresh assignment (stacks/assignment.ts)
   */
  readonly assignment?: Assignment;
  /** Where cdktf writes (a staging folder while synthesizing). @default "cdktf.out" */
  readonly outdir?: string;
  /** Where the stacks finally live; local state paths are relative to it. @default outdir */
  readonly finalOutdir?: string;
}

/** Builds the stacks of a configuration into a new App (nothing is validated yet). */
export function buildApp(config: DeliveryConfig, options: BuildOptions = {}): { app: App; shared: SharedStack; stacks: ProjectsStack[] } {
  // cdktf's own validation pass is replaced by validateTree, which runs every rule of every
  // stack before the first file is written.
  const app = new App({ outdir: options.outdir, skipValidation: true });
  const finalOutdir = options.finalOutdir ?? options.outdir ?? "cdktf.out";
  const literal = literalOf(config);
  const localRoot = relative(resolve(finalOutdir, "stacks", "any-stack"), process.cwd());
  const shared = new SharedStack(app, literal, { localRoot });
  const all = partition(literal, options.assignment ?? assignStacks(literal));
  const partitions = options.select ? options.select(all) : all;
  const stacks = withMoveProblems(() =>
    partitions.map(
      ({ stack, projects, movedIn, movedOut }) =>
        new ProjectsStack(app, stack, {
          config: literal,
          projects,
          shared,
          localRoot,
          movedIn: movedIn.map((m) => m.project),
          movedOut: movedOut.flatMap((m) => resourcesOf(literal, m.project, stack, localRoot)),
        }),
    ),
  );
  return { app, shared, stacks };
}

/**
 * The escaped copy of each configuration (config/literal.ts), made once: a process that builds
 * its stacks batch by batch builds an app per batch from the same configuration, and copying
 * 10,000 projects took 0.13 s a batch. Frozen, so that no batch can change what the next reads.
 */
const literals = new WeakMap<DeliveryConfig, DeliveryConfig>();

function literalOf(config: DeliveryConfig): DeliveryConfig {
  let literal = literals.get(config);
  if (!literal) {
    literal = deepFreeze(literalConfig(config));
    literals.set(config, literal);
  }
  return literal;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A project that cannot be moved is the user's to fix, like a failed rule. */
function withMoveProblems<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof CannotMoveError) throw new ValidationError([e.message]);
    throw e;
  }
}

/**
 * The resources a project has in a stack (types and construct paths), from a throwaway app
 * with that project alone: what the stack it moved out of forgets.
 */
function resourcesOf(config: DeliveryConfig, path: string, stack: string, localRoot: string): MovedResource[] {
  const project = config.projects.find((p) => p.path.toLowerCase() === path.toLowerCase());
  if (!project) return [];
  // Never synthesized: nothing is written.
  const scratch = new App({ skipValidation: true });
  const shared = new SharedStack(scratch, config, { localRoot });
  const built = new ProjectsStack(scratch, stack, { config, projects: [project], shared, localRoot });
  return movedResources(built.node.findChild(projectConstructId(project.path)));
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
