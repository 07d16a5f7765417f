import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError, ConfigProblem, formatPath } from "./errors";
import { DeliveryConfig, deliveryConfigSchema } from "./schema";
import { semanticProblems } from "./semantics";

export interface LoadedConfig {
  readonly config: DeliveryConfig;
  readonly warnings: readonly ConfigProblem[];
}

/** Reads, parses and validates a delivery file; throws ConfigError on any user mistake. */
export function loadConfigFile(file: string, now: Date = new Date()): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      {
        path: "",
        message:
          code === "ENOENT"
            ? "file not found; create it (see delivery.yaml in this repository) or point DELIVERY_CONFIG at your file"
            : `cannot be read (${code ?? String(e)}); check its permissions`,
      },
    ]);
  }
  return parseConfig(text, file, now);
}

/** Validates YAML text; `file` only names it in messages. */
export function parseConfig(text: string, file: string, now: Date = new Date()): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: "", message: `YAML syntax: ${e.message.split("\n")[0]}; fix the YAML at that line` })),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const cycle = cyclePath(raw);
  if (cycle !== undefined) {
    throw new ConfigError(file, [
      { path: cycle, message: "contains itself through a YAML alias (*name pointing back to an enclosing &name); write the value out instead" },
    ]);
  }
  const instances = (raw as { gitlab?: unknown } | null)?.gitlab;
  if (Array.isArray(instances)) {
    const vpcs = instances.map((g) => (g as { vpc?: { vpcId?: unknown } } | null)?.vpc?.vpcId).filter((v) => v !== undefined);
    const sameVpc = vpcs.find((v, i) => vpcs.indexOf(v) !== i);
    throw new ConfigError(file, [
      {
        path: "gitlab",
        message:
          (sameVpc !== undefined
            ? `lists ${instances.length} GitLab instances, two of them in the VPC ${JSON.stringify(sameVpc)}, but AWS allows one CodeConnections host per VPC; `
            : `lists ${instances.length} GitLab instances; `) +
          "a config serves one instance (one host and connection shared by all its projects): write gitlab as a mapping, and use one config file per instance, each in its own VPC",
      },
    ]);
  }
  const parsed = deliveryConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => describeIssue(issue, raw)),
    );
  }
  const { errors, warnings } = semanticProblems(parsed.data, now, dirname(file));
  if (errors.length > 0) throw new ConfigError(file, errors);
  return { config: parsed.data, warnings };
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem {
  const path = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  const got = value.found ? describeValue(value.value) : "nothing";
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(issue.path);
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      return {
        path,
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}; remove ${issue.keys.length > 1 ? "them" : "it"}${
          allowed.length ? ` or use one of: ${allowed.join(", ")}` : ""
        }${suggestion(issue.keys[0], allowed)}`,
      };
    }
    case "invalid_type": {
      const noun = NOUNS[issue.expected] ?? `a ${issue.expected}`;
      if (!value.found) return { path, message: `is required; add it (${noun})` };
      return { path, message: `expected ${noun}, got ${got}; write ${noun}` };
    }
    case "invalid_value":
      return {
        path,
        message: `${got} is not allowed; use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "custom":
      return { path, message: issue.message };
    case "invalid_key": {
      const inner = issue.issues.map((i) => i.message).join("; ");
      if (issue.issues.every((i) => i.code === "custom")) return { path, message: inner };
      return {
        path,
        message: `the key ${JSON.stringify(issue.path[issue.path.length - 1])} is not allowed (${inner.replace(/^Invalid input: /, "")}); rename it`,
      };
    }
    default:
      return { path, message: `${issue.message.replace(/^Invalid input: /, "")} (got ${got}); correct the value` };
  }
}

/** Zod's type names in the words of a YAML author. */
const NOUNS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/** The key path at which a value contains one of its own ancestors (a recursive YAML alias). */
function cyclePath(value: unknown, path: PropertyKey[] = [], ancestors: object[] = []): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (ancestors.includes(value)) return formatPath(path);
  const entries: Array<[PropertyKey, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const found = cyclePath(child, [...path, key], [...ancestors, value]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list (${JSON.stringify(v).slice(0, 60)})`;
  if (typeof v === "object") return "a mapping";
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || !(key in (cur as object))) return { found: false };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** Keys the schema accepts at an object path, for "use one of" hints. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = deliveryConfigSchema;
  for (const key of [...path, undefined]) {
    schema = unwrap(schema);
    if (!schema) return [];
    const def = schema._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (key === undefined) return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
    if (def.type === "object" && def.shape && typeof key === "string") schema = def.shape[key];
    else if (def.type === "array" && typeof key === "number") schema = def.element;
    else return [];
  }
  return [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let cur = schema;
  for (let i = 0; cur && i < 10; i++) {
    const def = cur._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) cur = def.innerType;
    else if (def.type === "pipe" && def.in) cur = def.in;
    else break;
  }
  return cur;
}

/** " (did you mean "x"?)" for a near-miss key, such as a different casing. */
function suggestion(key: string, allowed: string[]): string {
  const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase() || editDistance(a.toLowerCase(), key.toLowerCase()) <= 2);
  return near ? ` (did you mean ${JSON.stringify(near)}?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
