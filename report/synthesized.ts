/*
 * Reading synthesized stacks (cdk.tf.json, as terraform reads them) for the reports.
 */
import { refTarget } from "../policy/refs";

export type Json = Record<string, any>;

/** Every block of a resource type, in every stack. */
export const all = (stacks: readonly Json[], type: string): Json[] => stacks.flatMap((s) => Object.values<Json>(s.resource?.[type] ?? {}));

/** A string with no Terraform reference or function call in it. */
export const literal = (v: unknown): v is string => typeof v === "string" && !v.includes("${");

/** The distinct literal values (no Terraform references) of one attribute of a resource type, sorted. */
export const names = (stacks: readonly Json[], type: string, attr: string): string[] =>
  [
    ...new Set(
      all(stacks, type)
        .map((r) => r[attr])
        .filter(literal),
    ),
  ].sort();

/** The resource of `stack` that `value` (`${<type>.<name>.<attr>}`) points at, if it is such a reference. */
export function referenced(stack: Json, value: unknown, type: string, attr: string): Json | undefined {
  const target = refTarget(value, [type], [attr]);
  return target === undefined ? undefined : stack.resource?.[type]?.[target.slice(type.length + 1)];
}
