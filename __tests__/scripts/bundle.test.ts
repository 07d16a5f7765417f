/*
 * scripts/bundle.js: the cdktf app's and the command line's bundles are rebuilt when any file
 * they were made of changes, in whatever folder (esbuild's metafile lists them), and only then.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

interface BundleOptions {
  readonly root: string;
  readonly entry: string;
  readonly outfile: string;
}
const { freshBundle, metafileOf } = require("../../scripts/bundle") as {
  freshBundle: (options: BundleOptions) => boolean;
  metafileOf: (outfile: string) => string;
};

const root = join(__dirname, "..", "..");

describe("a bundle is rebuilt from its metafile's inputs", () => {
  let dir: string;
  let options: BundleOptions;
  /** Writes a file of the little project, `secondsAgo` old. */
  const write = (file: string, text: string, secondsAgo = 60) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
    const then = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(dir, file), then, then);
  };
  const run = () => {
    delete require.cache[options.outfile];
    return (require(options.outfile) as { answer: string }).answer;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bundle-"));
    options = { root: dir, entry: "main.ts", outfile: join(dir, ".build", "main.js") };
    write("main.ts", 'import { part } from "./lib/part";\nexport const answer: string = part;\n');
    write("lib/part.ts", 'import { deep } from "../elsewhere/deep/value";\nexport const part = `part+${deep}`;\n');
    write("elsewhere/deep/value.ts", 'export const deep = "v1";\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("built once, with its metafile beside it naming every input; not again while nothing changed", () => {
    expect(freshBundle(options)).toBe(true);
    expect(run()).toBe("part+v1");
    const inputs = Object.keys(JSON.parse(readFileSync(metafileOf(options.outfile), "utf8")).inputs).sort();
    expect(inputs).toEqual(["elsewhere/deep/value.ts", "lib/part.ts", "main.ts"]);
    expect(freshBundle(options)).toBe(false);
  });

  test("a file changed in any folder it imports from, however deep, rebuilds it", () => {
    freshBundle(options);
    const built = new Date(Date.now() - 30_000);
    utimesSync(options.outfile, built, built);
    write("elsewhere/deep/value.ts", 'export const deep = "v2";\n', 10);
    expect(freshBundle(options)).toBe(true);
    expect(run()).toBe("part+v2");
    expect(freshBundle(options)).toBe(false);
  });

  test("a file it does not import changes nothing", () => {
    freshBundle(options);
    write("unrelated/other.ts", "export const x = 1;\n", -5);
    expect(freshBundle(options)).toBe(false);
  });

  test("a missing bundle or metafile, or an input gone, rebuilds it", () => {
    freshBundle(options);
    rmSync(metafileOf(options.outfile));
    expect(freshBundle(options)).toBe(true);
    rmSync(options.outfile);
    expect(freshBundle(options)).toBe(true);
    // main.ts no longer imports lib/part.ts, which is gone.
    rmSync(join(dir, "lib", "part.ts"));
    write("main.ts", 'export const answer: string = "alone";\n');
    expect(freshBundle(options)).toBe(true);
    expect(run()).toBe("alone");
  });

  test("the bundle's time is when its build began: a source saved during the build is newer", () => {
    const before = Date.now();
    freshBundle(options);
    expect(statSync(options.outfile).mtimeMs).toBeLessThanOrEqual(statSync(metafileOf(options.outfile)).mtimeMs);
    expect(Math.abs(statSync(options.outfile).mtimeMs - before)).toBeLessThan(5000);
  });
});

describe("the app's and the command line's bundles", () => {
  const out = mkdtempSync(join(tmpdir(), "bundle-real-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const inputsOf = (entry: string, name: string) => {
    const outfile = join(out, name);
    freshBundle({ root, entry, outfile });
    return Object.keys(JSON.parse(readFileSync(metafileOf(outfile), "utf8")).inputs);
  };

  test("the cdktf app's (main.ts) inputs include report/ and policy/, which its old folder list missed", () => {
    const inputs = inputsOf("main.ts", "main.js");
    expect(inputs).toEqual(
      expect.arrayContaining(["main.ts", "app/run-synth.ts", "report/ci-policies.ts", "policy/refs.ts", "modules/core/rules/aws-name.ts"]),
    );
  });

  test("the command line's (cli/main.ts) inputs include its subcommands' code and package.json", () => {
    const inputs = inputsOf("cli/main.ts", "cli.js");
    expect(inputs).toEqual(expect.arrayContaining(["cli/main.ts", "scripts/tf-check.ts", "bench/synth.ts", "report/plan-report.ts", "package.json"]));
  });
});
