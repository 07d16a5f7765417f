/*
 * Every changed address of a plan in one collapsed list, terraform's symbols first (as
 * tfcmt and tf-summarize give it), for a reviewer who searches the note for one object.
 * Bounded: a GitLab note holds at most 1,000,000 characters.
 */
import { classify, type Action } from "./plan-report";

type Json = Record<string, any>;

const SYMBOL: Partial<Record<Action, string>> = { create: "+", update: "~", replace: "-/+", delete: "-", read: "<=", forget: ".", "no-op": "" };

/** The `<details>` block listing every changed address, or "" when nothing changes. */
export function addressListSection(plan: Json, maxLines = 2_000): string {
  const changes = (plan.resource_changes ?? [])
    .map((c: Json) => ({ address: String(c.address), action: classify(c.change?.actions ?? []) }))
    .filter((c: { action: Action }) => c.action !== "no-op")
    .sort((a: { address: string }, b: { address: string }) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  if (changes.length === 0) return "";
  const lines = changes.slice(0, maxLines).map((c: { address: string; action: Action }) => `${SYMBOL[c.action]} ${c.address}`);
  if (changes.length > maxLines) lines.push(`# … and ${changes.length - maxLines} more (not listed: a note holds at most 1,000,000 characters)`);
  return [
    `<details><summary>All ${changes.length} changed address${changes.length > 1 ? "es" : ""}</summary>`,
    "",
    "```diff",
    ...lines,
    "```",
    "",
    "</details>",
    "",
  ].join("\n");
}
