import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Document, isAlias, isCollection, isNode, isPair, LineCounter, parseDocument, visit } from "yaml";
import { z } from "zod";
import { credentialProblems } from "./credentials";
import { ConfigError, ConfigProblem, formatPath } from "./errors";
import { editDistance } from "./near-miss";
import { DeliveryConfig, deliveryConfigSchema } from "./schema";
import { semanticProblems } from "./semantics";

export interface LoadedConfig {
  readonly config: DeliveryConfig;
  readonly warnings: readonly ConfigProblem[];
}

/**
 * How many times YAML aliases (`*name`) may repeat anchored values; past it a document is
 * refused, as a "billion laughs" document would be (the yaml package's maxAliasCount).
 */
const MAX_ALIAS_COUNT = 100;

/** Reads, parses and validates a delivery file; throws ConfigError on any user mistake. */
export function loadConfigFile(file: string, now: Date = new Date()): LoadedConfig {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ConfigError(file, [{ path: "", message: unreadable(file, e as NodeJS.ErrnoException) }]);
  }
  return parseConfig(decodeUtf8(bytes, file), file, now);
}

function unreadable(file: string, e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ENOENT":
      return `file not found (looked in ${dirname(resolve(file))}); create it (delivery.yaml in this repository is an example), or name your file with --config <file> (synth) or DELIVERY_CONFIG=<file> (cdktf)`;
    case "EISDIR": {
      const yaml = readdirSync(file)
        .filter((f) => /\.ya?ml$/.test(f) && !/\.lock\.yaml$/.test(f))
        .sort();
      return `is a directory, not a file; point DELIVERY_CONFIG at ${yaml.length > 0 ? `a YAML file in it, such as ${join(file, yaml[0])}` : "your delivery YAML file"}`;
    }
    case "EACCES":
    case "EPERM":
      return `cannot be read (${e.code}); check its permissions`;
    default:
      return `cannot be read (${e.code ?? String(e)})`;
  }
}

/** The file's text; a file that is not UTF-8 is refused at its first bad byte, never read with U+FFFD in it. */
function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Below.
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const bom = `0x${bytes[0].toString(16).toUpperCase()} 0x${bytes[1].toString(16).toUpperCase()}`;
    throw new ConfigError(file, [{ path: `${file}:1:1`, message: `the file is UTF-16 (it starts with the byte-order mark ${bom}); save it as UTF-8` }]);
  }
  const offset = firstInvalidUtf8(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  const line = bytes.subarray(0, lineStart).filter((b) => b === 0x0a).length + 1;
  const column = [...new TextDecoder().decode(bytes.subarray(lineStart, offset))].length + 1;
  const byte = bytes[offset];
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  // What the byte is in the encodings such files usually come in, when it is a printable letter there.
  const latin = new TextDecoder("windows-1252").decode(bytes.subarray(offset, offset + 1));
  const guess = /\p{L}/u.test(latin) ? ` (in Latin-1 or Windows-1252 it would be ${JSON.stringify(latin)})` : "";
  throw new ConfigError(file, [
    {
      path: `${file}:${line}:${column}`,
      message: `byte ${hex} at offset ${offset} is not valid UTF-8, so the file is in another encoding${guess}; save it as UTF-8`,
    },
  ]);
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let length: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let cp = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += length;
  }
  return i;
}

/** Validates YAML text; `file` only names it in messages. */
export function parseConfig(text: string, file: string, now: Date = new Date()): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) =>
        e.code === "MULTIPLE_DOCS"
          ? {
              path: at(e.pos[0]),
              message:
                "a second YAML document starts here, but a delivery configuration is one document per file: merge them, or move the second into a file of its own",
            }
          : { path: at(e.pos[0]), message: `YAML syntax: ${e.message.split("\n")[0]}; fix the YAML there` },
      ),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const alias = aliasOverLimit(doc, MAX_ALIAS_COUNT);
    if (!(e instanceof ReferenceError) || alias === undefined) throw e;
    throw new ConfigError(file, [
      {
        path: at(alias.range?.[0] ?? 0),
        message: `the alias *${alias.source} takes YAML aliases past ${MAX_ALIAS_COUNT} repetitions of anchored values (the limit that guards against "billion laughs" documents); write the repeated values out, or use fewer aliases`,
      },
    ]);
  }
  const cycle = cyclePath(raw);
  if (cycle !== undefined) {
    throw new ConfigError(file, [
      { path: cycle, message: "contains itself through a YAML alias (*name pointing back to an enclosing &name); write the value out instead" },
    ]);
  }
  // Before anything else reads the values: no later message may quote a credential.
  const credentials = credentialProblems(raw);
  if (credentials.length > 0) throw new ConfigError(file, credentials);
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [
      {
        path: "",
        message: "the file is empty (or only comments); write the keys name, aws, connection and projects (delivery.yaml in this repository is an example)",
      },
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

/** What an entry of a list that must not be empty looks like, by key path. */
const LIST_ITEMS: Record<string, string> = {
  projects: "project, such as `- path: acme/app` (the project's path in GitLab)",
  "projects[].pipeline.adopt.stages": "stage of the existing pipeline to keep (its name and actions, as `aws codepipeline get-pipeline` shows them)",
};

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem {
  const path = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  const got = value.found ? describeValue(value.value) : "nothing";
  const asZodSaysIt = { path, message: `${issue.message.replace(/^Invalid input: /, "")} (got ${got}); correct the value` };
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
    case "too_small":
      // zod's own wording ("Too small: expected array to have >=1 items"), not a schema's message.
      if (issue.origin === "array" && issue.message.startsWith("Too small") && Array.isArray(value.value) && value.value.length === 0) {
        return { path, message: `is an empty list; list at least ${issue.minimum} ${LIST_ITEMS[path.replace(/\[\d+\]/g, "[]")] ?? "entry"}` };
      }
      return asZodSaysIt;
    default:
      return asZodSaysIt;
  }
}

/**
 * The alias at which the yaml package stops with "Excessive alias count": the same count as
 * its own (each anchor's uses times the aliases inside it), in document order.
 */
function aliasOverLimit(doc: Document, max: number): { source: string; range?: readonly number[] | null } | undefined {
  const anchors = new Map<unknown, { count: number; aliasCount: number }>();
  const aliasCount = (node: unknown): number => {
    if (isAlias(node)) {
      const data = anchors.get(node.resolve(doc));
      return data ? data.count * data.aliasCount : 0;
    }
    if (isCollection(node)) return Math.max(0, ...node.items.map(aliasCount));
    if (isPair(node)) return Math.max(aliasCount(node.key), aliasCount(node.value));
    return 1;
  };
  let over: { source: string; range?: readonly number[] | null } | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const data = anchors.get(target);
      if (!data) return;
      data.count += 1;
      if (data.aliasCount === 0) data.aliasCount = aliasCount(target);
      if (data.count * data.aliasCount > max) {
        over = node;
        return visit.BREAK;
      }
    } else if (isNode(node) && node.anchor) {
      anchors.set(node, { count: 1, aliasCount: 0 });
    }
    return undefined;
  });
  return over;
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
