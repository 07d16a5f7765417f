import { closeSync, fstatSync, openSync, readFileSync, writeSync } from "node:fs";
import { basename } from "node:path";
import { isatty } from "node:tty";

/**
 * Where a synthesis's lines for the user go: warnings and notes, progress, and the error that
 * ends it (exitOnError's text). One per process, chosen by `userOutput`.
 */
export interface UserOutput {
  /** A warning or note, one line without the `warning: ` prefix. */
  warn(line: string): void;
  /** Stacks written so far, of how many. */
  progress(done: number, total: number): void;
  /** The synthesis succeeded: anything held back is written now. */
  finish(): void;
  /** The synthesis failed: writes what was held back, then `text` (the error). */
  fail(text: string): void;
}

/**
 * `cdktf synth` sets this for the app command it runs, and only for it
 * (@cdktf/cli-core 0.21 src/lib/synth-stack.js line 113, in SynthStack.synth).
 */
export const CDKTF_APP_MARKER = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS";

/** Whether this process is the app command that `cdktf synth` started (not a worker of it). */
export function runByCdktf(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CDKTF_APP_MARKER] === "true" && !env.DELIVERY_SYNTH_SHARD;
}

/**
 * The output for this process: under `cdktf synth`, one that says each thing once and calls
 * no warning an error (see CdktfOutput); otherwise warnings on stderr as they come, and
 * progress on a terminal unless CI is set.
 */
export function userOutput(env: NodeJS.ProcessEnv = process.env): UserOutput {
  if (runByCdktf(env)) return new CdktfOutput(findCdktfStderr);
  const showProgress = process.stderr.isTTY === true && !isCi(env);
  return new TerminalOutput(showProgress);
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
}

/** Warnings on stderr as they come; on a terminal, one line of progress rewritten in place. */
export class TerminalOutput implements UserOutput {
  private shown = false;

  constructor(
    readonly showProgress: boolean,
    /** Writes at once: synthesis holds the event loop between stacks. */
    private readonly writeNow: (text: string) => void = (text) => void writeSync(process.stderr.fd, text),
  ) {}

  warn(line: string): void {
    this.clearProgress();
    process.stderr.write(`warning: ${line}\n`);
  }

  progress(done: number, total: number): void {
    if (!this.showProgress) return;
    this.writeNow(`\r\x1b[Ksynthesizing: ${done}/${total} stacks`);
    this.shown = true;
  }

  finish(): void {
    this.clearProgress();
  }

  fail(text: string): void {
    this.clearProgress();
    process.stderr.write(text);
  }

  private clearProgress(): void {
    if (!this.shown) return;
    this.writeNow("\r\x1b[K");
    this.shown = false;
  }
}

/**
 * Under `cdktf synth` (cdktf-cli 0.21). cdktf relays the app's output as it comes, then again
 * if the app fails:
 * - each chunk of the app's stdout is printed once, unlabelled, by console.log
 *   (@cdktf/commons src/util.js line 48, in shell());
 * - each chunk of its stderr is logged at level error: `[<time>] [ERROR] default - <chunk>`
 *   (@cdktf/commons src/util.js line 133, exec() → src/logging.js processLoggerError);
 * - when the app exits non-zero, both are printed again, under "ERROR: cdktf encountered an
 *   error while synthesizing", "Command output on stderr:" and "on stdout:"
 *   (@cdktf/cli-core src/lib/synth-stack.js lines 125-150).
 * So warnings are held back to the end. On success they go to stdout: once, not labelled an
 * error. On failure anything the app writes itself is shown twice, so the warnings and the
 * error go once to cdktf's own stderr, where that is a pipe (a CI job log, `| tee`) or a
 * terminal. On a terminal cdktf's spinner (ink's log-update) erases the lines it believes it
 * drew, counted up from the cursor, before each frame, so the text is followed by blank lines
 * for it to erase instead. Where cdktf's stderr is neither (a file, a socket, not Linux), they
 * go where cdktf relays them: warnings on stdout, the error on stderr.
 */
export class CdktfOutput implements UserOutput {
  private readonly held: string[] = [];

  constructor(private readonly cdktfStderr: () => CdktfStderr | undefined) {}

  warn(line: string): void {
    this.held.push(`warning: ${line}\n`);
  }

  progress(): void {
    // cdktf shows its own spinner.
  }

  finish(): void {
    if (this.held.length > 0) process.stdout.write(this.held.splice(0).join(""));
  }

  fail(text: string): void {
    const warnings = this.held.splice(0).join("");
    const target = this.cdktfStderr();
    if (target !== undefined) {
      const { fd, terminal } = target;
      try {
        writeSync(fd, terminal ? `${warnings}${text}${SPINNER_ERASE_PAD}` : warnings + text);
        return;
      } catch {
        // its reader is gone: say it where cdktf relays it
      } finally {
        closeSync(fd);
      }
    }
    if (warnings) process.stdout.write(warnings);
    process.stderr.write(text);
  }
}

/**
 * Blank lines after a message written to cdktf's terminal: its spinner frame is erased as
 * three lines up from the cursor (cdktf-cli 0.21, ink 3 log-update: `\x1b[2K\x1b[1A` twice,
 * then `\x1b[2K`), and these are the lines it takes.
 */
export const SPINNER_ERASE_PAD = "\n\n\n";

/** cdktf's own stderr, open for writing, and whether it is a terminal. */
export interface CdktfStderr {
  readonly fd: number;
  readonly terminal: boolean;
}

/**
 * cdktf's own stderr, opened for writing, when this process's parent (or the shell between
 * them) is the cdktf command and that stderr is a pipe or a terminal; undefined otherwise.
 */
export function findCdktfStderr(): CdktfStderr | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    let pid = process.ppid;
    // cdktf runs the app command through `sh -c`, which may or may not exec it.
    for (let depth = 0; depth < 2 && pid > 1; depth++) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (/^cdktf(\.js)?$/.test(basename(argv[1] ?? ""))) {
        const fd = openSync(`/proc/${pid}/fd/2`, "a");
        if (fstatSync(fd).isFIFO()) return { fd, terminal: false };
        if (isatty(fd)) return { fd, terminal: true };
        closeSync(fd);
        return undefined;
      }
      pid = parentOf(pid);
    }
  } catch {
    // no /proc, or not allowed to look: the app's stderr will do
  }
  return undefined;
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // pid (comm) state ppid …; comm may hold spaces and parentheses.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}
