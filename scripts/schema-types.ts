/*
 * Which provider types a terraform command in a folder reads, for the schema proxy
 * (scripts/provider-proxy.js): the resource, data source and ephemeral types of the folder's
 * configuration (*.tf.json) and of the states beside it (*.tfstate: a plan's prior state, whose
 * resources may have left the configuration). A plan file holds nothing else, so `show` of a
 * plan made there reads the same types.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCHEMA_TYPES_ENV } from "./shared-provider";

export interface SchemaTypes {
  readonly resources: string[];
  readonly data: string[];
  readonly ephemeral: string[];
}

type Json = Record<string, any>;

/**
 * The types a command in `dir` reads; undefined when they cannot be known: a file there cannot
 * be read as JSON, or a hand-written .tf (HCL) file, which is not read here, is there.
 */
export function schemaTypesIn(dir: string): SchemaTypes | undefined {
  const resources = new Set<string>();
  const data = new Set<string>();
  const ephemeral = new Set<string>();
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  if (files.some((f) => f.endsWith(".tf"))) return undefined;
  try {
    for (const file of files.filter((f) => f.endsWith(".tf.json"))) {
      const config: Json = JSON.parse(readFileSync(join(dir, file), "utf8"));
      for (const type of Object.keys(config.resource ?? {})) resources.add(type);
      for (const type of Object.keys(config.data ?? {})) data.add(type);
      for (const type of Object.keys(config.ephemeral ?? {})) ephemeral.add(type);
    }
    for (const file of files.filter((f) => f.endsWith(".tfstate"))) {
      const state: Json = JSON.parse(readFileSync(join(dir, file), "utf8"));
      for (const r of state.resources ?? []) (r.mode === "data" ? data : resources).add(r.type);
    }
  } catch {
    return undefined;
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return { resources: sorted(resources), data: sorted(data), ephemeral: sorted(ephemeral) };
}

/**
 * Before each terraform command in `dir` with this environment: tells the proxy of the shared
 * provider it attaches to (if any) the types the command reads; the whole schema when they
 * cannot be known.
 */
export function announceSchemaTypes(env: NodeJS.ProcessEnv, dir: string): void {
  if (env[SCHEMA_TYPES_ENV]) announceTypes(env, schemaTypesIn(dir));
}

/** Tells the proxy of the shared provider in `env` (if any) the types the next command reads; undefined: every type. */
export function announceTypes(env: NodeJS.ProcessEnv, types: SchemaTypes | undefined): void {
  const file = env[SCHEMA_TYPES_ENV];
  if (!file) return;
  if (!types) {
    rmSync(file, { force: true });
    return;
  }
  writeFileSync(`${file}.next`, JSON.stringify(types));
  // The proxy reads a whole list or the last one, never half of one.
  renameSync(`${file}.next`, file);
}
