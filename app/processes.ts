import { readFileSync } from "node:fs";

/** What Linux says of a process in /proc/<pid>/stat (undefined elsewhere, or when it is gone). */
export interface ProcStat {
  /** R, S, D, Z (zombie: ended, not yet reaped), … */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** Clock ticks after boot: tells a process from a later one given the same pid. */
  readonly start: number;
}

export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces; the fields after it are plain.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), start: Number(f[19]) };
}

/** Whether a process of this host is running (a zombie is not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return procStat(pid)?.state !== "Z";
}

/** A process that started this one, as first seen. */
export interface Caller {
  readonly pid: number;
  readonly start: number;
  readonly command: string;
}

/**
 * The processes that started this one and belong to its process group (the job a shell or
 * CI runner started: `npx` → `cdktf` → `sh -c` → this app), nearest first, and the group's
 * leader (the job's first process: npx) if it is not among them. Only processes running now:
 * one that has already ended cannot be told from a parent that meant to leave (a daemon's
 * double fork), so it is not watched. Empty where /proc is not (macOS, Windows).
 */
export function callers(): Caller[] {
  const own = procStat(process.pid);
  if (!own) return [];
  const chain: Caller[] = [];
  const add = (pid: number, stat: ProcStat) => chain.push({ pid, start: stat.start, command: commandLine(pid) });
  for (let pid = own.ppid; pid > 1;) {
    const stat = procStat(pid);
    if (!stat || stat.pgrp !== own.pgrp || stat.state === "Z") break;
    add(pid, stat);
    pid = stat.ppid;
  }
  const leader = procStat(own.pgrp);
  if (own.pgrp !== process.pid && leader && leader.state !== "Z" && !chain.some((c) => c.pid === own.pgrp)) add(own.pgrp, leader);
  return chain;
}

/** Whether a caller has ended (or its pid now names another process). */
export function callerGone(caller: Caller): boolean {
  const stat = procStat(caller.pid);
  return !stat || stat.state === "Z" || stat.start !== caller.start;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "?";
  }
}
