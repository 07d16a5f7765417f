/*
 * Merge-request plans at organisation size (README: Large organisations, "Running many
 * stacks"): which synthesized stacks a merge request changes, and the child pipeline that
 * plans only those, one job per stack. GitLab's `parallel:matrix` needs its values written in
 * the YAML, and the list is known only after synthesis, so the pipeline is generated.
 *
 * Changed means: a file of the stack's synthesized folder (`cdk.tf.json`, and any file the app
 * writes beside it) differs from the one synthesized from the merge request's base commit, or
 * the stack is new. cdktf.out is not committed, so the job synthesizes both; synthesis is
 * deterministic (the same configuration, lock file and tool give the same bytes, wherever the
 * folder is), so equal bytes mean an equal plan. A lock-file move changes both stacks' JSON.
 *
 * Run in CI as `npx tsx scripts/plan-pipeline.ts --head cdktf.out --base <dir> --out <file>`.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, stringify } from "yaml";
import { CommandError } from "./command-error";

type Json = Record<string, any>;

/** What a stack's folder holds once terraform or a job has run in it: not synthesized. */
const NOT_SYNTHESIZED = /^(\.terraform(\.lock\.hcl)?|plan\.(cache|json)|drift\.(cache|json))$/;

/** The stacks of a synthesized tree, in manifest order. Throws when `outdir` holds none. */
export function stacksOf(outdir: string): string[] {
  const manifest = join(outdir, "manifest.json");
  if (!existsSync(manifest)) throw new CommandError(`${manifest} is missing: synthesize first (npx gitlab-aws-delivery synth)`);
  return Object.keys(JSON.parse(readFileSync(manifest, "utf8")).stacks ?? {});
}

/** sha256 of every synthesized file of one stack's folder, by path inside it; undefined when the folder is missing. */
function digest(outdir: string, stack: string): Record<string, string> | undefined {
  const root = join(outdir, "stacks", stack);
  if (!existsSync(root)) return undefined;
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (NOT_SYNTHESIZED.test(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(root);
  return files;
}

export interface ChangedStacks {
  /** Stacks of the head tree to plan, sorted. */
  readonly changed: string[];
  /** Stacks of the head tree left as they are. */
  readonly unchanged: string[];
  /** Stacks only the base tree has: no longer synthesized (their state stays; nothing plans them here). */
  readonly gone: string[];
  /** One line on how the list was made, for the pipeline's header and the job log. */
  readonly reason: string;
}

/**
 * The stacks of `head` whose synthesized folder differs from `base`'s. Without a base tree
 * (its synthesis failed, or the base commit predates this tool) every stack is changed.
 */
export function changedStacks(head: string, base: string | undefined): ChangedStacks {
  const all = stacksOf(head).sort();
  if (base === undefined || !existsSync(join(base, "manifest.json"))) {
    return { changed: all, unchanged: [], gone: [], reason: "no synthesis of the base commit to compare with: every stack is planned" };
  }
  const before = stacksOf(base);
  const same = (s: string) => JSON.stringify(digest(head, s)) === JSON.stringify(digest(base, s));
  const changed = all.filter((s) => !before.includes(s) || !same(s));
  return {
    changed,
    unchanged: all.filter((s) => !changed.includes(s)),
    gone: before.filter((s) => !all.includes(s)).sort(),
    reason: `${changed.length} of ${all.length} stacks differ from the base commit's synthesis`,
  };
}

export interface PlanPipelineOptions {
  /** The project's .gitlab-ci.yml, parsed: the child pipeline copies the `.plan-stack` job template and what it extends. */
  readonly ci: Json;
  readonly stacks: ChangedStacks;
  /** The parent pipeline, whose `synth` job's artifact (cdktf.out) each plan downloads. */
  readonly parentPipelineId: string;
  /** The merge request the plans report on (child pipelines are not merge-request pipelines: GitLab does not set it there). */
  readonly mergeRequestIid: string;
  /** Plans running at once, at most: job n waits for job n - lanes. */
  readonly lanes: number;
}

const TEMPLATE = ".plan-stack";

/** The hidden jobs `job` extends, itself included, nearest first. */
function templates(ci: Json, job: string): string[] {
  if (!ci[job]) throw new CommandError(`.gitlab-ci.yml has no ${job} job template to copy into the plan pipeline; restore it from the shipped .gitlab-ci.yml`);
  return [job, ...([] as string[]).concat(ci[job].extends ?? []).flatMap((base) => templates(ci, base))];
}

/** The child pipeline's YAML: the plan job template, one job per changed stack in lanes, or one job saying nothing changed. */
export function planPipeline(o: PlanPipelineOptions): string {
  if (!/^\d+$/.test(o.parentPipelineId)) throw new CommandError(`CI_PIPELINE_ID "${o.parentPipelineId}" is not a pipeline id; run this in a GitLab CI job`);
  if (!/^\d+$/.test(o.mergeRequestIid))
    throw new CommandError(`CI_MERGE_REQUEST_IID "${o.mergeRequestIid}" is not a merge request iid; run this in a merge-request pipeline`);
  const doc: Json = {
    stages: ["plan"],
    variables: { ...o.ci.variables, CI_MERGE_REQUEST_IID: o.mergeRequestIid },
    ...(o.ci.default ? { default: o.ci.default } : {}),
  };
  const stacks = o.stacks.changed;
  if (stacks.length === 0) {
    doc["no stack changed"] = { stage: "plan", script: [`echo "${o.stacks.reason}: nothing to plan"`] };
    return header(o) + stringify(doc, { lineWidth: 0 });
  }
  for (const t of [...new Set(templates(o.ci, TEMPLATE))].reverse()) doc[t] = o.ci[t];
  const name = (stack: string) => `plan ${stack}`;
  stacks.forEach((stack, i) => {
    const previous = i >= o.lanes ? stacks[i - o.lanes] : undefined;
    doc[name(stack)] = {
      extends: TEMPLATE,
      needs: [{ pipeline: o.parentPipelineId, job: "synth" }, ...(previous ? [{ job: name(previous), artifacts: false }] : [])],
      // A failed plan in a lane does not hold back the stacks after it.
      ...(previous ? { when: "always" } : {}),
      variables: { STACK: stack },
    };
  });
  return header(o) + stringify(doc, { lineWidth: 0 });
}

function header(o: PlanPipelineOptions): string {
  const lines = [`# Generated by scripts/plan-pipeline.ts for merge request !${o.mergeRequestIid}: ${o.stacks.reason}.`];
  if (o.stacks.changed.length > 0) lines.push(`# At most ${o.lanes} plan${o.lanes > 1 ? "s" : ""} at once; each posts its note on the merge request.`);
  if (o.stacks.gone.length > 0) lines.push(`# No longer synthesized (their state stays; destroy it on purpose): ${o.stacks.gone.join(", ")}.`);
  return `${lines.join("\n")}\n`;
}

/** PLAN_LANES: how many plans may run at once; 10 when unset or empty. */
function lanesOf(value: string | undefined): number {
  if (value === undefined || value === "") return 10;
  if (!/^[1-9]\d*$/.test(value))
    throw new CommandError(`PLAN_LANES "${value}" is not a whole number of at least 1; set it to how many plans may run at once (e.g. 10)`);
  return Number(value);
}

function readCi(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CommandError(
      `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run this from the project's root or pass --ci <file>`,
    );
  }
  return parse(text);
}

function option(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** `--head <dir> [--base <dir>] [--ci .gitlab-ci.yml] --out <file>`; CI_PIPELINE_ID, CI_MERGE_REQUEST_IID, PLAN_LANES from the environment. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const head = option(argv, "--head") ?? "cdktf.out";
  const out = option(argv, "--out") ?? "plan-pipeline.yml";
  const stacks = changedStacks(head, option(argv, "--base"));
  const yaml = planPipeline({
    ci: readCi(option(argv, "--ci") ?? ".gitlab-ci.yml"),
    stacks,
    parentPipelineId: env.CI_PIPELINE_ID ?? "",
    mergeRequestIid: env.CI_MERGE_REQUEST_IID ?? "",
    lanes: lanesOf(env.PLAN_LANES),
  });
  writeFileSync(out, yaml);
  return `${stacks.reason}: ${stacks.changed.length === 0 ? "nothing to plan" : stacks.changed.join(" ")}`;
}

if (require.main === module) {
  try {
    process.stdout.write(`plan-pipeline: ${main(process.argv.slice(2), process.env)}\n`);
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    process.stderr.write(`plan-pipeline: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}
