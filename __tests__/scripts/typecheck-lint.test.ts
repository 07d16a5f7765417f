import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * scripts/typecheck-lint.js, `npm test`'s tsc and ESLint in one program, run as `npm test` runs
 * it (its own process, in the project's folder) on a project of two files with this
 * repository's ESLint config: each kind of mistake is reported as tsc and `eslint .` report
 * it (the texts below are theirs, checked against the real commands) and fails the step.
 */
const root = join(__dirname, "..", "..");

describe("typecheck-lint: tsc and ESLint from one program", () => {
  const dir = mkdtempSync(join(tmpdir(), "typecheck-lint-"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  copyFileSync(join(root, "eslint.config.mjs"), join(dir, "eslint.config.mjs"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    // The standard library's ES2015 part only, unchecked: the type check of a full lib is most of a small project's CPU.
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "commonjs", strict: true, noEmit: true, skipLibCheck: true, lib: ["ES2015"], types: [] },
      include: ["*.ts"],
    }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The script run in the project as it stands. */
  const run = () => spawnSync(process.execPath, [join(root, "scripts", "typecheck-lint.js")], { cwd: dir, encoding: "utf8" });
  const check = (typed: string, floating: string) => {
    writeFileSync(join(dir, "typed.ts"), typed);
    writeFileSync(join(dir, "floating.ts"), `async function save(): Promise<void> {}\n\nexport function onClick(): void {\n  ${floating}\n}\n`);
    const r = run();
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const typeError = "typed.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.\n";
  const floatingPromise = [
    "",
    join(dir, "floating.ts"),
    "  4:3  error  Promises must be awaited, end with a call to .catch, end with a call to .then with a rejection handler or be explicitly marked as ignored with the `void` operator  @typescript-eslint/no-floating-promises",
    "",
    "✖ 1 problem (1 error, 0 warnings)",
    "",
    "",
  ].join("\n");

  test("a floating promise alone fails the step", () => {
    expect(check("export const count: number = 3;\n", "save();")).toEqual({ status: 1, stdout: floatingPromise, stderr: "" });
  });

  test("a type error and a floating promise: both reported, tsc's first, tsc's exit code; again unchanged: the same, from what was kept; fixed: passes silently; a change of a declaration reaches the files that use it", () => {
    // From nothing kept: every file checked and linted.
    rmSync(join(dir, ".build"), { recursive: true, force: true });
    // TYPECHECK_LINT_STATS=1: the script says on stderr how many files ESLint linted.
    const stats = () =>
      spawnSync(process.execPath, [join(root, "scripts", "typecheck-lint.js")], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, TYPECHECK_LINT_STATS: "1" },
      });
    const linted = (n: number, of: number) => `eslint: ${n} of ${of} files linted, the others' results read from .build/eslint-results.json\n`;
    writeFileSync(join(dir, "floating.ts"), `async function save(): Promise<void> {}\n\nexport function onClick(): void {\n  save();\n}\n`);
    writeFileSync(join(dir, "typed.ts"), 'export const count: number = "three";\n');
    writeFileSync(join(dir, "api.ts"), "export function save(): void {}\n");
    writeFileSync(join(dir, "caller.ts"), 'import { save } from "./api";\n\nexport function onClick(): void {\n  save();\n}\n');
    const first = stats();
    expect([first.status, first.stdout, first.stderr]).toEqual([2, typeError + floatingPromise, linted(4, 4)]);
    expect(existsSync(join(dir, ".build", "tsconfig.tsbuildinfo"))).toBe(true);
    // Nothing changed: tsc reads its message back from its build information (and exits 1,
    // "outputs skipped", where a run that checked exits 2: tsc's own codes, both failing the
    // step), and ESLint's result for floating.ts is read back, the same text, no file linted.
    const again = stats();
    expect([again.status, again.stdout, again.stderr]).toEqual([1, typeError + floatingPromise, linted(0, 4)]);
    // typed.ts and floating.ts fixed, uses.ts new: a clean project passes, silently.
    writeFileSync(join(dir, "typed.ts"), "export const count: number = 3;\n");
    writeFileSync(join(dir, "floating.ts"), `async function save(): Promise<void> {}\n\nexport function onClick(): void {\n  void save();\n}\n`);
    writeFileSync(join(dir, "uses.ts"), 'import { count } from "./typed";\n\nexport const double: number = count * 2;\n');
    const fixed = run();
    expect([fixed.status, fixed.stdout, fixed.stderr]).toEqual([0, "", ""]);
    // Declarations changed under files that are not edited: typed.ts's count becomes a string
    // (tsc's error in uses.ts), api.ts's save() becomes async (ESLint's in caller.ts, linted
    // again because a file it imports changed, though its own text did not); floating.ts, whose
    // text and imports are as they were, is not linted again.
    writeFileSync(join(dir, "typed.ts"), 'export const count: string = "3";\n');
    writeFileSync(join(dir, "api.ts"), "export async function save(): Promise<void> {}\n");
    const changed = stats();
    expect([changed.status, changed.stderr]).toEqual([2, linted(4, 5)]);
    expect(changed.stdout).toBe(
      "uses.ts(3,31): error TS2362: The left-hand side of an arithmetic operation must be of type 'any', 'number', 'bigint' or an enum type.\n" +
        floatingPromise.replace(join(dir, "floating.ts"), join(dir, "caller.ts")),
    );
    for (const f of ["uses.ts", "api.ts", "caller.ts"]) rmSync(join(dir, f));
  });
});
