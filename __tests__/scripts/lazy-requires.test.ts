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

test("lazyModule forwards calls, property reads and `in`, loads once, at the first of them, and throws a failed load's error again", () => {
  const out = node(`
    const { lazyModule } = require(${JSON.stringify(lazyRequires)});
    let loads = 0;
    class Real { constructor(x) { this.x = x; } }
    const real = Object.assign((a, b) => a + b, { Real, version: "1.2.3" });
    const lazy = lazyModule(() => (loads++, real));
    const before = loads;
    const used = { sum: lazy(2, 3), made: new lazy.Real(7).x, version: lazy.version, has: "Real" in lazy };
    let failures = 0;
    const broken = lazyModule(() => { failures++; throw new Error("cannot load"); });
    const errors = [];
    for (let i = 0; i < 2; i++) try { broken.anything; } catch (e) { errors.push(e); }
    console.log(JSON.stringify({ before, ...used, loads, failures, messages: errors.map((e) => e.message), same: errors[0] === errors[1] }));
  `);
  expect(out).toEqual({ before: 0, sum: 5, made: 7, version: "1.2.3", has: true, loads: 1, failures: 1, messages: ["cannot load", "cannot load"], same: true });
});

describe("the app and the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "lazy-requires-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A preload that writes, at exit, which of archiver's and the bindings' modules the process loaded, to LAZY_REPORT. */
  const report = join(dir, "report.js");
  writeFileSync(
    report,
    String.raw`
      const { sep } = require("node:path");
      const binding = /[\/](archiver|provider-(aws|gitlab)[\/]lib[\/][^\/]+)[\/]index\.js$/;
      process.on("exit", () => {
        const loaded = Object.keys(require.cache).filter((f) => binding.test(f)).map((f) => f.split("node_modules").pop().split(sep).join("/").slice(1));
        require("node:fs").writeFileSync(process.env.LAZY_REPORT, JSON.stringify(loaded));
      });
    `,
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

  /** An example synthesized: by the app as cdktf runs it, by the command line, or by the app's bundle alone; what it loaded and wrote. */
  function synth(example: string, how: "app" | "cli" | "bundle"): { loaded: string[]; files: Record<string, string> } {
    const outdir = join(dir, `${example.replace("/", "-")}-${how}`);
    const args = {
      app: [join(root, "scripts", "run-app.js")],
      cli: [join(root, "bin", "gitlab-aws-delivery.js"), "synth"],
      bundle: [join(root, ".build", "main.js")],
    }[how];
    const loadedFile = `${outdir}.json`;
    const r = spawnSync(process.execPath, ["-r", report, ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_CONFIG: join(root, example), CDKTF_OUTDIR: outdir, LAZY_REPORT: loadedFile },
    });
    if (r.status !== 0) throw new Error(`${how} exited ${r.status}: ${r.stderr}`);
    const files: Record<string, string> = {};
    for (const f of readdirSync(outdir, { recursive: true, encoding: "utf8" }).sort())
      if (statSync(join(outdir, f)).isFile()) files[f] = readFileSync(join(outdir, f)).toString("base64");
    return { loaded: JSON.parse(readFileSync(loadedFile, "utf8")), files };
  }

  test.each(["delivery.yaml", "examples/environments.yaml"])(
    "%s: no archiver and only the bindings of the blocks written are loaded, and the output is byte for byte that of the bundle loaded whole",
    (example) => {
      const whole = synth(example, "bundle");
      expect(whole.loaded.filter((m) => m.includes("archiver"))).not.toEqual([]);
      for (const how of ["app", "cli"] as const) {
        const run = synth(example, how);
        expect(run.files).toEqual(whole.files);
        expect(run.loaded.filter((m) => m.includes("archiver"))).toEqual([]);
        // The bindings loaded are those of the blocks written: the bundle alone loads more.
        expect(run.loaded.map(blockOf).sort()).toEqual(blocksIn(run.files));
        expect(run.loaded.length).toBeLessThan(whole.loaded.length);
      }
      // The commit-status Lambda, its zip made by cdktf's own process: only where a project has statusOnGitlab.
      expect(Object.keys(whole.files).some((f) => f.endsWith(".zip"))).toBe(example.includes("environments"));
    },
  );

  test("both bundles read each binding only as a property, which is all its stand-in forwards (no namespace import, no export *)", () => {
    for (const bundle of ["main.js", "cli.js"]) {
      const code = readFileSync(join(root, ".build", bundle), "utf8");
      const names = [...code.matchAll(/\b(\w+) = require\("@cdktf\/provider-(?:aws|gitlab)\/lib\/[^"]+"\)/g)].map((m) => m[1]);
      expect(names.length).toBeGreaterThan(20);
      // Every require of a binding is such an assignment.
      expect(code.match(/require\("@cdktf\/provider-/g)!.length).toBe(names.length);
      for (const name of names) {
        // Declared (`var a, import_x, b;`), assigned from the require, or read as `import_x.Name`: nothing else.
        const uses = [...code.matchAll(new RegExp(`\\b${name}\\b(?!\\.\\w| = require\\()`, "g"))];
        const declarations = [...code.matchAll(new RegExp(`^\\s*var [^;]*\\b${name}\\b[^;]*;$`, "gm"))];
        expect({ name, bundle, uses: uses.length }).toEqual({ name, bundle, uses: declarations.length });
      }
    }
  });
});
