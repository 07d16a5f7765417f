import { stackKey } from "../config/naming";
import { DeliveryConfig, ProjectConfig } from "../config/schema";

export interface Partition {
  /** Stack name: `<name>-<stack key or top-level group>`. */
  readonly stack: string;
  /** Its projects, in config order. */
  readonly projects: readonly ProjectConfig[];
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
