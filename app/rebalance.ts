import { existsSync } from "node:fs";
import { loadConfigFile } from "../config/load";
import { Assignment, assignStacks, legacyAssignment, Move } from "../stacks/assignment";
import { lockFileOf, lockText, readLock, writeLock } from "./assignment-lock";
import { UserError } from "./errors";

export interface RebalanceResult {
  readonly lockFile: string;
  /** Projects that change stack (each planned as removed + import by the next synth). */
  readonly moves: readonly Move[];
}

/**
 * Rewrites the lock file. `keepDeployed`: for a deployment made before lock files existed,
 * the lock that keeps every project where it is (one stack per top-level group, or its
 * `stack:`). Otherwise a fresh, bounded assignment, each project whose stack changes
 * recorded as a move.
 */
export function rebalance(configFile: string, options: { readonly keepDeployed: boolean }): RebalanceResult {
  const { config } = loadConfigFile(configFile);
  const lockFile = lockFileOf(configFile);
  if (options.keepDeployed) {
    if (existsSync(lockFile))
      throw new UserError(`${lockFile} exists already: it says where each project lives; --keep-deployed is for a deployment without one`);
    writeLock(lockFile, lockText(configFile, legacyAssignment(config)));
    return { lockFile, moves: [] };
  }
  const prior = readLock(lockFile);
  const current = assignStacks(config, prior);
  const fresh = assignStacks(config);
  const moves = [...fresh.stacks]
    .filter(([path, stack]) => current.stacks.get(path) !== stack)
    .map(([path, stack]) => ({ project: path, from: current.stacks.get(path)!, to: stack }));
  const moved = new Set(moves.map((m) => m.project));
  const assignment: Assignment = {
    stacks: fresh.stacks,
    moves: [...current.moves.filter((m) => !moved.has(m.project) && fresh.stacks.get(m.project) === m.to), ...moves].sort((a, b) =>
      a.project < b.project ? -1 : a.project > b.project ? 1 : 0,
    ),
  };
  writeLock(lockFile, lockText(configFile, assignment));
  return { lockFile, moves };
}
