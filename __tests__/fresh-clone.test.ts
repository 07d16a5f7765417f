/*
 * A fresh clone has nothing beside it: no test, script or configuration may read a folder
 * outside the repository (the shared research folder exists only next to a CI checkout).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..");
const tracked = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => /\.(ts|js|mjs|json|ya?ml|sh)$|^\.ci\/|^package\.json$/.test(f) && !f.startsWith("__tests__/fixtures/") && f !== "package-lock.json")
  // A file deleted in the work tree but not yet in a commit is listed by git; it reads nothing.
  .filter((f) => existsSync(join(root, f)));

test("no file reads the research folder beside the repository", () => {
  const outside = /\.\.\/shared\/|["']\.\.["'],\s*["']shared["']|["']\.\.["'],\s*["']\.\.["'],\s*["']\.\.["'],\s*["']shared["']/;
  const offenders = tracked.filter((f) => outside.test(readFileSync(join(root, f), "utf8")));
  expect(offenders).toEqual([]);
});

test("the plan fixtures the report tests read are in the repository, with their provenance", () => {
  const sources = readFileSync(join(root, "__tests__", "fixtures", "plans", "SOURCES.md"), "utf8");
  expect(sources).toContain("Licences:");
  expect(tracked.length).toBeGreaterThan(50);
});

test("the README's first command installs, then synthesizes with the project's own synth command (cli/synth.test.ts: cdktf synth's bytes)", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const first = /^```sh\n([^\n]*)/m.exec(readme)![1];
  expect(first.replace(/#.*/, "").trim()).toBe("npm ci && npx gitlab-aws-delivery synth");
  expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin).toEqual({ "gitlab-aws-delivery": "bin/gitlab-aws-delivery.js" });
});
