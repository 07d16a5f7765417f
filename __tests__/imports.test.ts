import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

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
