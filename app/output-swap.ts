import * as nodeFs from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError } from "./errors";
import { processAlive } from "./processes";

/**
 * Files terraform keeps in a stack's folder between runs (`cdktf deploy` runs `terraform init`
 * there): carried from the old tree into each new one, as cdktf's own synth keeps them.
 */
export const TERRAFORM_FILES: readonly string[] = [".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", "terraform.tfstate.d"];

/** What cdktf writes at the top of its output folder; anything else there is carried over. */
const SYNTHESIZED: readonly string[] = ["manifest.json", "stacks"];

/** The file operations of a swap (tests inject failures). */
export type SwapFs = Pick<typeof nodeFs, "renameSync" | "readdirSync" | "lstatSync">;

/**
 * This process's scratch folder for `outdir`: beside it (a rename is atomic only within one
 * file system), named `.<outdir>.staging-<pid>`, ignored by git, ESLint and Prettier, and
 * removed when the synth ends, fails or is interrupted. It holds `tree/` (the new output),
 * `workers/` (one folder per worker process) and, during the swap, `old/`.
 */
export function scratchDir(outdir: string): string {
  return join(dirname(outdir), `.${basename(outdir)}.staging-${process.pid}`);
}

/**
 * Replaces `outdir` by the complete tree `tree`, all or nothing. Terraform's files of each
 * stack that stays (TERRAFORM_FILES) and any file at the top of `outdir` that cdktf does not
 * write are first moved into `tree`; then `outdir` is renamed to `<scratch>/old` and `tree`
 * to `outdir`. On any failure every move is undone, so `outdir` is as it was, and the error
 * is thrown (RollbackError if undoing failed too). `<scratch>/old` is left to the caller.
 */
export function swapIn(tree: string, outdir: string, scratch: string, fs: SwapFs = nodeFs): void {
  const exists = (p: string) => fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  const moved: Array<readonly [from: string, to: string]> = [];
  const move = (from: string, to: string) => {
    fs.renameSync(from, to);
    moved.push([from, to]);
  };
  try {
    if (exists(outdir)) {
      for (const stack of fs.readdirSync(join(tree, "stacks"))) {
        for (const name of TERRAFORM_FILES) {
          const from = join(outdir, "stacks", stack, name);
          const to = join(tree, "stacks", stack, name);
          if (exists(from) && !exists(to)) move(from, to);
        }
      }
      for (const name of fs.readdirSync(outdir)) {
        if (!SYNTHESIZED.includes(name)) move(join(outdir, name), join(tree, name));
      }
      move(outdir, join(scratch, "old"));
    }
    fs.renameSync(tree, outdir);
  } catch (e) {
    const undo = moved.reverse();
    undo.forEach(([from, to], i) => {
      try {
        fs.renameSync(to, from);
      } catch (failed) {
        throw new RollbackError(outdir, e, failed, undo.slice(i), tree);
      }
    });
    throw e;
  }
}

/** The output folder cannot be written: said with the path, the reason and the fix. */
export class OutputError extends UserError {
  constructor(
    readonly outdir: string,
    readonly cause: NodeJS.ErrnoException,
  ) {
    const kept = nodeFs.existsSync(outdir) ? `${outdir} was left as it was` : "nothing was written";
    super(`cannot write the synthesized output to ${outdir}: ${reason(cause)}; ${kept}. ${fix(cause, outdir)}`);
  }
}

/** A swap failed and could not be undone: says where the previous output is and how to restore it. */
export class RollbackError extends UserError {
  constructor(outdir: string, cause: unknown, undo: unknown, left: ReadonlyArray<readonly [from: string, to: string]>, tree: string) {
    const why = (e: unknown) => (isFsError(e) ? reason(e) : String(e));
    const [from, to] = left[0];
    const more = left.length > 1 ? `, then move ${left.length - 1} more of its files back from ${tree} (terraform's files of each stack)` : "";
    super(
      `cannot write the synthesized output to ${outdir}: ${why(cause)}, and putting the previous files back failed too (${why(undo)}); restore them with: mv ${to} ${from}${more}`,
    );
  }
}

/**
 * The OutputError for a file-system error met while writing into (or beside) `outdir`, or
 * undefined for any other error (a bug, reported as one). `scratch` is this synth's own folder.
 */
export function asOutputError(e: unknown, outdir: string, scratch: string): OutputError | undefined {
  if (!isFsError(e)) return undefined;
  // mkdir -p through a file says EEXIST, naming the file.
  if (e.code === "EEXIST" && typeof e.path === "string" && within(outdir, resolve(e.path)) && !isFolder(e.path)) return new OutputError(outdir, e);
  if (!WRITE_ERRORS.has(e.code)) return undefined;
  const paths = [e.path, e.dest].filter((p): p is string => typeof p === "string").map((p) => resolve(p));
  // A failed write(2) names no file; while synthesizing, every file written is under scratch.
  if (paths.length === 0) return DEVICE_ERRORS.has(e.code) ? new OutputError(outdir, e) : undefined;
  const concerns = (p: string) => within(p, scratch) || within(p, outdir) || within(outdir, p) || basename(p).startsWith(`.${basename(outdir)}.`);
  return paths.some(concerns) ? new OutputError(outdir, e) : undefined;
}

/**
 * Removes what synths of `outdir` killed outright (SIGKILL, power loss) left beside it, once
 * this process holds the lock: scratch folders (and the `.workers-<pid>` folders of older
 * versions) of processes that are no longer running. A swap cut between its two renames is
 * finished first: `outdir` is missing, so the complete new tree (or else the old one) goes back.
 * Returns notes for the user.
 */
export function sweepLeftovers(outdir: string): string[] {
  const notes: string[] = [];
  const parent = dirname(outdir);
  const pattern = new RegExp(`^\\.${escape(basename(outdir))}\\.(?:staging|workers|lock\\.stale)-(\\d+)$`);
  let entries: string[];
  try {
    entries = nodeFs.readdirSync(parent);
  } catch {
    return notes;
  }
  for (const name of entries) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    const leftover = join(parent, name);
    if (!nodeFs.existsSync(outdir)) {
      const restorable = [join(leftover, "tree"), join(leftover, "old")].find((t) => nodeFs.existsSync(join(t, "manifest.json")));
      if (restorable) {
        nodeFs.renameSync(restorable, outdir);
        notes.push(`${outdir} was missing after an interrupted synth (pid ${pid}); restored it from ${restorable}`);
      }
    }
    nodeFs.rmSync(leftover, { recursive: true, force: true });
  }
  return notes;
}

/** Removes a folder, ignoring failures (they are reported by whatever needs the space). */
export function removeQuietly(path: string): void {
  try {
    nodeFs.rmSync(path, { recursive: true, force: true });
  } catch {
    // a later synth's sweepLeftovers tries again
  }
}

/** Errors of the file system or the device, not of this program (ENOENT and EEXIST would be). */
const WRITE_ERRORS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "ENOTDIR", "EISDIR", "EFBIG", "EIO", "EBUSY", "EXDEV", "ENAMETOOLONG", "ELOOP"]);
const DEVICE_ERRORS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EFBIG", "EIO"]);

function isFsError(e: unknown): e is NodeJS.ErrnoException & { code: string; dest?: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";
}

function isFolder(path: string): boolean {
  return nodeFs.statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function within(path: string, folder: string): boolean {
  const r = relative(folder, path);
  return r === "" || (r.split(sep)[0] !== ".." && !isAbsolute(r));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function reason(e: NodeJS.ErrnoException & { dest?: string }): string {
  const p = e.dest ?? e.path;
  switch (e.code) {
    case "ENOSPC":
    case "EDQUOT":
      return `no space left on the device${p ? ` of ${p}` : ""} (${e.code})`;
    case "EROFS":
      return `${p ?? "the folder"} is on a read-only file system (EROFS)`;
    case "EACCES":
    case "EPERM":
      return `permission denied on ${p ?? "a file"} (${e.code})`;
    case "ENOTDIR":
      return `${e.path ?? p} or a folder above it is a file, not a folder (ENOTDIR)`;
    case "EEXIST":
      return `${p} is a file, not a folder`;
    case "EFBIG":
      return `a file is larger than this process may write (EFBIG: the file size limit, ulimit -f)`;
    case "EXDEV":
    case "EBUSY":
      return `${p} cannot be renamed into place (${e.code}: is the output folder a mount point?)`;
    default:
      return `${e.syscall ?? "writing"}${p ? ` ${p}` : ""} failed (${e.code})`;
  }
}

function fix(e: NodeJS.ErrnoException, outdir: string): string {
  switch (e.code) {
    case "ENOSPC":
    case "EDQUOT":
      return `Free some space and synthesize again, or set CDKTF_OUTDIR (or "output" in cdktf.json) to a folder on another disk`;
    case "EFBIG":
      return "Raise the file size limit (ulimit -f unlimited) and synthesize again";
    case "ENOTDIR":
    case "EEXIST":
      return `Move that file away, or set CDKTF_OUTDIR (or "output" in cdktf.json) to another folder`;
    case "EXDEV":
    case "EBUSY":
      return `Mount the folder above ${basename(outdir)} instead, or set CDKTF_OUTDIR (or "output" in cdktf.json) to a folder inside the mount`;
    default:
      return `Make ${dirname(outdir)} writable, or set CDKTF_OUTDIR (or "output" in cdktf.json) to a folder you can write`;
  }
}
