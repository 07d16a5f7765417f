import { StackJson } from "./types";

/** Every block of a type in a section: [terraform address, body]. */
export function blocks(stack: StackJson, type: string, section: "resource" | "data" = "resource"): Array<[string, StackJson]> {
  const prefix = section === "data" ? "data." : "";
  return Object.entries(stack[section]?.[type] ?? {}).map(([name, body]) => [`${prefix}${type}.${name}`, body as StackJson]);
}

/** Blocks of any of the given types. */
export function blocksOf(stack: StackJson, types: readonly string[]): Array<[string, StackJson]> {
  return types.flatMap((t) => blocks(stack, t));
}

/** Whether `value` is exactly `${<address>.<attr>}` for a block of one of `types`. */
export function isRefTo(value: unknown, types: readonly string[], attrs: readonly string[]): boolean {
  return refTarget(value, types, attrs) !== undefined;
}

/** The address (`type.name`) a `${type.name.attr}` value points at, if it is one. */
export function refTarget(value: unknown, types: readonly string[], attrs: readonly string[]): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\$\{((?:data\.)?([a-z0-9_]+)\.([\w-]+))\.([a-z_]+)\}$/.exec(value);
  if (!m || !types.includes(m[2]) || !attrs.includes(m[4])) return undefined;
  return m[1];
}

/** All string values inside a block, with their JSON path, metadata ("//") left out. */
export function strings(value: unknown, path = ""): Array<[string, string]> {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value)
      .filter(([k]) => k !== "//")
      .flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Every top-level block of the stack with its address: resources, data sources, outputs. */
export function everyBlock(stack: StackJson): Array<[string, StackJson]> {
  const out: Array<[string, StackJson]> = [];
  for (const section of ["resource", "data"] as const) {
    for (const type of Object.keys(stack[section] ?? {})) out.push(...blocks(stack, type, section));
  }
  for (const [name, body] of Object.entries(stack.output ?? {})) out.push([`output.${name}`, body as StackJson]);
  for (const [i, p] of Object.entries(stack.provider ?? {})) out.push([`provider.${i}`, p as StackJson]);
  if (stack.locals) out.push(["locals", stack.locals]);
  return out;
}

/** The IAM policy-document data source a `${data.aws_iam_policy_document.x.json}` points at. */
export function policyDocument(stack: StackJson, value: unknown): StackJson | undefined {
  const target = refTarget(value, ["aws_iam_policy_document"], ["json", "minified_json"]);
  if (!target) return undefined;
  return stack.data?.aws_iam_policy_document?.[target.split(".")[2]];
}

export function asList<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
