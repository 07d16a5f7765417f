import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseConfig } from "../config/load";
import { DeliveryConfig } from "../config/schema";
import { withResolveFastPath } from "../app/resolve-fast-path";
import { withQuietTokenTraces } from "../app/quiet-token-traces";
import { buildApp, validateTree } from "../stacks/app";

/** Fixed clock: tests never depend on the day they run. */
export const NOW = new Date("2026-11-25T12:00:00Z");

type Raw = Record<string, any>;

/** A minimal valid raw configuration (what a user would write), with overrides merged in. */
export function rawConfig(overrides: Raw = {}): Raw {
  return {
    name: "acme-delivery",
    aws: { region: "eu-west-1", defaultTags: { team: "platform" } },
    connection: { name: "acme-gitlab" },
    projects: [{ path: "acme/platform/payments-api", deployToken: { expiresAt: "2027-06-30" } }],
    ...overrides,
  };
}

/** A raw project entry with overrides. */
export function rawProject(overrides: Raw = {}): Raw {
  return { path: "acme/platform/payments-api", deployToken: { expiresAt: "2027-06-30" }, ...overrides };
}

export function config(raw: Raw = rawConfig()): DeliveryConfig {
  return parseConfig(stringify(raw), "delivery.yaml", NOW).config;
}

/** The problem lines of the error a raw configuration raises ([] when it is valid). */
export function problems(raw: Raw): string[] {
  try {
    parseConfig(stringify(raw), "delivery.yaml", NOW);
    return [];
  } catch (e) {
    return (e as Error).message
      .split("\n")
      .slice(1)
      .map((l) => l.trim());
  }
}

export interface Synthesized {
  readonly text: string;
  readonly json: Raw;
}

/**
 * Synthesizes every stack of a configuration as `cdktf synth` does (validations on, the
 * whole app at once, so cross-stack references resolve), by stack name.
 */
export function synthAll(raw: Raw = rawConfig()): { shared: Synthesized; stacks: Record<string, Synthesized> } {
  const outdir = mkdtempSync(join(tmpdir(), "delivery-test-"));
  try {
    // As the app synthesizes (app/synth-tree.ts): without cdktf's per-token stack traces, and
    // through its resolve fast path (which __tests__/app/resolve-fast-path.test.ts compares with cdktf's own).
    const { shared, stacks } = withQuietTokenTraces(() => {
      const built = buildApp(config(raw), { outdir, finalOutdir: "cdktf.out" });
      validateTree(built.app);
      withResolveFastPath(() => built.app.synth());
      return built;
    });
    const read = (name: string): Synthesized => {
      const text = readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8");
      return { text, json: JSON.parse(text) };
    };
    return { shared: read(shared.node.id), stacks: Object.fromEntries(stacks.map((s) => [s.node.id, read(s.node.id)])) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes a configuration whose projects all fall into one stack; returns that stack
 * (text and parsed JSON) and the shared stack.
 */
export function synth(raw: Raw = rawConfig()): Synthesized & { shared: Synthesized } {
  const { shared, stacks } = synthAll(raw);
  const names = Object.keys(stacks);
  if (names.length !== 1) throw new Error(`expected one projects stack, got ${names.join(", ")}`);
  return { ...stacks[names[0]], shared };
}

/** How a projects stack reads the shared connection's ARN (a cdktf cross-stack reference). */
export function connectionArnRef(shared: Raw, sharedName = "acme-delivery-shared"): string {
  const conn = only(shared, "aws_codeconnections_connection").name;
  const [key] = Object.entries(shared.output).find(
    ([k, o]: [string, any]) => k.startsWith("cross-stack-output-") && o.value === `\${aws_codeconnections_connection.${conn}.arn}`,
  )!;
  return `\${data.terraform_remote_state.cross-stack-reference-input-${sharedName}.outputs.${key}}`;
}

/** The single block of a resource type (fails the test when there is not exactly one). */
/** A block without cdktf's "//" metadata (construct path, unique id). */
export function withoutMetadata(body: Raw): Raw {
  const { "//": _metadata, ...rest } = body;
  return rest;
}

/** The single block of a type (fails the test when there is not exactly one). */
export function only(json: Raw, type: string, section: "resource" | "data" = "resource"): { name: string; body: Raw } {
  const blocks = Object.entries(json[section]?.[type] ?? {});
  if (blocks.length !== 1) throw new Error(`expected one ${section}.${type}, found ${blocks.length}`);
  const [name, body] = blocks[0] as [string, Raw];
  return { name, body: withoutMetadata(body) };
}

/**
 * The block of a type whose construct path contains `fragment` (`acme__a/Pipeline/Role`);
 * the logical id is that path joined with "_" and a hash.
 */
export function byPath(json: Raw, type: string, fragment: string, section: "resource" | "data" = "resource"): { name: string; body: Raw } {
  const pattern = new RegExp(`^${fragment.replace(/\//g, "_")}_[0-9A-F]{8}$`);
  const hits = Object.entries(json[section]?.[type] ?? {}).filter(([name]) => pattern.test(name));
  if (hits.length !== 1) throw new Error(`expected one ${section}.${type} at *${fragment}*, found ${hits.length}`);
  const [name, body] = hits[0] as [string, Raw];
  return { name, body: withoutMetadata(body) };
}

/** Statements of the policy document at a construct path, keyed by sid. */
export function statements(json: Raw, fragment: string): Record<string, Raw> {
  const doc = byPath(json, "aws_iam_policy_document", fragment, "data").body;
  return Object.fromEntries((doc.statement as Raw[]).map((s) => [s.sid, s]));
}
