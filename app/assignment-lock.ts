import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, YAMLMap } from "yaml";
import { ConfigProblem } from "../config/errors";
import { DeliveryConfig } from "../config/schema";
import { Assignment, assignStacks, Move, PriorAssignment } from "../stacks/assignment";
import { UserError } from "./errors";

/*
 * The lock file: which stack each project lives in, beside the configuration
 * (`delivery.yaml` → `delivery.lock.yaml`). Synth reads it, places new projects, and writes
 * it back sorted, one project a line, so a review shows exactly who went where.
 */

const VERSION = 1;
const STACK_NAME = /^[a-z][a-z0-9-]{0,89}$/;

/** `delivery.yaml` → `delivery.lock.yaml` (same folder). */
export function lockFileOf(configFile: string): string {
  return join(dirname(configFile), `${basename(configFile).replace(/\.ya?ml$/i, "")}.lock.yaml`);
}

/** The lock file's assignment, or undefined when there is none; a malformed file is a ConfigError naming its line. */
export function readLock(file: string): PriorAssignment | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(`${file}: cannot be read (${reason(e)}); it must be the lock file this tool writes: restore it from version control`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const at = (node: { range?: [number, number, number] | null } | null | undefined) => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const fix = "fix it by hand, or restore it from version control (deleting it on a deployed configuration is refused: see the README, Large organisations)";
  for (const e of doc.errors)
    problems.push({ path: `${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}`, message: `YAML syntax: ${e.code}; ${fix}` });
  if (problems.length > 0) throw lockError(file, problems);
  const root = doc.contents;
  if (!isMap(root)) throw lockError(file, [{ path: at(root), message: `expected a mapping with version, stacks and moves; ${fix}` }]);
  const stacks = new Map<string, string>();
  const seen = new Map<string, string>();
  const moves: Move[] = [];
  for (const pair of (root as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const value = pair.value as Parameters<typeof at>[0] & object;
    if (key === "version") {
      if (!isScalar(value) || value.value !== VERSION)
        problems.push({ path: at(value), message: `version: expected ${VERSION}; this tool writes lock files of version ${VERSION}` });
    } else if (key === "stacks") {
      if (!isMap(value)) {
        problems.push({ path: at(value), message: `stacks: expected a mapping of stack name → list of project paths; ${fix}` });
        continue;
      }
      for (const entry of value.items) {
        const stack = isScalar(entry.key) ? String(entry.key.value) : "";
        if (!STACK_NAME.test(stack))
          problems.push({ path: at(entry.key as never), message: `stacks: "${stack}" is not a stack name (lowercase letters, digits, '-'); ${fix}` });
        if (!isSeq(entry.value)) {
          problems.push({ path: at(entry.value as never), message: `stacks.${stack}: expected a list of project paths; ${fix}` });
          continue;
        }
        for (const item of entry.value.items) {
          const path = isScalar(item) && typeof item.value === "string" ? item.value : undefined;
          if (!path) {
            problems.push({ path: at(item as never), message: `stacks.${stack}: expected a project path (group/project); ${fix}` });
            continue;
          }
          const other = seen.get(path.toLowerCase());
          if (other)
            problems.push({
              path: at(item as never),
              message: `${path} is listed in ${other} and again in ${stack}; a project lives in one stack: delete one of the two lines`,
            });
          seen.set(path.toLowerCase(), stack);
          stacks.set(path, stack);
        }
      }
    } else if (key === "moves") {
      if (!isSeq(value)) {
        problems.push({ path: at(value), message: `moves: expected a list of {project, from, to}; ${fix}` });
        continue;
      }
      for (const item of value.items) {
        const m = isMap(item) ? (item.toJSON() as Record<string, unknown>) : {};
        const ok = typeof m.project === "string" && [m.from, m.to].every((s) => typeof s === "string" && STACK_NAME.test(s)) && Object.keys(m).length === 3;
        if (!ok) problems.push({ path: at(item as never), message: `moves: expected {project: <path>, from: <stack>, to: <stack>}; ${fix}` });
        else moves.push({ project: m.project as string, from: m.from as string, to: m.to as string });
      }
    } else {
      problems.push({ path: at(pair.key as never), message: `unknown key "${key}"; a lock file has version, stacks and moves` });
    }
  }
  if (problems.length > 0) throw lockError(file, problems);
  return { stacks, moves };
}

/** The lock file's text: stacks by name, projects by path, one a line; the same assignment always gives the same bytes. */
export function lockText(configFile: string, assignment: Assignment): string {
  const byStack = new Map<string, string[]>();
  for (const [path, stack] of assignment.stacks) {
    const list = byStack.get(stack);
    if (list) list.push(path);
    else byStack.set(stack, [path]);
  }
  const q = (s: string) => (/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(s) ? s : JSON.stringify(s));
  const out = [
    `# Which stack (Terraform state) each project of ${basename(configFile)} lives in. Written by`,
    "# synth; commit it with the configuration. Projects keep their stack as others come and go;",
    "# to move one, set its `stack:` or run `gitlab-aws-delivery rebalance` (README: Large organisations).",
    `version: ${VERSION}`,
    "stacks:",
  ];
  for (const stack of [...byStack.keys()].sort(cmp)) {
    out.push(`  ${stack}:`);
    for (const path of byStack.get(stack)!.sort(cmp)) out.push(`    - ${q(path)}`);
  }
  if (assignment.moves.length > 0) {
    out.push("# Moves planned as removed (here) + import (there); drop a line once both stacks are applied.");
    out.push("moves:");
    for (const m of assignment.moves) out.push(`  - { project: ${q(m.project)}, from: ${m.from}, to: ${m.to} }`);
  }
  return `${out.join("\n")}\n`;
}

/** Writes the lock file when its text changed (by rename: never half-written); returns whether it did. */
export function writeLock(file: string, text: string): boolean {
  if (readLockText(file) === text) return false;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written there (the folder is not one).
    }
    throw new UserError(
      `${file}: cannot be written (${reason(e)}); it records which stack each project lives in: make it a file in a writable folder and run the command again (it writes the same lock)`,
    );
  }
  return true;
}

/** The lock file's text, or undefined where there is none to read. */
function readLockText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** An fs error's code and message, as node gives them ("EACCES: permission denied, open '…'"). */
function reason(e: unknown): string {
  const message = (e as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : String(e);
}

/**
 * The assignment to synthesize: the lock's, with new projects placed. Without a lock file on
 * a configuration already synthesized into `outdir` whose stacks a fresh assignment would not
 * reproduce, refuses: a fresh assignment there would move projects between states.
 */
export function resolveAssignment(config: DeliveryConfig, configFile: string, outdir: string): { assignment: Assignment; lockFile: string; prior: boolean } {
  const lockFile = lockFileOf(configFile);
  const prior = readLock(lockFile);
  const assignment = assignStacks(config, prior);
  if (!prior) {
    const deployed = deployedStacks(outdir, `${config.name}-shared`);
    const made = new Set(assignment.stacks.values());
    const lost = deployed.filter((s) => !made.has(s));
    if (lost.length > 0) {
      const shown = lost.slice(0, 3).join(", ") + (lost.length > 3 ? ` and ${lost.length - 3} more` : "");
      throw new UserError(
        `${lockFile}: file not found, and ${outdir} holds stacks this configuration would no longer make (${shown}): assigning projects afresh would move them between Terraform states. ` +
          `Restore ${basename(lockFile)} from version control; or, if these stacks were made before lock files existed (one stack per top-level group), ` +
          `run \`gitlab-aws-delivery rebalance --keep-deployed --config ${configFile}\` to write a lock that keeps every project where it is`,
      );
    }
  }
  return { assignment, lockFile, prior: prior !== undefined };
}

/** Projects stacks named in `outdir`'s manifest (none when there is no readable manifest). */
function deployedStacks(outdir: string, shared: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    return Object.keys(manifest.stacks ?? {}).filter((s) => s !== shared);
  } catch {
    return [];
  }
}

function lockError(file: string, problems: readonly ConfigProblem[]): UserError {
  return new UserError([`${file} is not a valid lock file:`, ...problems.map((p) => `  ${p.path}: ${p.message}`)].join("\n"));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
