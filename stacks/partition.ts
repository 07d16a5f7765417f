import { DeliveryConfig, ProjectConfig } from "../config/schema";

export interface Partition {
  /** Stack name: `<name>-<stack key or top-level group>`. */
  readonly stack: string;
  /** Its projects, in config order. */
  readonly projects: readonly ProjectConfig[];
}

/** The stack key of a project: its `stack` override, else its top-level GitLab group. */
export function stackKey(project: ProjectConfig): string {
  return (
    project.stack ??
    project.path
      .split("/")[0]
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
  );
}

/** Projects grouped into stacks (each with its own state), sorted by stack name. */
export function partition(config: DeliveryConfig): Partition[] {
  const groups = new Map<string, ProjectConfig[]>();
  for (const project of config.projects) {
    const stack = `${config.name}-${stackKey(project)}`;
    groups.set(stack, [...(groups.get(stack) ?? []), project]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([stack, projects]) => ({ stack, projects }));
}

/** Which share of the projects stacks one synthesis process builds (the shared stack is in every share). */
export interface Shard {
  readonly index: number;
  readonly count: number;
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
