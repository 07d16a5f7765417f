import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

const root = join(__dirname, "..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

describe("provider imports", () => {
  test("provider classes come from their submodule, never a provider's root index (10x slower, 8x memory)", () => {
    const offenders = tsFiles(root)
      .filter((f) => /from ["']@cdktf\/provider-(aws|gitlab)["']|require\(["']@cdktf\/provider-(aws|gitlab)["']\)/.test(readFileSync(f, "utf8")))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
    expect(tsFiles(join(root, "modules")).length).toBeGreaterThan(10);
  });
});

describe("stacks/ is composition only", () => {
  test("no resource or data source is declared in stacks/: of the provider bindings it imports the providers alone", () => {
    const imports = tsFiles(join(root, "stacks")).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/from ["'](@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+)["']/g)].map((m) => `${relative(root, f)}: ${m[1]}`),
    );
    expect(imports.filter((i) => !/\/lib\/provider$/.test(i))).toEqual([]);
    expect(imports.length).toBeGreaterThan(0);
  });
});

type Tree = Record<string, string>;
interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

/** The violations `npm run layers` (.dependency-cruiser.js) finds in trees of the given files, each tree in a folder of its own, one process for all. */
function layerViolations<K extends string>(trees: Record<K, Tree>): Record<K, Violation[]> {
  const base = mkdtempSync(join(tmpdir(), "layers-"));
  try {
    const dirs = Object.keys(trees).map((name) => {
      const dir = join(base, name);
      mkdirSync(dir);
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "node", strict: true } }));
      for (const [file, text] of Object.entries(trees[name as K])) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      return dir;
    });
    const r = spawnSync(process.execPath, [join(__dirname, "layers-cruise.mjs"), ...dirs], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const found = JSON.parse(r.stdout) as Record<string, Array<{ rule: { name: string }; from: string; to: string }>>;
    return Object.fromEntries(
      Object.keys(trees).map((name, i) => [
        name,
        found[dirs[i]].map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })).sort((a, b) => (a.from < b.from ? -1 : 1)),
      ]),
    ) as Record<K, Violation[]>;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const trees = {
  refused: {
    "config/naming.ts": "export const x = 1;\n",
    "config/semantics.ts": 'import { partition } from "../stacks/partition";\nexport const y = partition;\n',
    "stacks/partition.ts": "export const partition = 1;\n",
    "modules/pipeline/gitlab-pipeline.ts": 'import { x } from "../../config/naming";\nexport const z = x;\n',
  },
  concepts: {
    "modules/core/rules/aws-name.ts": "export const n = 1;\n",
    "modules/iam/role.ts": "export const r = 1;\n",
    "modules/pipeline/p.ts": 'import type { z } from "zod";\nexport type P = z.infer<z.ZodString>;\n',
    "config/naming.ts": 'import { n } from "../modules/core/rules/aws-name";\nimport { r } from "../modules/iam/role";\nexport const x = n + r;\n',
  },
  cycle: {
    "report/a.ts": 'import type { B } from "./b";\nexport type A = B | number;\n',
    "report/b.ts": 'import { a } from "./c";\nexport type B = string;\nexport const b = a;\n',
    "report/c.ts": 'import type { A } from "./a";\nexport const a: A = 1;\n',
  },
  allowed: {
    "config/schema.ts": "export type C = string;\n",
    "modules/core/naming.ts": "export const n = 1;\n",
    "modules/pipeline/p.ts": 'import { n } from "../core/naming";\nexport const p = n;\n',
    "stacks/s.ts": 'import { p } from "../modules/pipeline/p";\nimport type { C } from "../config/schema";\nexport const s: C = String(p);\n',
  },
} satisfies Record<string, Tree>;

describe("layers (npm run lint runs the same check on the sources)", () => {
  let found: Record<keyof typeof trees, Violation[]>;
  beforeAll(() => {
    found = layerViolations(trees);
  });

  test("a module that imports the config, and a config file that imports a stack, are refused", () => {
    expect(found.refused).toEqual([
      { rule: "config-imports-nothing-above", from: "config/semantics.ts", to: "stacks/partition.ts" },
      { rule: "modules-import-modules-only", from: "modules/pipeline/gitlab-pipeline.ts", to: "config/naming.ts" },
    ]);
  });

  test("modules take concepts, not the YAML's zod types; config may import only the pure rules of modules/core/rules", () => {
    expect(found.concepts.map((v) => ({ rule: v.rule, from: v.from }))).toEqual([
      { rule: "config-imports-nothing-above", from: "config/naming.ts" },
      { rule: "modules-take-concepts-not-the-yaml", from: "modules/pipeline/p.ts" },
    ]);
  });

  test("an import cycle is refused, even through a type-only import", () => {
    expect(new Set(found.cycle.map((v) => v.rule))).toEqual(new Set(["no-circular"]));
  });

  test("what the layers allow passes: stacks on modules and config, a module on modules/core", () => {
    expect(found.allowed).toEqual([]);
  });
});
