/*
 * The real-engine check: copies each synthesized stack, points the AWS provider at the
 * offline mirror (its version, fake credentials, no refresh), stands in for what needs a
 * remote API (GitLab resources and data sources, aws_caller_identity) with local values
 * (known at plan time, so the plan shows the real repository path), and runs terraform
 * plan (which validates; registry mode: init and validate). Plans are kept in
 * .tf-check/<config>/<stack>/plan.bin (`terraform show -json plan.bin` there prints one); a
 * stack whose inputs are as at its last good plan is not planned again (tf-check-cache.ts).
 * `gitlab-aws-delivery tf-check` (cli/tf-check.ts) runs it.
 *
 * Environment:
 *   DELIVERY_TF_MIRROR      provider mirror folder (default /opt/tf-plugins)
 *   DELIVERY_TF_REQUIRED=1  fail instead of skipping when terraform or the mirror is missing (CI)
 *   DELIVERY_TF_PROVIDERS=registry  use the real providers from the registry (needs network):
 *                           init + validate only, since plan would need AWS and GitLab credentials
 *   DELIVERY_TF_SHARED_PROVIDER=0  start the mirror's provider for every terraform command, as
 *                           terraform does, instead of one process per lane (shared-provider.ts)
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { loadConfigFile } from "../config/load";
import { synthesizeConfig } from "../app/synth-tree";
import { writeCiPolicies } from "../app/ci-policies";
import { CI_POLICY_FOLDER } from "../modules/oidc/gitlab-ci-oidc";
import { CommandError } from "./command-error";
import {
  attachTo,
  GO_GC_PERCENT,
  REATTACH_ENV,
  SHARED_PROVIDER_ENV,
  SharedProvider,
  sharedProviderOfThisProcess,
  startSharedProvider,
} from "./shared-provider";
import { announceSchemaTypes } from "./schema-types";
import { checkDigest, PlanCache, planKey } from "./tf-check-cache";

type Json = Record<string, any>;

export const FAKE_ACCOUNT_ID = "123456789012";

export interface Engine {
  readonly terraform: string;
  readonly mirror?: string;
  readonly awsVersion?: string;
  readonly mode: "mirror" | "registry";
}

/** Finds terraform and the mirror; returns the reason to skip when they are missing. */
export function findEngine(env: NodeJS.ProcessEnv = process.env): Engine | { skip: string } {
  const terraform = env.DELIVERY_TF_BINARY || "terraform";
  const probe = spawnSync(terraform, ["version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return { skip: `no terraform binary (${terraform}) on PATH` };
  if (env.DELIVERY_TF_PROVIDERS === "registry") return { terraform, mode: "registry" };
  const mirror = env.DELIVERY_TF_MIRROR || "/opt/tf-plugins";
  const awsDir = join(mirror, "registry.terraform.io", "hashicorp", "aws");
  const versions = existsSync(awsDir) ? readdirSync(awsDir).sort() : [];
  if (versions.length === 0) return { skip: `no hashicorp/aws provider in the mirror ${mirror} (set DELIVERY_TF_MIRROR)` };
  return { terraform, mirror: resolve(mirror), awsVersion: versions[versions.length - 1], mode: "mirror" };
}

/** Data sources that call a remote API at plan time, stood in like the GitLab objects. */
const REMOTE_DATA = ["aws_caller_identity", "aws_codestarconnections_connection", "terraform_remote_state"];

/** Reference to a GitLab object or a remote data source, which the check replaces with a local value. */
const STANDIN = /\b(data\.)?(gitlab_[a-z0-9_]+|aws_caller_identity|aws_codestarconnections_connection|terraform_remote_state)\.([A-Za-z0-9_-]+)(\.[a-z_]+)?/g;

export interface PrepareOptions {
  /** Status the stood-in connection reports at plan time. @default "AVAILABLE" */
  readonly connectionStatus?: "AVAILABLE" | "PENDING" | "ERROR";
  /** The other stacks of the app, by name: their outputs feed the stood-in remote states. */
  readonly stacks?: Record<string, Json>;
  /**
   * Stand in for each GitLab resource with a `terraform_data` object that carries its
   * arguments and lifecycle, so that plans against a prior state show GitLab objects being
   * created, updated, replaced or deleted (the lifecycle tests). Values that GitLab makes
   * only on create (a token) are then read from that object, so a replacement reaches the
   * resources that copy them. @default false (values only, as the example check needs)
   */
  readonly gitlabObjects?: boolean;
}

/**
 * GitLab resources that GitLab cannot change in place (its API has no update for deploy or
 * access tokens), so any argument change replaces them. Stood in with triggers_replace.
 */
const GITLAB_REPLACE_ONLY = new Set(["gitlab_project_deploy_token", "gitlab_project_access_token"]);
/** Attributes GitLab makes on create; with gitlabObjects, read from the stand-in object. */
const GITLAB_MADE_ON_CREATE = new Set(["token"]);

export const FAKE_CONNECTION_ID = "0a1b2c3d-1111-2222-3333-444455556666";

function standinName(isData: boolean, type: string, name: string): string {
  return `standin_${isData ? "data_" : ""}${type}_${name}`.replace(/-/g, "_");
}

function fakeArn(stack: Json, expression: string): string {
  const region = stack.provider?.aws?.[0]?.region ?? "eu-west-1";
  if (/aws_codeconnections_connection\.[\w-]+\.arn/.test(expression)) {
    return `arn:aws:codeconnections:${region}:${FAKE_ACCOUNT_ID}:connection/${FAKE_CONNECTION_ID}`;
  }
  if (/aws_codeconnections_host\.[\w-]+\.arn/.test(expression)) return `arn:aws:codeconnections:${region}:${FAKE_ACCOUNT_ID}:host/standin-1234abcd`;
  return `standin-${expression.replace(/[^\w]+/g, "-")}`;
}

/** Values of the outputs another stack of the app would hand over through remote state. */
function remoteOutputs(stack: Json, name: string, options: PrepareOptions): Json {
  // cdktf names the data source after the stack it reads, whatever the backend.
  const origin = name.replace(/^cross-stack-reference-input-/, "");
  const outputs = options.stacks?.[origin]?.output ?? {};
  return Object.fromEntries(Object.entries<Json>(outputs).map(([key, o]) => [key, fakeArn(stack, String(o.value))]));
}

/** Plausible values for the attributes stacks read from stood-in objects. */
function standinAttributes(stack: Json, isData: boolean, type: string, name: string, attrs: Set<string>, options: PrepareOptions): Json {
  const block = (isData ? stack.data : stack.resource)?.[type]?.[name] ?? {};
  const out: Json = {};
  for (const attr of attrs) {
    switch (attr) {
      case "outputs":
        out[attr] = remoteOutputs(stack, name, options);
        break;
      case "connection_status":
        out[attr] = options.connectionStatus ?? "AVAILABLE";
        break;
      case "account_id":
        out[attr] = FAKE_ACCOUNT_ID;
        break;
      case "id":
      case "group_id":
        out[attr] = String(1000 + Object.keys(out).length);
        break;
      case "path_with_namespace":
        out[attr] = block.path_with_namespace ?? gitlabProjectPath(stack, block);
        break;
      case "full_path":
        out[attr] = block.full_path;
        break;
      case "web_url":
        out[attr] = `https://gitlab.com/${block.path_with_namespace ?? gitlabProjectPath(stack, block)}`;
        break;
      case "http_url_to_repo":
        out[attr] = `https://gitlab.com/${block.path_with_namespace ?? gitlabProjectPath(stack, block)}.git`;
        break;
      case "username":
        out[attr] = block.username ?? "gitlab+deploy-token-1";
        break;
      default:
        out[attr] = `standin-${attr}`;
    }
  }
  return out;
}

function gitlabProjectPath(stack: Json, project: Json): string {
  const ref = /data\.gitlab_group\.([A-Za-z0-9_-]+)\./.exec(String(project.namespace_id ?? ""));
  const group = ref ? stack.data?.gitlab_group?.[ref[1]] : undefined;
  return group ? `${group.full_path}/${project.path}` : String(project.path ?? "unknown");
}

/** A `terraform_data` stand-in for a GitLab resource: its arguments, values and lifecycle. */
function gitlabObject(id: string, type: string, body: Json): Json {
  const { lifecycle, depends_on: _depends, count, for_each: forEach, provider: _provider, ...args } = body;
  const object: Json = { input: { values: `\${local.${id}}`, arguments: args } };
  if (GITLAB_REPLACE_ONLY.has(type)) object.triggers_replace = args;
  if (count !== undefined) object.count = count;
  if (forEach !== undefined) object.for_each = forEach;
  const kept = Object.fromEntries(Object.entries<unknown>(lifecycle ?? {}).filter(([k]) => k === "prevent_destroy" || k === "create_before_destroy"));
  if (Object.keys(kept).length > 0) object.lifecycle = kept;
  return object;
}

/** A copy of a synthesized stack that terraform can init, validate and plan offline. */
export function prepareStack(stack: Json, engine: Engine, options: PrepareOptions = {}): Json {
  const copy: Json = JSON.parse(JSON.stringify(stack));
  delete copy.terraform?.backend;
  delete copy.terraform?.cloud;
  if (engine.mode === "registry") return copy;
  // A removed block names an address only: a GitLab object's becomes its stand-in's, and
  // declares no stand-in (one declared would be "still declared in configuration").
  const removed: Json[] | undefined = copy.removed?.map((r: Json) => {
    const m = /^(gitlab_[a-z0-9_]+)\.([A-Za-z0-9_-]+)$/.exec(r.from);
    return m ? { ...r, from: `terraform_data.${standinName(false, m[1], m[2])}` } : r;
  });
  delete copy.removed;

  const referenced = new Map<string, { isData: boolean; type: string; name: string; attrs: Set<string>; bare: boolean }>();
  const text = JSON.stringify(copy, (key, value) => (key === "//" ? undefined : value)).replace(
    STANDIN,
    (_m, data: string | undefined, type: string, name: string, attr: string | undefined) => {
      const id = standinName(Boolean(data), type, name);
      const entry = referenced.get(id) ?? { isData: Boolean(data), type, name, attrs: new Set<string>(), bare: false };
      referenced.set(id, entry);
      if (!attr) {
        // A bare reference (depends_on) needs an object in the graph, not a value.
        entry.bare = true;
        return `terraform_data.${id}`;
      }
      entry.attrs.add(attr.slice(1));
      if (options.gitlabObjects && !data && GITLAB_MADE_ON_CREATE.has(attr.slice(1))) return `terraform_data.${id}.output.values${attr}`;
      return `local.${id}${attr}`;
    },
  );
  const out: Json = JSON.parse(text);
  if (removed) out.removed = removed;
  const objects: Json = {};
  for (const [section, isData] of [
    ["resource", false],
    ["data", true],
  ] as const) {
    for (const type of Object.keys(out[section] ?? {})) {
      if (type.startsWith("gitlab_") || (isData && REMOTE_DATA.includes(type))) {
        for (const name of Object.keys(out[section][type])) {
          const id = standinName(isData, type, name);
          if (!referenced.has(id)) referenced.set(id, { isData, type, name, attrs: new Set(), bare: false });
          if (options.gitlabObjects && !isData) objects[id] = gitlabObject(id, type, out[section][type][name]);
        }
        delete out[section][type];
      }
    }
    if (out[section] && Object.keys(out[section]).length === 0) delete out[section];
  }
  out.locals ??= {};
  for (const [id, ref] of [...referenced].sort(([a], [b]) => a.localeCompare(b))) {
    out.locals[id] = standinAttributes(stack, ref.isData, ref.type, ref.name, ref.attrs, options);
    if (ref.bare || objects[id]) {
      out.resource ??= {};
      out.resource.terraform_data ??= {};
      out.resource.terraform_data[id] = objects[id] ?? { input: `\${local.${id}}` };
    }
  }
  delete out.provider?.gitlab;
  delete out.terraform?.required_providers?.gitlab;
  out.terraform.required_providers.aws.version = engine.awsVersion;
  out.provider.aws = out.provider.aws.map((p: Json) => ({
    ...p,
    access_key: "offline-check",
    secret_key: "offline-check",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  }));
  return out;
}

export interface StackRun {
  readonly dir: string;
  readonly ok: boolean;
  /** Output of the failing step, or empty. */
  readonly errors: string;
  /** `terraform show -json` of the plan, when one was made and asked for. */
  readonly plan?: Json;
  /** What `terraform plan` printed (warnings such as failed check blocks included). */
  readonly planOutput?: string;
}

/**
 * The CLI configuration that runs the mirror's AWS provider where it lies: a development
 * override, so no `init` and no lock file. An installed provider would cost each terraform
 * command a SHA-256 of its 690 MB (checked against the lock file) and each folder an init;
 * the plan itself is the same. Terraform warns that the override is in effect.
 */
export function mirrorConfig(engine: Engine): string {
  const dir = mirrorProviderDir(engine);
  return `provider_installation {\n  dev_overrides {\n    "registry.terraform.io/hashicorp/aws" = ${JSON.stringify(dir)}\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`;
}

/** The mirror's folder of the AWS provider for this machine's platform. */
function mirrorProviderDir(engine: Engine): string {
  const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
  return join(engine.mirror!, "registry.terraform.io", "hashicorp", "aws", engine.awsVersion!, platform);
}

/** The provider binary in the mirror, for the shared provider process. */
export function providerBinary(engine: Engine): string {
  const dir = mirrorProviderDir(engine);
  const file = readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws"));
  if (!file) throw new Error(`no terraform-provider-aws binary in ${dir}`);
  return join(dir, file);
}

/** The provider binary a plan's key names: the mirror's, or its folder where it holds none yet (a stand-in terraform's). */
function providerForKey(engine: Engine): string {
  try {
    return providerBinary(engine);
  } catch {
    return mirrorProviderDir(engine);
  }
}

let shared: SharedProvider | undefined;

/** This process's shared provider, once a terraform command has started it (terraformEnv). */
export function sharedProvider(): SharedProvider | undefined {
  return shared;
}

/** Whether terraform commands attach to a shared provider process (the mirror's, unless DELIVERY_TF_SHARED_PROVIDER=0). */
function sharesProvider(engine: Engine): boolean {
  return engine.mode === "mirror" && process.env[SHARED_PROVIDER_ENV] !== "0";
}

/**
 * The environment of a terraform command in `dir` (its CLI configuration written there). With
 * the mirror, terraform attaches to this process's shared provider (scripts/shared-provider.ts),
 * started on first use, unless the environment already names one (tf-check gives each of its
 * parallel lanes its own) or DELIVERY_TF_SHARED_PROVIDER=0.
 */
export function terraformEnv(engine: Engine, dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", GOGC: base.GOGC ?? GO_GC_PERCENT };
  if (engine.mode !== "mirror") return env;
  env.TF_CLI_CONFIG_FILE = writeCliConfig(engine, dir);
  if (!env[REATTACH_ENV] && sharesProvider(engine)) {
    shared ??= sharedProviderOfThisProcess(providerBinary(engine));
    Object.assign(env, attachTo(shared));
  }
  return env;
}

export interface RunStackOptions {
  readonly priorState?: Json;
  readonly validate?: boolean;
  readonly json?: boolean;
  /** `-refresh-only` (a drift check, which reads the real objects) instead of `-refresh=false`. @default false */
  readonly refreshOnly?: boolean;
  /** The environment terraform's is made from (a tf-check lane's names its shared provider). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** What a terraform command gave back. */
interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The mirror's CLI configuration written in `dir` (mirrorConfig); its path. */
function writeCliConfig(engine: Engine, dir: string): string {
  const rc = join(dir, "terraform.rc");
  mkdirSync(dir, { recursive: true });
  writeFileSync(rc, mirrorConfig(engine));
  return rc;
}

/** The stack's configuration written in `dir`, as terraform reads it there. */
function writeStackConfig(prepared: Json, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify(prepared, null, 2)}\n`);
}

/** The plan command (without a prior state's -state=): tf-check's, or a drift check's with `refreshOnly`. */
function planCommand(refreshOnly = false): string[] {
  return ["plan", "-no-color", refreshOnly ? "-refresh-only" : "-refresh=false", "-lock=false", "-out=plan.bin"];
}

/**
 * The steps of runStack: yields each terraform command (its arguments and environment) and is
 * given back what it printed, so that the same steps run one at a time (runStack) or beside
 * other stacks' in this process (runStackAsync).
 */
function* stackSteps(
  engine: Engine,
  prepared: Json,
  dir: string,
  options: RunStackOptions,
): Generator<{ args: string[]; env: NodeJS.ProcessEnv }, StackRun, Ran> {
  writeStackConfig(prepared, dir);
  const env = terraformEnv(engine, dir, options.env);
  // With the mirror, the provider is overridden in place (mirrorConfig): nothing to init.
  const steps: string[][] = engine.mode === "mirror" ? [] : [["init", "-no-color", "-backend=false"]];
  // A plan validates too; a separate validate (one more start of the provider) only adds its
  // clearer messages, so by default it runs only where no plan follows (registry mode).
  if (options.validate ?? engine.mode === "registry") steps.push(["validate", "-no-color"]);
  if (engine.mode === "mirror") {
    const statePath = join(dir, "prior.tfstate");
    rmSync(statePath, { force: true });
    const planArgs = planCommand(options.refreshOnly);
    if (options.priorState) {
      writeFileSync(statePath, JSON.stringify(options.priorState, null, 2));
      planArgs.push(`-state=${statePath}`);
    }
    steps.push(planArgs);
  }
  let planOutput = "";
  for (const args of steps) {
    const r = yield { args, env };
    if (r.status !== 0) {
      return { dir, ok: false, errors: `terraform ${args[0]} failed:\n${r.stdout}\n${r.stderr}`.trim() };
    }
    if (args[0] === "plan") planOutput = `${r.stdout}\n${r.stderr}`;
  }
  if (engine.mode === "registry") return { dir, ok: true, errors: "" };
  if (options.json === false) return { dir, ok: true, errors: "", planOutput };
  const show = yield { args: ["show", "-json", "-no-color", "plan.bin"], env };
  if (show.status !== 0) return { dir, ok: false, errors: `terraform show failed:\n${show.stderr}` };
  writeFileSync(join(dir, "plan.json"), show.stdout);
  return { dir, ok: true, errors: "", plan: JSON.parse(show.stdout), planOutput };
}

/**
 * Runs init, validate, plan (and show -json) in `dir` on a prepared stack. `json: false` skips
 * show -json (a command of its own: 1.6 CPU-s of reading the provider's schema), for callers that
 * need only what the plan printed; plan.bin stays for `terraform show`.
 */
export function runStack(engine: Engine, prepared: Json, dir: string, options: RunStackOptions = {}): StackRun {
  const steps = stackSteps(engine, prepared, dir, options);
  let step = steps.next();
  while (!step.done) {
    const { args, env } = step.value;
    announceSchemaTypes(env, dir);
    step = steps.next(spawnSync(engine.terraform, args, { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
  }
  return step.value;
}

/** runStack without blocking this process, so that one node process drives several stacks' terraform at once. */
export async function runStackAsync(engine: Engine, prepared: Json, dir: string, options: RunStackOptions = {}): Promise<StackRun> {
  const steps = stackSteps(engine, prepared, dir, options);
  let step = steps.next();
  while (!step.done) {
    const { args, env } = step.value;
    announceSchemaTypes(env, dir);
    step = steps.next(await terraform(engine.terraform, args, dir, env));
  }
  return step.value;
}

/** A terraform command run to its end, its output kept (as spawnSync gives it). */
function terraform(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (e) => done({ status: null, stdout: "", stderr: e.message }));
    child.on("close", (status) => done({ status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

/** Config files the check covers: the example and every file in examples/. */
export function exampleConfigs(root = process.cwd()): string[] {
  const examples = existsSync(join(root, "examples"))
    ? readdirSync(join(root, "examples"))
        // Beside each config, its lock file (app/assignment-lock.ts), which is no config.
        .filter((f) => /\.ya?ml$/.test(f) && !/\.lock\.yaml$/.test(f))
        .sort()
        .map((f) => join(root, "examples", f))
    : [];
  return [join(root, "delivery.yaml"), ...examples];
}

interface Job {
  readonly label: string;
  readonly dir: string;
  readonly note: string;
  readonly prepared: Json;
  /** What its plan depends on (tf-check-cache.ts). */
  readonly key: string;
}

/** A plan's summary line as terraform prints it ("Plan: 28 to add, 0 to change, 0 to destroy"), or "No changes". */
export function planSummary(output: string | undefined): string | undefined {
  return /^(Plan: [^\n]*?|No changes)\.(?: |$)/m.exec(output ?? "")?.[1];
}

/**
 * Checks each job, `width` at a time, all from this process: terraform does the work, so a node
 * process per stack would only add its start-up. Each lane's jobs share one provider process.
 */
async function runPool(engine: Engine, jobs: Job[], width: number): Promise<Map<Job, StackRun>> {
  let next = 0;
  const results = new Map<Job, StackRun>();
  const lanes = Array.from({ length: Math.min(width, jobs.length) }, () => (sharesProvider(engine) ? startSharedProvider(providerBinary(engine)) : undefined));
  const worker = async (provider: SharedProvider | undefined): Promise<void> => {
    const env = provider ? { ...process.env, ...attachTo(provider) } : process.env;
    while (next < jobs.length) {
      const job = jobs[next++];
      results.set(job, await runStackAsync(engine, job.prepared, job.dir, { json: false, env }));
    }
  };
  try {
    await Promise.all(lanes.map(worker));
  } finally {
    for (const lane of lanes) lane?.stop();
  }
  return results;
}

export interface TfCheckOptions {
  /** Config files to check, by file name without .yaml. @default every one (exampleConfigs) */
  readonly only?: readonly string[];
  /** Plan every stack, also those whose inputs are as at their last good plan. @default false */
  readonly fresh?: boolean;
}

/** A line of the report on stdout (written to the stream, as the other commands do: a test running the command in its process reads it there). */
const say = (line: string) => process.stdout.write(`${line}\n`);
/** A line of the report on stderr. */
const complain = (line: string) => process.stderr.write(`${line}\n`);

/** Checks every config; returns 0 when all stacks validate and plan (or the check is skipped), 1 otherwise. */
export async function tfCheck(options: TfCheckOptions): Promise<number> {
  const only = options.only ? new Set(options.only) : undefined;
  const configs = exampleConfigs();
  const unknown = [...(only ?? [])].filter((name) => !configs.some((file) => basename(file).replace(/\.ya?ml$/, "") === name));
  if (unknown.length > 0) {
    const known = configs.map((file) => basename(file).replace(/\.ya?ml$/, "")).join(", ");
    throw new CommandError(`--only names no config ${unknown.join(", ")}; the configs are ${known}`);
  }
  const engine = findEngine();
  if ("skip" in engine) {
    if (process.env.DELIVERY_TF_REQUIRED === "1") {
      complain(`tf-check: FAILED: ${engine.skip}, and DELIVERY_TF_REQUIRED=1 forbids skipping`);
      return 1;
    }
    say(`tf-check: skipped: ${engine.skip}`);
    return 0;
  }
  const version = execFileSync(engine.terraform, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0];
  const providers = engine.mode === "mirror" ? `hashicorp/aws ${engine.awsVersion} from ${engine.mirror}, stand-ins for GitLab` : "registry providers";
  const width = availableParallelism();
  say(`tf-check: ${version}, ${providers}, ${width} at a time`);
  const root = resolve(".tf-check");
  const cache = new PlanCache(root);
  const check = checkDigest({
    terraform: engine.terraform,
    version,
    provider: engine.mode === "mirror" ? providerForKey(engine) : undefined,
    cliConfig: engine.mode === "mirror" ? mirrorConfig(engine) : "",
    planArgs: planCommand(),
    env: process.env,
  });
  const jobs: Job[] = [];
  for (const file of configs) {
    const name = basename(file).replace(/\.ya?ml$/, "");
    if (only && !only.has(name)) continue;
    const outdir = join(root, name, "cdktf.out");
    rmSync(join(root, name), { recursive: true, force: true });
    const config = loadConfigFile(file).config;
    const names = synthesizeConfig(config, outdir);
    writeCiPolicies(config, outdir, names);
    const stacks = Object.fromEntries(names.map((n) => [n, JSON.parse(readFileSync(join(outdir, "stacks", n, "cdk.tf.json"), "utf8"))]));
    for (const stackName of names) {
      // An import block reads the existing object from AWS, which is out of reach here: plan
      // such a stack as before the handshake (imports off); __tests__/engine/adopt.test.ts
      // plans the import against a stand-in state.
      const connectionStatus = stacks[stackName].import ? "PENDING" : "AVAILABLE";
      const dir = join(root, name, stackName);
      mkdirSync(dir, { recursive: true });
      // Assets (the commit-status Lambda's zip) are referenced relative to the stack folder.
      const assets = join(outdir, "stacks", stackName, "assets");
      if (existsSync(assets)) cpSync(assets, join(dir, "assets"), { recursive: true });
      // The CI roles' policy documents, read by templatefile beside the shared stack.
      const policies = join(outdir, "stacks", stackName, CI_POLICY_FOLDER);
      if (existsSync(policies)) cpSync(policies, join(dir, CI_POLICY_FOLDER), { recursive: true });
      const prepared = prepareStack(stacks[stackName], engine, { stacks, connectionStatus });
      const key = planKey(prepared, dir, check);
      jobs.push({
        label: `${name}/${stackName}`,
        dir,
        prepared,
        key,
        note: connectionStatus === "PENDING" ? ", connection PENDING: import blocks need AWS" : "",
      });
    }
  }
  const started = Date.now();
  // A stack whose inputs are as at its last good plan: that plan, put back (tf-check-cache.ts).
  const kept = new Map<Job, string>();
  for (const job of options.fresh || engine.mode !== "mirror" ? [] : jobs) {
    const summary = cache.restore(job.label, job.key, job.dir);
    if (summary === undefined) continue;
    // What `terraform show plan.bin` needs beside it in its folder, as runStack leaves it.
    writeStackConfig(job.prepared, job.dir);
    writeCliConfig(engine, job.dir);
    kept.set(job, summary);
  }
  const results = await runPool(
    engine,
    jobs.filter((job) => !kept.has(job)),
    width,
  );
  let failed = 0;
  for (const job of jobs) {
    const summary = kept.get(job);
    if (summary !== undefined) {
      say(`tf-check: ok   ${job.label} (${summary}${job.note}; inputs unchanged since its last plan)`);
      continue;
    }
    const result = results.get(job)!;
    if (result.ok) {
      const planned = planSummary(result.planOutput);
      say(`tf-check: ok   ${job.label} (${planned ?? "validated"}${job.note})`);
      if (planned !== undefined && engine.mode === "mirror") cache.keep(job.label, job.key, job.dir, planned);
    } else {
      failed++;
      cache.forget(job.label);
      complain(`tf-check: FAIL ${job.label}\n${result.errors}`);
    }
  }
  if (!only) cache.retainOnly(jobs.map((job) => job.label));
  cache.save();
  const unchanged = kept.size > 0 ? ` (${kept.size} unchanged since their last plan, not planned again; --fresh plans them)` : "";
  say(`tf-check: ${jobs.length - failed} stack(s) validated and planned${unchanged}, ${failed} failing (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return failed > 0 ? 1 : 0;
}
