/*
 * scripts/lazy-requires.js: archiver (required by cdktf's fs.js) and the provider bindings our
 * bundles name are stand-ins that load the module at first use. Run as the app and the CLI run
 * it, in processes of their own (the hook is node's module loader, which jest does not use).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const lazyRequires = join(root, "scripts", "lazy-requires.js");

/** Runs `code` in a node process in the project's folder; what it printed, parsed. */
function node(code: string): any {
  const r = spawnSync(process.execPath, ["-e", code], { cwd: root, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * Loads cdktf (with the stand-ins when `defer`), notes whether archiver is loaded, then zips one
 * file with what cdktf's fs.js gets for "archiver" and prints the zip, in base64.
 */
const zipThroughCdktf = (defer: boolean) => `
  const { sep } = require("node:path");
  const { PassThrough } = require("node:stream");
  if (${defer}) require(${JSON.stringify(lazyRequires)}).deferRequires(".build");
  require("cdktf");
  const loaded = () => Object.keys(require.cache).some((f) => f.includes(sep + "archiver" + sep));
  const atLoad = loaded();
  const archiver = require.cache[require.resolve("cdktf/lib/private/fs")].require("archiver");
  const afterRequire = loaded();
  const zip = archiver("zip", { zlib: { level: 9 } });
  const chunks = [];
  zip.pipe(new PassThrough()).on("data", (c) => chunks.push(c)).on("end", () =>
    console.log(JSON.stringify({ atLoad, afterRequire, afterCall: loaded(), zip: Buffer.concat(chunks).toString("base64") })),
  );
  zip.append("exports.handler = async () => 1;\\n", { name: "index.js", date: new Date(0) });
  zip.finalize();
`;

test("cdktf loads without archiver; the stand-in loads it at the first call, and zips byte for byte as archiver does", () => {
  const deferred = node(zipThroughCdktf(true));
  const plain = node(zipThroughCdktf(false));
  expect(plain.atLoad).toBe(true);
  expect(deferred).toEqual({ atLoad: false, afterRequire: false, afterCall: true, zip: plain.zip });
  expect(Buffer.from(deferred.zip, "base64").subarray(0, 4).toString("hex")).toBe("504b0304");
});

test("lazyModule forwards calls, construction, property reads and `in`, and loads once, at the first of them", () => {
  const out = node(`
    const { lazyModule } = require(${JSON.stringify(lazyRequires)});
    let loads = 0;
    class Real { constructor(x) { this.x = x; } }
    const real = Object.assign((a, b) => a + b, { Real, version: "1.2.3" });
    const lazy = lazyModule(() => (loads++, real));
    const before = loads;
    console.log(JSON.stringify({ before, sum: lazy(2, 3), made: new lazy.Real(7).x, version: lazy.version, has: "Real" in lazy, loads }));
  `);
  expect(out).toEqual({ before: 0, sum: 5, made: 7, version: "1.2.3", has: true, loads: 1 });
});

describe("the app", () => {
  const dir = mkdtempSync(join(tmpdir(), "lazy-requires-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** Prints, at exit, which of archiver's and the bindings' modules the process loaded. */
  const report = join(dir, "report.js");
  writeFileSync(
    report,
    `process.on("exit", () => console.error(JSON.stringify(Object.keys(require.cache).filter((f) => /\\/(archiver|provider-(aws|gitlab)\\/lib\\/[^/]+)\\/index\\.js$/.test(f)).map((f) => f.split("node_modules/").pop()))));\n`,
  );

  /** The block a binding makes: @cdktf/provider-aws/lib/data-aws-region/index.js → data.aws_region. */
  function blockOf(binding: string): string {
    const [, provider, name] = /provider-(aws|gitlab)\/lib\/([^/]+)\//.exec(binding)!;
    if (name === "provider") return `provider.${provider}`;
    const data = name.startsWith(`data-${provider}-`);
    const type = (data ? name.slice(5) : `${provider}-${name}`).replace(/-/g, "_");
    return `${data ? "data" : "resource"}.${type}`;
  }
  /** The providers', resources' and data sources' types in the stacks written. */
  function blocksIn(files: Record<string, string>): string[] {
    const blocks = new Set<string>();
    for (const [f, text] of Object.entries(files)) {
      if (!f.endsWith("cdk.tf.json")) continue;
      const json = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
      for (const section of ["provider", "resource", "data"]) for (const type of Object.keys(json[section] ?? {})) blocks.add(`${section}.${type}`);
    }
    blocks.delete("data.terraform_remote_state");
    return [...blocks].sort();
  }

  /** The app on an example, as cdktf runs it (scripts/run-app.js) or its bundle alone; what it loaded and wrote. */
  function synth(example: string, how: "app" | "bundle"): { loaded: string[]; files: Record<string, string> } {
    const outdir = join(dir, `${example}-${how}`);
    const entry = how === "app" ? join(root, "scripts", "run-app.js") : join(root, ".build", "main.js");
    const r = spawnSync(process.execPath, ["-r", report, entry], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_CONFIG: join(root, example), CDKTF_OUTDIR: outdir },
    });
    expect(r.status).toBe(0);
    const files: Record<string, string> = {};
    for (const f of readdirSync(outdir, { recursive: true, encoding: "utf8" }).sort())
      if (statSync(join(outdir, f)).isFile()) files[f] = readFileSync(join(outdir, f)).toString("base64");
    return { loaded: JSON.parse(r.stderr.trim().split("\n").pop()!), files };
  }

  test.each(["delivery.yaml", "examples/environments.yaml"])(
    "%s: loads no archiver and only the bindings it makes, and writes what its bundle loaded whole writes, byte for byte",
    (example) => {
      const app = synth(example, "app");
      const whole = synth(example, "bundle");
      expect(app.files).toEqual(whole.files);
      expect(whole.loaded.filter((m) => m.includes("archiver"))).not.toEqual([]);
      expect(app.loaded.filter((m) => m.includes("archiver"))).toEqual([]);
      // The bindings loaded are those of the blocks written: the bundle alone loads more.
      expect(
        app.loaded
          .filter((m) => !m.includes("archiver"))
          .map(blockOf)
          .sort(),
      ).toEqual(blocksIn(app.files));
      expect(app.loaded.length).toBeLessThan(whole.loaded.length);
      // The commit-status Lambda, its zip made by cdktf's own process: only where a project has statusOnGitlab.
      const lambda = "@cdktf/provider-aws/lib/lambda-function/index.js";
      expect(app.loaded.includes(lambda)).toBe(example.includes("environments"));
      expect(Object.keys(app.files).some((f) => f.endsWith(".zip"))).toBe(example.includes("environments"));
    },
  );
});
