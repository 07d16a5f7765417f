/*
 * Day-2 transitions on the real engine: plan config v1 from nothing, turn the plan into the
 * state an apply would leave (values the plan knows, and for what only AWS or GitLab would
 * know — ids, ARNs, tokens — fake values of the type the provider's schema gives), plan
 * again until nothing changes (so derived values such as policy documents settle), then plan
 * config v2 against that state with -refresh=false and read the actions.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Engine, FAKE_ACCOUNT_ID, prepareStack, runStack, StackRun, terraformEnv } from "../../scripts/tf-check";
import { announceTypes } from "../../scripts/schema-types";

type Json = Record<string, any>;

/** Names the folder where one jest run keeps the plans it made (see Lifecycle.tryPlan). */
export const PLAN_MEMO_ENV = "GAD_PLAN_MEMO";

/** A cty type as `terraform providers schema -json` writes it. */
type CtyType = string | [string, any];
interface Block {
  attributes?: Record<string, { type?: CtyType; nested_type?: unknown }>;
  block_types?: Record<string, { nesting_mode: string; block: Block }>;
}
interface ResourceSchema {
  version: number;
  block: Block;
}

const TERRAFORM_DATA: ResourceSchema = {
  version: 0,
  block: { attributes: { id: { type: "string" }, input: { type: "dynamic" }, output: { type: "dynamic" }, triggers_replace: { type: "dynamic" } } },
};

const schemas: Record<string, ResourceSchema> = {};

/**
 * The AWS provider's schemas (types and schema versions) of the resources `plan` changes, read
 * through the shared provider's proxy with the list cut to those types (the whole schema is a
 * few MB that terraform decodes and prints: 4 CPU-s), and kept for the process. Read in a folder
 * of their own: a plan taken from the memo leaves its folder empty.
 */
function resourceSchemas(engine: Engine, plan: Json): Record<string, ResourceSchema> {
  const types = (plan.resource_changes ?? []).filter((c: Json) => c.mode === "managed" && c.type.startsWith("aws_")).map((c: Json) => c.type as string);
  const missing = [...new Set<string>(types)].filter((t) => !schemas[t]).sort();
  if (missing.length === 0) return schemas;
  const dir = mkdtempSync(join(tmpdir(), "gad-aws-schema-"));
  try {
    const versions = { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: engine.awsVersion } } } };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(versions));
    const env = terraformEnv(engine, dir);
    announceTypes(env, { resources: missing, data: [], ephemeral: [] });
    const text = execFileSync(engine.terraform, ["providers", "schema", "-json"], { cwd: dir, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    Object.assign(schemas, JSON.parse(text).provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return schemas;
}

export interface Change {
  readonly address: string;
  readonly type: string;
  readonly actions: string[];
  /** Where the object was before a `moved` (implied or declared), if anywhere. */
  readonly previousAddress?: string;
  readonly change: Json;
}

export interface TransitionPlan {
  readonly run: StackRun;
  /** Managed resources whose planned action is not a no-op (moves with no other change included). */
  readonly changes: Change[];
  /** `address: action` for each change, sorted: what a test compares. */
  readonly summary: string[];
}

export interface PlanOptions {
  readonly connectionStatus?: "AVAILABLE" | "PENDING" | "ERROR";
  /** The app's stacks by name (for remote-state outputs). */
  readonly stacks?: Record<string, Json>;
  /** Files the app writes beside the stack (path relative to its folder → text), e.g. the CI policies. */
  readonly files?: Record<string, string>;
}

/** One scenario's working folders; plans of one stack reuse a folder (init is cheap there). */
export class Lifecycle {
  private readonly root: string;

  constructor(
    private readonly engine: Engine,
    name: string,
  ) {
    this.root = join(tmpdir(), `gad-lifecycle-${name}-${process.pid}`);
    mkdirSync(this.root, { recursive: true });
    // Each scenario's folders (stacks, states, plans: about 1 MB) go with the worker.
    process.once("exit", () => rmSync(this.root, { recursive: true, force: true }));
  }

  /** Plans `stack` against `state` (none: from nothing). Throws with terraform's words when the plan fails. */
  plan(stack: Json, state: Json | undefined, folder: string, options: PlanOptions = {}): TransitionPlan {
    const run = this.tryPlan(stack, state, folder, options);
    if (!run.ok) throw new Error(run.errors);
    return summarize(run);
  }

  /**
   * Like plan, but returns a failed run instead of throwing (for plans that must fail).
   * The same inputs give the same plan, so within one jest run (PLAN_MEMO_ENV, set by
   * __tests__/plan-memo-setup.js) a plan another test or suite made already is read back
   * instead of made again: deploy's last plan is often the next test's first.
   */
  tryPlan(stack: Json, state: Json | undefined, folder: string, options: PlanOptions = {}): StackRun {
    const prepared = prepareStack(stack, this.engine, { stacks: options.stacks, connectionStatus: options.connectionStatus, gitlabObjects: true });
    const dir = join(this.root, folder);
    const memo = process.env[PLAN_MEMO_ENV];
    const key = createHash("sha256")
      .update(JSON.stringify([this.engine, prepared, state ?? null, options.files ?? {}]))
      .digest("hex");
    const memoFile = memo ? join(memo, `${key}.json`) : undefined;
    if (memoFile && existsSync(memoFile)) return { ...JSON.parse(readFileSync(memoFile, "utf8")), dir };
    for (const [path, text] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const run = runStack(this.engine, prepared, dir, { priorState: state, validate: false });
    if (memoFile) {
      // Rename is atomic: a parallel worker reads a whole file or none.
      writeFileSync(`${memoFile}.${process.pid}`, JSON.stringify(run));
      renameSync(`${memoFile}.${process.pid}`, memoFile);
    }
    return run;
  }

  /**
   * The state `stack` leaves once applied: plans from nothing, applies the plan to a state,
   * and plans again until the plan is empty (at most 6 rounds).
   */
  deploy(stack: Json, folder: string, options: PlanOptions = {}): Json {
    let state: Json | undefined;
    let last: TransitionPlan | undefined;
    for (let round = 0; round < 6; round++) {
      last = this.plan(stack, state, folder, options);
      if (state && last.changes.length === 0) return state;
      state = applyPlan(last.run.plan!, resourceSchemas(this.engine, last.run.plan!), round + 1);
    }
    throw new Error(`the state did not settle after 6 plans; still changing:\n${last!.summary.join("\n")}`);
  }
}

function summarize(run: StackRun): TransitionPlan {
  const changes: Change[] = (run.plan!.resource_changes ?? [])
    .filter((c: Json) => c.mode === "managed")
    .filter((c: Json) => !(c.change.actions.length === 1 && c.change.actions[0] === "no-op") || (c.previous_address && c.previous_address !== c.address))
    .map((c: Json) => ({ address: c.address, type: c.type, actions: c.change.actions, previousAddress: c.previous_address, change: c.change }));
  const summary = changes.map((c) => `${c.address}: ${c.actions.join("+")}${c.previousAddress ? ` (from ${c.previousAddress})` : ""}`).sort();
  return { run, changes, summary };
}

/** What an apply of `plan` would leave in the state: every planned object, unknown values made up. */
export function applyPlan(plan: Json, resourceSchemas: Record<string, ResourceSchema>, serial: number): Json {
  const region = plan.configuration?.provider_config?.aws?.expressions?.region?.constant_value ?? "eu-west-1";
  const groups = new Map<string, Json>();
  for (const c of plan.resource_changes ?? []) {
    if (c.mode !== "managed" || (c.change.actions.length === 1 && c.change.actions[0] === "delete")) continue;
    const schema = c.type === "terraform_data" ? TERRAFORM_DATA : resourceSchemas[c.type];
    if (!schema) throw new Error(`no schema for ${c.type}`);
    const values: Json = JSON.parse(JSON.stringify(c.change.after ?? {}));
    const made = new Maker(c.type, c.name, c.index, values, region);
    const attributes = fillBlock(values, c.change.after_unknown ?? {}, schema.block, made);
    if (c.type === "terraform_data") {
      attributes.output = attributes.input;
      // The state keeps a dynamically typed value with its type.
      for (const k of ["input", "output", "triggers_replace"])
        attributes[k] = attributes[k] == null ? null : { value: attributes[k], type: ctyTypeOf(attributes[k]) };
    }
    const key = `${c.type}.${c.name}`;
    const group = groups.get(key) ?? {
      mode: "managed",
      type: c.type,
      name: c.name,
      provider: `provider["${c.provider_name}"]`,
      instances: [],
    };
    groups.set(key, group);
    group.instances.push({
      ...(c.index !== undefined ? { index_key: c.index } : {}),
      schema_version: schema.version,
      attributes,
      sensitive_attributes: sensitivePaths(c.change.after_sensitive),
    });
  }
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial,
    lineage: "00000000-0000-4000-8000-00000000d2d2",
    outputs: {},
    resources: [...groups.values()],
  };
}

/**
 * after_sensitive as the state's list of paths: a value whose sensitivity differs between
 * state and plan is planned as an update, so the state must carry the same marks.
 */
function sensitivePaths(marks: unknown, path: Json[] = []): Json[][] {
  if (marks === true) return [path];
  if (Array.isArray(marks)) return marks.flatMap((m, i) => sensitivePaths(m, [...path, { type: "index", value: { value: i, type: "number" } }]));
  if (marks && typeof marks === "object") return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...path, { type: "get_attr", value: k }]));
  return [];
}

/** The cty type of a JSON value as Terraform derived it from a configuration (objects and tuples). */
function ctyTypeOf(v: unknown): CtyType {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return ["tuple", v.map(ctyTypeOf)];
  if (v && typeof v === "object") return ["object", Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ctyTypeOf(x)]))];
  return "dynamic";
}

function fillBlock(values: Json, unknown: Json, block: Block, made: Maker): Json {
  const out: Json = { ...values };
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    out[name] = fillValue(out[name], unknown[name], attr.type ?? "dynamic", name, made);
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const u = unknown[name];
    if (u === true) out[name] = nested.nesting_mode === "single" || nested.nesting_mode === "group" ? null : [];
    else if (Array.isArray(out[name]) && Array.isArray(u))
      out[name] = out[name].map((v: Json, i: number) => fillBlock(v ?? {}, u[i] ?? {}, nested.block, made));
    else if (out[name] && typeof u === "object" && u !== null && !Array.isArray(u)) out[name] = fillBlock(out[name], u, nested.block, made);
  }
  return out;
}

function fillValue(value: unknown, unknown: unknown, type: CtyType, name: string, made: Maker): unknown {
  if (unknown === true) return made.value(type, name);
  if (unknown === undefined || unknown === false || value === null || value === undefined) return value ?? null;
  if (Array.isArray(type) && Array.isArray(value) && Array.isArray(unknown)) {
    return value.map((v, i) => fillValue(v, unknown[i], type[1], name, made));
  }
  if (Array.isArray(type) && type[0] === "map" && typeof value === "object" && typeof unknown === "object") {
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, fillValue(v, (unknown as Json)[k], type[1], k, made)]));
  }
  if (Array.isArray(type) && type[0] === "object" && typeof value === "object" && typeof unknown === "object") {
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, fillValue(v, (unknown as Json)[k], type[1][k] ?? "dynamic", k, made)]));
  }
  return value;
}

/** Made-up values only AWS or GitLab would know, the same on every call (so states settle). */
class Maker {
  constructor(
    private readonly type: string,
    private readonly name: string,
    private readonly index: unknown,
    private readonly values: Json,
    private readonly region: string,
  ) {}

  value(type: CtyType, attr: string): unknown {
    if (type === "string") return this.string(attr);
    if (type === "number") return 1;
    if (type === "bool") return false;
    if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
    if (Array.isArray(type) && type[0] === "map") return {};
    return null;
  }

  private get label(): string {
    const own = this.values.name ?? this.values.bucket ?? this.values.family;
    if (typeof own === "string" && own) return own;
    return `${this.type.replace(/^aws_/, "")}-${this.hash()}`;
  }

  private hash(): string {
    return createHash("sha256")
      .update(`${this.type}.${this.name}[${String(this.index ?? "")}]`)
      .digest("hex")
      .slice(0, 12);
  }

  private uuid(): string {
    const h = createHash("sha256")
      .update(`${this.type}.${this.name}[${String(this.index ?? "")}]`)
      .digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private string(attr: string): string {
    const r = this.region;
    const a = FAKE_ACCOUNT_ID;
    if (attr === "arn") return this.arn();
    if (attr === "bucket" && typeof this.values.bucket_prefix === "string") return `${this.values.bucket_prefix}20261126000000000000000001`;
    if (attr === "key_id") return this.uuid();
    if (attr === "id") {
      if (this.type === "aws_kms_key") return this.uuid();
      if (this.type === "aws_secretsmanager_secret" || this.type === "aws_secretsmanager_secret_version") return this.arn();
      if (this.type === "aws_s3_bucket") return this.string("bucket");
      if (this.type === "aws_codebuild_project" || this.type === "aws_codebuild_report_group" || this.type === "aws_sns_topic") return this.arn();
      return this.label;
    }
    if (attr === "unique_id") return `AROA${this.hash().toUpperCase()}`;
    if (attr === "version_id") return `v-${this.hash()}`;
    if (attr.endsWith("_arn")) return `arn:aws:iam::${a}:role/fake-${attr}`;
    if (attr === "owner_id" || attr === "account_id") return a;
    if (attr === "region") return r;
    // Empty, as an unset optional argument reads back: a made-up word can break a provider check
    // (an SNS topic's FIFO scope on a standard topic).
    return "";
  }

  private arn(): string {
    const r = this.region;
    const a = FAKE_ACCOUNT_ID;
    const v = this.values;
    switch (this.type) {
      case "aws_iam_role":
        return `arn:aws:iam::${a}:role${v.path ?? "/"}${this.label}`;
      case "aws_iam_policy":
        return `arn:aws:iam::${a}:policy${v.path ?? "/"}${this.label}`;
      case "aws_s3_bucket":
        return `arn:aws:s3:::${this.string("bucket")}`;
      case "aws_kms_key":
        return `arn:aws:kms:${r}:${a}:key/${this.uuid()}`;
      case "aws_kms_alias":
        return `arn:aws:kms:${r}:${a}:${v.name}`;
      case "aws_cloudwatch_log_group":
        return `arn:aws:logs:${r}:${a}:log-group:${this.label}`;
      case "aws_codebuild_project":
        return `arn:aws:codebuild:${r}:${a}:project/${this.label}`;
      case "aws_codebuild_report_group":
        return `arn:aws:codebuild:${r}:${a}:report-group/${this.label}`;
      case "aws_codepipeline":
        return `arn:aws:codepipeline:${r}:${a}:${this.label}`;
      case "aws_sns_topic":
        return `arn:aws:sns:${r}:${a}:${this.label}`;
      case "aws_secretsmanager_secret":
        return `arn:aws:secretsmanager:${r}:${a}:secret:${this.label}-AbCdEf`;
      case "aws_codeconnections_connection":
        return `arn:aws:codeconnections:${r}:${a}:connection/${this.uuid()}`;
      default: {
        const service = this.type.split("_")[1];
        return `arn:aws:${service}:${r}:${a}:${this.type.replace(/^aws_[a-z0-9]+_?/, "") || "resource"}/${this.label}`;
      }
    }
  }
}
