/*
 * Property-based config fuzzing: 1,000 mutations of the example configs per run in `npm test`,
 * 200 in `npm run test:unit` (jest.unit.config.js sets FUZZ_RUNS; set it by hand to choose),
 * with a fixed seed (printed by fast-check on failure; FUZZ_SEED overrides it). Each mutated
 * config must either synthesize cleanly or fail with a ConfigError whose every line names a
 * field and says something, and must never leave output behind on failure.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ConfigError } from "../../config/errors";
import { parseConfig } from "../../config/load";
import { exampleConfigs } from "../../scripts/tf-check";
import { synthesizeConfig } from "../../app/synth-tree";
import { ValidationError } from "../../stacks/validation-error";
import { NOW } from "../helpers";

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const bases: unknown[] = exampleConfigs().map((f) => parse(readFileSync(f, "utf8")));

type Path = Array<string | number>;

const KEY = String.raw`(?:[A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const FIELD_LINE = new RegExp(
  String.raw`^ {2}(?:${KEY}(?:\.[A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: \S|(?:unknown key|expected |YAML syntax: |the file is empty )\S*)`,
);

function paths(value: unknown, at: Path = []): Path[] {
  const here: Path[] = [at];
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => paths(v, [...at, i])));
  if (value && typeof value === "object") return here.concat(Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k])));
  return here;
}

const oddStrings = fc.constantFrom(
  "",
  " ",
  "x".repeat(100_000),
  "🚀 ünïcödé 漢字",
  "acme/app/-/tree/main",
  "https://gitlab.com/acme/app",
  "acme/app.git",
  "/acme//app/",
  "eu-west-99",
  "me-central-1",
  "cn-north-1",
  "us-gov-west-1",
  "2020-01-01",
  "2027-13-45",
  "9999-12-31",
  "tomorrow",
  "${aws_kms_key.x.arn}",
  "%{ if true }x%{ endif }",
  "main..x",
  "CODEBUILD_X",
  "null",
);
const anyValue = fc.oneof(
  oddStrings,
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
);

type Mutation = { kind: "set"; pick: number; value: unknown } | { kind: "delete"; pick: number } | { kind: "add"; pick: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("add" as const),
    pick: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("extra", "Name", "projectz")),
    value: anyValue,
  }),
);

function apply(base: unknown, mutations: Mutation[]): unknown {
  let doc: any = structuredClone(base);
  for (const m of mutations) {
    const all = paths(doc);
    const path = all[m.pick % all.length];
    if (path.length === 0) {
      if (m.kind === "set") doc = structuredClone(m.value);
      continue;
    }
    const parent = path.slice(0, -1).reduce((o: any, k) => o[k], doc);
    const key = path[path.length - 1];
    // Values are cloned: fast-check hands out the same object more than once, and putting
    // one inside itself would make a cycle that no YAML file can hold.
    if (m.kind === "set") parent[key] = structuredClone(m.value);
    else if (m.kind === "delete") Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
    else {
      const target = parent[key];
      if (target && typeof target === "object" && !Array.isArray(target)) target[m.key] = structuredClone(m.value);
    }
  }
  return doc;
}

describe("config fuzzing", () => {
  const root = mkdtempSync(join(tmpdir(), "delivery-fuzz-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let synthesized = 0;
  let refused = 0;

  test(`${RUNS} mutated configs: a clean synth or one clear error per problem, never a crash or half-written output (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (baseIndex, mutations) => {
        const text = stringify(apply(bases[baseIndex], mutations));
        const outdir = join(root, `case-${synthesized + refused}`, "cdktf.out");
        try {
          const { config } = parseConfig(text, "fuzz.yaml", NOW);
          synthesizeConfig(config, outdir);
          expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
          synthesized++;
        } catch (e) {
          if (!(e instanceof ConfigError || e instanceof ValidationError)) throw e;
          expect(existsSync(outdir)).toBe(false);
          const lines = e.message.split("\n").slice(1);
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) {
            // "  <path>: <message>", or a whole-file problem that says so.
            expect(line).toMatch(FIELD_LINE);
            expect(line).not.toMatch(/undefined|\[object Object\]|NaN/);
            expect(line.length).toBeLessThan(2000);
          }
          refused++;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(`config fuzzing: ${RUNS} cases (seed ${SEED}): ${synthesized} synthesized, ${refused} refused with a clear error`);
    expect(synthesized).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
