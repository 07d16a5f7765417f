import { DeliveryConfig, ProjectConfig } from "../config/schema";

export interface Partition {
  /** Stack name: `<name>-<stack key or top-level group>`. */
  readonly stack: string;
  /** Its projects, in config order. */
  readonly projects: readonly ProjectConfig[];
}

/** The stack key of a project: its `stack` override, else its top-level GitLab group. */
export function stackKey(project: ProjectConfig): string {
  return project.stack ?? project.path.split("/")[0].toLowerCase().replace(/[^a-z0-9-]/g, "-");
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
