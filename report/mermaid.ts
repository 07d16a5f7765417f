/*
 * A picture of the graph as a Mermaid flowchart (GitLab renders Mermaid in notes and
 * Markdown files): GitLab objects on one side, AWS on the other, an arrow where one object's
 * configuration references another, coloured by planned action. Built from a plan (the
 * changed part, with the references of its `configuration`) or from a synthesized stack
 * (the whole stack). Bounded: above `maxNodes` objects, one box per type and action with a count.
 */
import { classify, sideOf, type Action, type Side } from "./plan-report";

type Json = Record<string, any>;

export interface GraphNode {
  /** Configuration address (instance keys removed), e.g. `aws_iam_role.build`. */
  readonly key: string;
  readonly type: string;
  readonly side: Side;
  /** The strongest planned action over its instances; none for a stack's picture. */
  readonly action?: Action;
  /** Instances (or, once grouped, objects) it stands for. */
  readonly count: number;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** [from, to]: `from`'s configuration references `to`. */
  readonly edges: ReadonlyArray<readonly [string, string]>;
}

const STRENGTH: Action[] = ["no-op", "read", "forget", "update", "create", "delete", "replace"];
const INSTANCE_KEY = /\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g;
const NOT_RESOURCES = new Set(["var", "local", "each", "count", "path", "terraform", "self", "module"]);

/** The changed objects of a plan and the references between them. */
export function planGraph(plan: Json): Graph {
  const nodes = new Map<string, { type: string; side: Side; action: Action; count: number }>();
  for (const c of plan.resource_changes ?? []) {
    if (c?.mode === "data") continue;
    const action = classify(c.change?.actions ?? []);
    if (action === "no-op" || action === "read") continue;
    const address = String(c.address);
    const key = address.includes("[") ? address.replace(INSTANCE_KEY, "") : address;
    const node = nodes.get(key);
    if (node) {
      node.count++;
      if (STRENGTH.indexOf(action) > STRENGTH.indexOf(node.action)) node.action = action;
    } else nodes.set(key, { type: String(c.type), side: sideOf(c), action, count: 1 });
  }
  // What each configured resource references, read only for the objects drawn and the data
  // sources they go through (policy documents), so a role policy reaches the bucket its document names.
  const expressions = new Map<string, { prefix: string; expressions: unknown }>();
  const walk = (module: Json | undefined, prefix: string) => {
    for (const r of module?.resources ?? []) expressions.set(`${prefix}${r.address}`, { prefix, expressions: r.expressions });
    for (const name in module?.module_calls ?? {}) walk(module!.module_calls[name].module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration?.root_module, "");
  const refs = (key: string): string[] => {
    const found = expressions.get(key);
    if (!found) return [];
    const out: string[] = [];
    for (const ref of references(found.expressions)) {
      const target = resourceOf(ref, found.prefix);
      if (target) out.push(target);
    }
    return out;
  };
  return { nodes: [...nodes].map(([key, n]) => ({ key, ...n })), edges: edgesBetween(new Set(nodes.keys()), refs) };
}

const isData = (key: string) => key.startsWith("data.") || key.includes(".data.");

/** [from, to] for each node `from` that references node `to`, directly or through data sources. */
function edgesBetween(nodes: ReadonlySet<string>, refs: (key: string) => readonly string[]): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  for (const from of nodes) {
    // A handful of references each: a list is cheaper than a Set, and keeps each target once.
    const seen: string[] = [];
    const follow = (key: string) => {
      for (const to of refs(key)) {
        if (seen.includes(to)) continue;
        seen.push(to);
        if (isData(to)) follow(to);
        else if (to !== from && nodes.has(to)) edges.push([from, to]);
      }
    };
    follow(from);
  }
  return edges;
}

/** Every resource of a synthesized stack (cdk.tf.json) and the references between them. */
export function stackGraph(stack: Json): Graph {
  const nodes: GraphNode[] = [];
  for (const [type, blocks] of Object.entries<Json>(stack.resource ?? {})) {
    for (const name of Object.keys(blocks)) nodes.push({ key: `${type}.${name}`, type, side: sideOf({ type }), count: 1 });
  }
  const refs = new Map<string, string[]>();
  for (const [section, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, blocks] of Object.entries<Json>(stack[section] ?? {})) {
      for (const [name, body] of Object.entries<Json>(blocks)) {
        const found = strings(body).flatMap((text) =>
          [...text.matchAll(/(?<![\w.-])((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => `${m[1]}.${m[2]}`),
        );
        refs.set(`${prefix}${type}.${name}`, found);
      }
    }
  }
  return { nodes, edges: edgesBetween(new Set(nodes.map((n) => n.key)), (key) => refs.get(key) ?? []) };
}

export interface MermaidOptions {
  /** Above this many objects, one box per type and action. @default 30 */
  readonly maxNodes?: number;
  /** Arrows drawn at most; the rest are counted in a comment. @default 80 */
  readonly maxEdges?: number;
}

const CLASSES: Record<string, string> = {
  create: "fill:#d4f7dc,stroke:#1a7f37,color:#0a3d1a",
  update: "fill:#fff3c4,stroke:#9a6700,color:#3d2a00",
  replace: "fill:#ffd8b5,stroke:#bc4c00,color:#4a1e00",
  delete: "fill:#ffd7d5,stroke:#cf222e,color:#4a0a0e",
  forget: "fill:#eaeef2,stroke:#6e7781,color:#24292f",
};

/** The Mermaid flowchart text of a graph (no code fence). */
export function mermaid(graph: Graph, options: MermaidOptions = {}): string {
  const maxNodes = options.maxNodes ?? 30;
  const maxEdges = options.maxEdges ?? 80;
  const { nodes, edges } = graph.nodes.length > maxNodes ? grouped(graph, maxNodes * 2) : graph;
  // Code-point order (not the locale's), sides in a fixed order: ids follow the printed order.
  const SIDES: Side[] = ["GitLab", "AWS", "Other"];
  const sorted = [...nodes].sort((a, b) => SIDES.indexOf(a.side) - SIDES.indexOf(b.side) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const id = new Map(sorted.map((n, i) => [n.key, `n${i}`]));
  const lines = ["flowchart LR"];
  for (const side of SIDES) {
    const mine = sorted.filter((n) => n.side === side);
    if (mine.length === 0) continue;
    lines.push(`  subgraph ${side.toLowerCase()}["${side}"]`);
    for (const n of mine) lines.push(`    ${id.get(n.key)}["${label(n)}"]${n.action && CLASSES[n.action] ? `:::${n.action}` : ""}`);
    lines.push("  end");
  }
  const drawn = edges
    .map(([a, b]) => [id.get(a), id.get(b)] as const)
    .filter((e): e is readonly [string, string] => Boolean(e[0] && e[1]))
    .sort(([a1, b1], [a2, b2]) => Number(a1.slice(1)) - Number(a2.slice(1)) || Number(b1.slice(1)) - Number(b2.slice(1)));
  for (const [a, b] of drawn.slice(0, maxEdges)) lines.push(`  ${a} --> ${b}`);
  if (drawn.length > maxEdges) lines.push(`  %% ${drawn.length - maxEdges} more references not drawn`);
  const used = new Set(sorted.map((n) => n.action));
  for (const [action, style] of Object.entries(CLASSES)) if (used.has(action as Action)) lines.push(`  classDef ${action} ${style}`);
  return `${lines.join("\n")}\n`;
}

/** The collapsed picture of a plan's changes for the MR note, or "" when nothing changes. */
export function graphSection(plan: Json, options: MermaidOptions = {}): string {
  const graph = planGraph(plan);
  if (graph.nodes.length === 0) return "";
  const objects = graph.nodes.reduce((n, x) => n + x.count, 0);
  return [
    `<details><summary>Picture of the changes (${objects} object${objects > 1 ? "s" : ""}; green created, amber updated, orange replaced, red deleted; an arrow: references)</summary>`,
    "",
    "```mermaid",
    mermaid(graph, options).trimEnd(),
    "```",
    "",
    "</details>",
    "",
  ].join("\n");
}

/** One box per side, type and action, keeping at most `limit` boxes (the smallest merged into one). */
function grouped(graph: Graph, limit: number): Graph {
  const groupOf = new Map<string, string>();
  const groups = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    const key = `${n.type}${n.action ? ` (${n.action})` : ""}`;
    groupOf.set(n.key, key);
    const g = groups.get(key);
    groups.set(key, { key, type: n.type, side: n.side, action: n.action, count: (g?.count ?? 0) + n.count });
  }
  let nodes = [...groups.values()];
  if (nodes.length > limit) {
    const keep = new Set(
      [...nodes]
        .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
        .slice(0, limit - 1)
        .map((n) => n.key),
    );
    const rest = nodes.filter((n) => !keep.has(n.key));
    const other = { key: "other", type: `${rest.length} other types`, side: "Other" as Side, count: rest.reduce((s, n) => s + n.count, 0) };
    for (const [k, g] of groupOf) if (!keep.has(g)) groupOf.set(k, other.key);
    nodes = [...nodes.filter((n) => keep.has(n.key)), other];
  }
  const edges = graph.edges.map(([a, b]) => [groupOf.get(a)!, groupOf.get(b)!] as [string, string]).filter(([a, b]) => a !== b);
  return { nodes, edges: dedupe(edges) };
}

const DONE: Partial<Record<Action, string>> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", forget: "forgotten" };

function label(n: GraphNode): string {
  const grouped = n.key === n.type || n.key.startsWith(`${n.type} (`) || n.key === "other";
  const count = n.action && DONE[n.action] ? `<br/>${n.count} ${DONE[n.action]}` : ` ×${n.count}`;
  const text = grouped ? `${n.type}${count}` : `${n.type}<br/>${shortName(n.key)}${n.count > 1 ? ` ×${n.count}` : ""}`;
  return text.replace(/"/g, "#quot;");
}

/** The address without its type, and without cdktf's 8-character hash suffix. */
function shortName(key: string): string {
  const parts = key.split(".");
  return [...parts.slice(0, -2), parts.at(-1)!.replace(/_[0-9A-F]{8}$/, "")].join(".");
}

/** Every `references` entry anywhere in a resource's configuration expressions. */
function references(expressions: unknown): string[] {
  const out: string[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) for (const v of x) visit(v);
    else if (x && typeof x === "object") {
      for (const k in x) {
        const v = (x as Json)[k];
        if (k === "references" && Array.isArray(v)) {
          for (const r of v) if (typeof r === "string") out.push(r);
        } else if (v && typeof v === "object") visit(v);
      }
    }
  };
  visit(expressions);
  return out;
}

/** The resource (or `data.` source) a reference names, under the module prefix; none for variables, locals, modules. */
function resourceOf(ref: string, prefix: string): string | undefined {
  // `type.name[…].attr…` or `data.type.name…`: cut at the second (third) dot or bracket.
  const data = ref.startsWith("data.");
  const start = data ? 5 : 0;
  const dot = ref.indexOf(".", start);
  if (dot <= start) return undefined;
  const type = ref.slice(start, dot);
  if (!data && NOT_RESOURCES.has(type)) return undefined;
  let end = dot + 1;
  while (end < ref.length && ref[end] !== "." && ref[end] !== "[") end++;
  if (end === dot + 1 || !/^[a-z][a-z0-9_]*$/.test(type)) return undefined;
  return `${prefix}${data ? "data." : ""}${type}.${ref.slice(dot + 1, end)}`;
}

function strings(x: unknown): string[] {
  if (typeof x === "string") return [x];
  if (Array.isArray(x)) return x.flatMap(strings);
  if (x && typeof x === "object") return Object.entries(x).flatMap(([k, v]) => (k === "//" ? [] : strings(v)));
  return [];
}

function dedupe(edges: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const seen = new Map<string, Set<string>>();
  const out: Array<[string, string]> = [];
  for (const [a, b] of edges) {
    let targets = seen.get(a);
    if (!targets) seen.set(a, (targets = new Set()));
    if (!targets.has(b)) {
      targets.add(b);
      out.push([a, b]);
    }
  }
  return out;
}
