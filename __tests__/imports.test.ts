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

/** The violations `npm run layers` (.dependency-cruiser.js) finds in a tree of the given files. */
function layerViolations(files: Record<string, string>): Array<{ rule: string; from: string; to: string }> {
  const dir = mkdtempSync(join(tmpdir(), "layers-"));
  try {
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "node", strict: true } }));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const cli = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
    const r = spawnSync(process.execPath, [cli, "--config", join(root, ".dependency-cruiser.js"), "--output-type", "json", "."], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    const violations = JSON.parse(r.stdout).summary.violations as Array<{ rule: { name: string }; from: string; to: string }>;
    return violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })).sort((a, b) => (a.from < b.from ? -1 : 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("layers (npm run lint runs the same check on the sources)", () => {
  test("a module that imports the config, and a config file that imports a stack, are refused", () => {
    expect(
      layerViolations({
        "config/naming.ts": "export const x = 1;\n",
        "config/semantics.ts": 'import { partition } from "../stacks/partition";\nexport const y = partition;\n',
        "stacks/partition.ts": "export const partition = 1;\n",
        "modules/pipeline/gitlab-pipeline.ts": 'import { x } from "../../config/naming";\nexport const z = x;\n',
      }),
    ).toEqual([
      { rule: "config-imports-nothing-above", from: "config/semantics.ts", to: "stacks/partition.ts" },
      { rule: "modules-import-modules-only", from: "modules/pipeline/gitlab-pipeline.ts", to: "config/naming.ts" },
    ]);
  });

  test("modules take concepts, not the YAML's zod types; config may import only the pure rules of modules/core/rules", () => {
    expect(
      layerViolations({
        "modules/core/rules/aws-name.ts": "export const n = 1;\n",
        "modules/iam/role.ts": "export const r = 1;\n",
        "modules/pipeline/p.ts": 'import type { z } from "zod";\nexport type P = z.infer<z.ZodString>;\n',
        "config/naming.ts": 'import { n } from "../modules/core/rules/aws-name";\nimport { r } from "../modules/iam/role";\nexport const x = n + r;\n',
      }).map((v) => ({ rule: v.rule, from: v.from })),
    ).toEqual([
      { rule: "config-imports-nothing-above", from: "config/naming.ts" },
      { rule: "modules-take-concepts-not-the-yaml", from: "modules/pipeline/p.ts" },
    ]);
  });

  test("an import cycle is refused, even through a type-only import", () => {
    const rules = layerViolations({
      "report/a.ts": 'import type { B } from "./b";\nexport type A = B | number;\n',
      "report/b.ts": 'import { a } from "./c";\nexport type B = string;\nexport const b = a;\n',
      "report/c.ts": 'import type { A } from "./a";\nexport const a: A = 1;\n',
    }).map((v) => v.rule);
    expect(new Set(rules)).toEqual(new Set(["no-circular"]));
  });

  test("what the layers allow passes: stacks on modules and config, a module on modules/core", () => {
    expect(
      layerViolations({
        "config/schema.ts": "export type C = string;\n",
        "modules/core/naming.ts": "export const n = 1;\n",
        "modules/pipeline/p.ts": 'import { n } from "../core/naming";\nexport const p = n;\n',
        "stacks/s.ts": 'import { p } from "../modules/pipeline/p";\nimport type { C } from "../config/schema";\nexport const s: C = String(p);\n',
      }),
    ).toEqual([]);
  });
});
