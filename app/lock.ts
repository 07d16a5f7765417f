import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors";
import { processAlive } from "./processes";

/** Who holds the lock on an output folder, as written in its lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO 8601 time the lock was taken. */
  readonly since: string;
}

export interface LockOptions {
  /** How long to wait for another synth to finish. */
  readonly waitMs: number;
  /** @default 100 */
  readonly pollMs?: number;
  /** Called once, when the lock is found held and this process starts waiting. */
  readonly onWait?: (holder: LockHolder | undefined) => void;
  /** Called when the lock of a process that is no longer running is taken over. */
  readonly onTakeover?: (holder: LockHolder | undefined) => void;
}

/** The lock file of an output folder: beside it, since the folder itself is swapped. */
export function lockFile(outdir: string): string {
  return join(dirname(outdir), `.${basename(outdir)}.lock`);
}

/** Another synth holds the output folder (or held it, and this process lost the lock). */
export class LockError extends UserError {}

/**
 * An exclusive lock on an output folder, held by this process for one synth: a file created
 * with O_EXCL that names the holder. A lock whose holder is no longer running on this host
 * is taken over; any other is waited for, a bounded time.
 *
 * Hand-rolled rather than `proper-lockfile`: that library decides staleness by a timer that
 * refreshes the lock's mtime, and cdktf's synthesis blocks the event loop for seconds, so a
 * live synth would look stale (or a dead one would block for as long as the longest synth);
 * it also records no holder (pid, host, time) to name in the message.
 */
export class OutputLock {
  private released = false;

  private constructor(
    readonly outdir: string,
    readonly file: string,
    private readonly text: string,
  ) {}

  /** Takes the lock on `outdir`; throws LockError when it stays held for `waitMs`, or an fs error. */
  static async acquire(outdir: string, options: LockOptions): Promise<OutputLock> {
    const file = lockFile(outdir);
    const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const text = `${JSON.stringify(me)}\n`;
    const deadline = Date.now() + options.waitMs;
    let waiting = false;
    for (;;) {
      if (create(file, text)) return new OutputLock(outdir, file, text);
      const seen = read(file);
      if (seen === undefined) continue; // released in between: try again at once
      if (isStale(seen) && takeOver(file, seen.text)) {
        options.onTakeover?.(seen.holder);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const who = seen.holder ? describeHolder(seen.holder) : "a process whose lock file cannot be read";
        throw new LockError(
          `${outdir} is locked by another synth: ${who} (waited ${Number((options.waitMs / 1000).toFixed(1))} s). ` +
            `Wait for it to finish (DELIVERY_LOCK_WAIT=<seconds> waits longer), or, if no synth is running, delete ${file}`,
        );
      }
      if (!waiting) options.onWait?.(seen.holder);
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 100, left)));
    }
  }

  /** Whether the lock file still names this process (a takeover by mistake would show here). */
  held(): boolean {
    return !this.released && read(this.file)?.text === this.text;
  }

  /** Throws LockError unless this process still holds the lock. */
  assertHeld(): void {
    if (this.held()) return;
    const now = read(this.file)?.holder;
    throw new LockError(
      `lost the lock on ${this.outdir} while synthesizing (${this.file} ${now ? `now names ${describeHolder(now)}` : "is gone"}); ` +
        `${this.outdir} was left as it was. Synthesize again`,
    );
  }

  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): void {
    if (this.held()) rmSync(this.file, { force: true });
    this.released = true;
  }
}

/** `pid 123 on host build-7 since 2026-01-02T03:04:05.000Z` */
export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on host ${holder.host} since ${holder.since}`;
}

function create(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, text);
  } catch (e) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw e;
  }
  closeSync(fd);
  return true;
}

interface Seen {
  readonly text: string;
  readonly holder?: LockHolder;
  readonly ageMs: number;
}

function read(file: string): Seen | undefined {
  try {
    const text = readFileSync(file, "utf8");
    const ageMs = Date.now() - statSync(file).mtimeMs;
    try {
      const h = JSON.parse(text);
      if (Number.isInteger(h.pid) && typeof h.host === "string" && typeof h.since === "string") return { text, ageMs, holder: h };
    } catch {
      // being written, or damaged: see isStale
    }
    return { text, ageMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * A lock is stale when its holder ran on this host and is gone (or is this very pid, reused:
 * this process has not taken it), or when it has stayed unreadable for 10 s (its writer died
 * between creating and writing it). A holder on another host cannot be checked: it is waited for.
 */
function isStale(seen: Seen): boolean {
  if (!seen.holder) return seen.ageMs > 10_000;
  if (seen.holder.host !== hostname()) return false;
  return seen.holder.pid === process.pid || !processAlive(seen.holder.pid);
}

/**
 * Removes a stale lock, unless another process took it over first: the lock is moved aside
 * and compared with what was judged stale; a fresh lock moved by mistake is put back.
 */
function takeOver(file: string, staleText: string): boolean {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
  try {
    if (readFileSync(aside, "utf8") === staleText) return true;
    try {
      linkSync(aside, file);
    } catch {
      // a third process holds it now; the one moved aside finds out in assertHeld()
    }
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}
