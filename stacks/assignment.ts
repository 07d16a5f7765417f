import { createHash } from "node:crypto";
import { DeliveryConfig, ProjectConfig } from "../config/schema";

/*
 * Which stack (Terraform state) each project lives in. A project's stack is part of its
 * resources' addresses: moving it is a state migration, so an assignment, once made, is kept
 * (app/assignment-lock.ts stores it beside the config) and only new projects are placed.
 */

/** A project that changes stack on purpose: removed (not destroyed) from one, imported into the other. */
export interface Move {
  readonly project: string;
  readonly from: string;
  readonly to: string;
}

export interface Assignment {
  /** Project path → stack name, for every project of the config. */
  readonly stacks: ReadonlyMap<string, string>;
  /** Moves still to be applied (kept until the user drops them from the lock file). */
  readonly moves: readonly Move[];
}

/** An assignment made earlier (the lock file): project path → stack name. */
export interface PriorAssignment {
  readonly stacks: ReadonlyMap<string, string>;
  readonly moves: readonly Move[];
}

/** The share of `maxProjects` a stack is filled to when subgroups are packed, so teams grow in place. */
const PACK_FILL = 0.8;
/** Names of split stacks are kept within Terraform Cloud's 90-character workspace names. */
const MAX_STACK_NAME = 80;

/**
 * Assigns every project a stack. Without a prior assignment: one stack per top-level group
 * (`<name>-<group>`, as before lock files existed) while the group has at most `maxProjects`;
 * a larger group is split along its subgroups (`<name>-<group>-<subgroup>`, small subgroups
 * packed together, a subgroup too big split further, `-2`, `-3` for pieces). With one: every
 * project keeps its stack; a project whose `stack:` now names another stack moves; new
 * projects go to a stack with room that holds their nearest relatives, else to a new stack.
 */
export function assignStacks(config: DeliveryConfig, prior?: PriorAssignment): Assignment {
  const max = config.stacks.maxProjects;
  const explicit = (p: ProjectConfig) => (p.stack ? `${config.name}-${p.stack}` : undefined);
  const result = new Map<string, string>();
  const fresh: ProjectConfig[] = [];
  const priorOf = new Map<string, string>();
  for (const [path, stack] of prior?.stacks ?? []) priorOf.set(path.toLowerCase(), stack);
  const moves: Move[] = [];
  for (const project of config.projects) {
    const before = priorOf.get(project.path.toLowerCase());
    const wanted = explicit(project);
    if (before && wanted && before !== wanted) moves.push({ project: project.path, from: before, to: wanted });
    const stack = wanted ?? before;
    if (stack) result.set(project.path, stack);
    else fresh.push(project);
  }
  const stacks = new Stacks(
    max,
    config.projects.filter((p) => p.stack).map((p) => explicit(p)!),
  );
  for (const [path, stack] of result) stacks.add(stack, path);

  // New projects of a top-level group no stack holds yet are split as a whole; the others are placed one by one.
  const byTop = groupBy(sortByPath(fresh), (p) => segments(p.path)[0]);
  const unseen = [...byTop].filter(([top]) => !stacks.holdsGroup([top]));
  const baseOf = (top: string) => `${config.name}-${slug(top)}`;
  for (const [top, projects] of unseen) {
    if (projects.length <= max) stacks.reserve(baseOf(top));
  }
  for (const [top, projects] of unseen) {
    for (const piece of split(config.name, [top], projects, max)) {
      const name = piece.whole ? baseOf(top) : stacks.unique(piece.base);
      for (const p of piece.projects) {
        stacks.add(name, p.path);
        result.set(p.path, name);
      }
    }
  }
  for (const [top, projects] of byTop) {
    if (unseen.some(([t]) => t === top)) continue;
    for (const p of projects) {
      const name = stacks.placeNear(p.path) ?? stacks.unique(limit(`${config.name}-${groupsOf(p.path).slice(0, 2).map(slug).join("-")}`));
      stacks.add(name, p.path);
      result.set(p.path, name);
    }
  }
  // Earlier moves stay recorded while the project still lives where it was moved to (the
  // blocks they make are no-ops once applied); a new move of the same project replaces them.
  const current = new Map([...result].map(([path, stack]) => [path.toLowerCase(), stack]));
  const moved = new Set(moves.map((m) => m.project.toLowerCase()));
  const kept = (prior?.moves ?? []).filter((m) => !moved.has(m.project.toLowerCase()) && current.get(m.project.toLowerCase()) === m.to);
  return { stacks: result, moves: [...kept, ...moves].sort((a, b) => compare(a.project, b.project)) };
}

/**
 * The assignment every deployment made before lock files existed: one stack per top-level
 * group, or the project's `stack:`. Used to write the first lock of such a deployment.
 */
export function legacyAssignment(config: DeliveryConfig): Assignment {
  const stacks = new Map<string, string>();
  for (const p of config.projects) stacks.set(p.path, `${config.name}-${p.stack ?? slug(segments(p.path)[0])}`);
  return { stacks, moves: [] };
}

interface Piece {
  readonly base: string;
  /** The whole top-level group: named `<name>-<group>` exactly, as before lock files. */
  readonly whole: boolean;
  readonly projects: ProjectConfig[];
}

/** Splits the projects below `prefix` (sorted by path) into pieces of at most `max`. */
function split(name: string, prefix: readonly string[], projects: readonly ProjectConfig[], max: number): Piece[] {
  const base = (groups: readonly string[]) => limit(`${name}-${groups.map(slug).join("-")}`);
  if (projects.length <= max) return [{ base: base(prefix), whole: prefix.length === 1, projects: [...projects] }];
  const fill = Math.max(1, Math.floor(max * PACK_FILL));
  const direct = projects.filter((p) => groupsOf(p.path).length === prefix.length);
  const pieces: Piece[] = [];
  for (let i = 0; i < direct.length; i += fill) pieces.push({ base: base(prefix), whole: false, projects: direct.slice(i, i + fill) });
  const children = groupBy(
    projects.filter((p) => groupsOf(p.path).length > prefix.length),
    (p) => segments(p.path)[prefix.length],
  );
  let bin: Piece | undefined;
  for (const [child, members] of children) {
    if (members.length > max) {
      if (bin) pieces.push(bin);
      bin = undefined;
      pieces.push(...split(name, [...prefix, child], members, max));
    } else if (bin && bin.projects.length + members.length <= fill) {
      bin.projects.push(...members);
    } else {
      if (bin) pieces.push(bin);
      bin = { base: base([...prefix, child]), whole: false, projects: [...members] };
    }
  }
  if (bin) pieces.push(bin);
  return pieces;
}

/** The stacks being filled: their sizes and which groups they hold, for placing new projects. */
class Stacks {
  private readonly size = new Map<string, number>();
  private readonly taken = new Set<string>();
  /** Group prefix (lowercase, '/'-joined) → stacks holding a project below it. */
  private readonly holders = new Map<string, Set<string>>();
  private readonly pinned: ReadonlySet<string>;
  /** The groups every project of a stack is in (longest common prefix): it takes only projects below them. */
  private readonly home = new Map<string, string[]>();

  constructor(
    private readonly max: number,
    pinned: readonly string[],
  ) {
    this.pinned = new Set(pinned);
    pinned.forEach((s) => this.taken.add(s));
  }

  add(stack: string, path: string): void {
    this.taken.add(stack);
    this.size.set(stack, (this.size.get(stack) ?? 0) + 1);
    // A stack named in the config (`stack:`) draws no other project to it.
    if (this.pinned.has(stack)) return;
    const groups = groupsOf(path).map((g) => g.toLowerCase());
    const home = this.home.get(stack);
    this.home.set(stack, home ? commonPrefix(home, groups) : groups);
    for (let depth = 1; depth <= groups.length; depth++) {
      const key = groups.slice(0, depth).join("/");
      let set = this.holders.get(key);
      if (!set) this.holders.set(key, (set = new Set()));
      set.add(stack);
    }
  }

  reserve(stack: string): void {
    this.taken.add(stack);
  }

  holdsGroup(groups: readonly string[]): boolean {
    return this.holders.has(groups.map((g) => g.toLowerCase()).join("/"));
  }

  /**
   * The stack with room holding the project's nearest relatives (deepest shared group; then by
   * name), if any. A stack made for a subgroup takes no project from outside it.
   */
  placeNear(path: string): string | undefined {
    const groups = groupsOf(path).map((g) => g.toLowerCase());
    const takes = (stack: string) => {
      const home = this.home.get(stack) ?? [];
      return (this.size.get(stack) ?? 0) < this.max && home.every((g, i) => groups[i] === g);
    };
    for (let depth = groups.length; depth >= 1; depth--) {
      const holders = this.holders.get(groups.slice(0, depth).join("/"));
      const room = [...(holders ?? [])].filter(takes).sort(compare);
      if (room.length > 0) return room[0];
    }
    return undefined;
  }

  /** `base`, or `base-2`, `base-3`, … : the first name no stack has. */
  unique(base: string): string {
    if (!this.taken.has(base)) return base;
    for (let n = 2; ; n++) if (!this.taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}

function commonPrefix(a: readonly string[], b: readonly string[]): string[] {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}

function segments(path: string): string[] {
  return path.split("/");
}

function groupsOf(path: string): string[] {
  return segments(path).slice(0, -1);
}

/** A group path segment as it appears in a stack name: lowercase letters, digits and '-'. */
function slug(segment: string): string {
  return segment.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/** A long name cut, with a hash of the whole so two long names stay apart. */
function limit(name: string): string {
  if (name.length <= MAX_STACK_NAME) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX_STACK_NAME - 9).replace(/-+$/, "")}-${hash}`;
}

function sortByPath(projects: readonly ProjectConfig[]): ProjectConfig[] {
  return [...projects].sort((a, b) => compare(a.path.toLowerCase(), b.path.toLowerCase()) || compare(a.path, b.path));
}

/** Groups in sorted key order (keys compared lowercase). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item).toLowerCase();
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return new Map([...groups].sort(([a], [b]) => compare(a, b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
