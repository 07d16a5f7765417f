/*
 * tf-check's plans kept between runs, in .tf-check/.kept/: a stack whose inputs are all as they
 * were at its last good plan is not planned again; its summary is reported again and its plan
 * (plan.bin) put back in its folder. The inputs, all in one key: the stack's prepared
 * configuration and every file beside it (the Lambda's zip, the CI policy documents), the
 * terraform binary (its path, size and time of last change, and what `terraform version`
 * says), the provider binary (path, size, time: 690 MB are not read), terraform's CLI
 * configuration, the plan command's arguments, every TF_*, AWS_* and DELIVERY_TF_* variable,
 * and the AWS shared config and credentials files. A failed plan is never kept;
 * `tf-check --fresh` plans every stack. A fresh clone has no cache: CI plans everything.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join, relative, resolve } from "node:path";

type Json = Record<string, any>;

/** Changes when what a key covers changes: every kept plan is then planned again. */
const FORMAT = 1;

/** Variables set per command or per lane, which change no plan. */
const PER_COMMAND = new Set(["TF_REATTACH_PROVIDERS", "TF_CLI_CONFIG_FILE", "DELIVERY_TF_SCHEMA_TYPES"]);

/** The AWS shared config and credentials files the provider reads (their contents, where they exist). */
function awsFiles(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? "";
  return [env.AWS_CONFIG_FILE ?? join(home, ".aws", "config"), env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, ".aws", "credentials")].map((file) => {
    try {
      return `${file}\0${createHash("sha256").update(readFileSync(file)).digest("hex")}`;
    } catch {
      return `${file}\0absent`;
    }
  });
}

export interface PlanInputs {
  /** The terraform binary, and the first line of its `terraform version`. */
  readonly terraform: string;
  readonly version: string;
  /** The provider binary terraform uses, where tf-check names it (the mirror's). */
  readonly provider?: string;
  /** terraform's CLI configuration (the mirror's development override). */
  readonly cliConfig: string;
  /** The plan command's arguments. */
  readonly planArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** A binary by its path (looked up on PATH when it has no folder), size and time of last change. */
function identity(binary: string, path = process.env.PATH ?? ""): string {
  const candidates = binary.includes("/")
    ? [binary]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, binary));
  for (const file of candidates) {
    try {
      const s = statSync(file);
      if (s.isFile()) return `${resolve(file)}\0${s.size}\0${s.mtimeMs}`;
    } catch {
      // not there
    }
  }
  // Not found (terraform ran all the same): its name and what it says of its version stand for it.
  return binary;
}

/** Every file under `dir`, by path relative to it, with a hash of its bytes. */
function files(dir: string, at = dir): string[] {
  if (!existsSync(at)) return [];
  return readdirSync(at, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const full = join(at, e.name);
      if (e.isDirectory()) return files(dir, full);
      return [`${relative(dir, full)}\0${createHash("sha256").update(readFileSync(full)).digest("hex")}`];
    });
}

/** One hex digest of `parts`, each ended so that no two lists of parts run together. */
function digest(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0\0");
  return hash.digest("hex");
}

/** What every stack's key of one check holds (binaries, configuration, variables, AWS files), digested once for all. */
export function checkDigest(inputs: PlanInputs): string {
  const env = Object.entries(inputs.env)
    .filter(([name]) => /^(TF_|AWS_|DELIVERY_TF_)/.test(name) && !PER_COMMAND.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return digest([
    String(FORMAT),
    identity(inputs.terraform, inputs.env.PATH),
    inputs.version,
    inputs.provider ? identity(inputs.provider) : "",
    inputs.cliConfig,
    JSON.stringify(inputs.planArgs),
    JSON.stringify(env),
    ...awsFiles(inputs.env),
  ]);
}

/** The key of a stack's plan: `prepared` is its configuration, `dir` its folder (the files beside it), `check` the checkDigest. */
export function planKey(prepared: Json, dir: string, check: string): string {
  return digest([check, JSON.stringify(prepared), ...files(dir)]);
}

interface Kept {
  readonly key: string;
  /** The plan's summary line ("Plan: 28 to add, 0 to change, 0 to destroy"). */
  readonly summary: string;
}

/** The kept plans of a .tf-check folder. */
export class PlanCache {
  private readonly folder: string;
  private readonly kept: Record<string, Kept>;

  constructor(root: string) {
    // A dot name: no config's folder (named after its file) takes it.
    this.folder = join(root, ".kept");
    let kept: Record<string, Kept> = {};
    try {
      const read = JSON.parse(readFileSync(join(this.folder, "results.json"), "utf8"));
      if (read && read.format === FORMAT && read.stacks && typeof read.stacks === "object") kept = read.stacks;
    } catch {
      // nothing kept yet, or unreadable: every stack is planned
    }
    this.kept = kept;
  }

  private planFile(key: string): string {
    return join(this.folder, "plans", `${key}.bin`);
  }

  /** The summary of the stack `label`'s kept plan when its key is `key`, its plan put in `dir`; else undefined. */
  restore(label: string, key: string, dir: string): string | undefined {
    const kept = this.kept[label];
    if (kept?.key !== key) return undefined;
    try {
      copyFileSync(this.planFile(key), join(dir, "plan.bin"));
    } catch {
      // Gone (another check's save removed it): planned again.
      return undefined;
    }
    return kept.summary;
  }

  /** Keeps the good plan in `dir` of the stack `label` (where terraform wrote one). */
  keep(label: string, key: string, dir: string, summary: string): void {
    if (!existsSync(join(dir, "plan.bin"))) return;
    mkdirSync(join(this.folder, "plans"), { recursive: true });
    // Under another name first: a check running beside this one never copies half a plan.
    const temporary = `${this.planFile(key)}.${process.pid}`;
    copyFileSync(join(dir, "plan.bin"), temporary);
    renameSync(temporary, this.planFile(key));
    this.kept[label] = { key, summary };
  }

  /** Forgets the stack `label` (its plan failed). */
  forget(label: string): void {
    delete this.kept[label];
  }

  /** Forgets every stack but `labels` (a run of every config: the others are gone). */
  retainOnly(labels: readonly string[]): void {
    const keep = new Set(labels);
    for (const label of Object.keys(this.kept)) if (!keep.has(label)) delete this.kept[label];
  }

  /** Writes what is kept; removes the plans no stack's key names any more. */
  save(): void {
    mkdirSync(this.folder, { recursive: true });
    const file = join(this.folder, "results.json");
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, stacks: this.kept }, null, 1));
    renameSync(temporary, file);
    const named = new Set(Object.values(this.kept).map((k) => `${k.key}.bin`));
    const plans = join(this.folder, "plans");
    if (existsSync(plans)) for (const f of readdirSync(plans)) if (!named.has(f) && f.endsWith(".bin")) rmSync(join(plans, f), { force: true });
  }
}
