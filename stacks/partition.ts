import { DeliveryConfig, ProjectConfig } from "../config/schema";
import { Assignment, assignStacks, Move } from "./assignment";

export interface Partition {
  /** Stack name: `<name>-<top-level group>`, `<name>-<group>-<subgroup>…` or `<name>-<stack>` (stacks/assignment.ts). */
  readonly stack: string;
  /** Its projects, in config order. */
  readonly projects: readonly ProjectConfig[];
  /** Projects moved out of this stack on purpose: forgotten here, not destroyed. */
  readonly movedOut: readonly Move[];
  /** Projects moved into this stack on purpose: imported here. */
  readonly movedIn: readonly Move[];
}

/**
 * Projects grouped into stacks (each with its own state), sorted by stack name: as the
 * assignment says (the lock file's), or as a fresh one would.
 */
export function partition(config: DeliveryConfig, assignment: Assignment = assignStacks(config)): Partition[] {
  const groups = new Map<string, ProjectConfig[]>();
  for (const project of config.projects) {
    const stack = assignment.stacks.get(project.path)!;
    const group = groups.get(stack);
    if (group) group.push(project);
    else groups.set(stack, [project]);
  }
  // A stack all of whose projects moved away stays until its moves are dropped, to forget them.
  for (const move of assignment.moves) if (!groups.has(move.from)) groups.set(move.from, []);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stack, projects]) => ({
      stack,
      projects,
      movedOut: assignment.moves.filter((m) => m.from === stack),
      movedIn: assignment.moves.filter((m) => m.to === stack),
    }));
}
