/*
 * scripts/lazy-archiver.js: cdktf's fs.js gets a stand-in for archiver, which loads it at first
 * use. Run as the app and the CLI run it, in processes of their own (the hook is node's module
 * loader, which jest does not use).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const lazyArchiver = join(root, "scripts", "lazy-archiver.js");

/** Runs `code` in a node process in the project's folder; what it printed, parsed. */
function node(code: string, env: NodeJS.ProcessEnv = {}): any {
  const r = spawnSync(process.execPath, ["-e", code], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * Loads cdktf (with the stand-in when `defer`), notes whether archiver is loaded, then zips one
 * file with what cdktf's fs.js gets for "archiver" and prints the zip, in base64.
 */
const zipThroughCdktf = (defer: boolean) => `
  const { sep } = require("node:path");
  const { PassThrough } = require("node:stream");
  if (${defer}) require(${JSON.stringify(lazyArchiver)}).deferArchiver();
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
    const { lazyModule } = require(${JSON.stringify(lazyArchiver)});
    let loads = 0;
    class Real { constructor(x) { this.x = x; } }
    const real = Object.assign((a, b) => a + b, { Real, version: "1.2.3" });
    const lazy = lazyModule(() => (loads++, real));
    const before = loads;
    console.log(JSON.stringify({ before, sum: lazy(2, 3), made: new lazy.Real(7).x, version: lazy.version, has: "Real" in lazy, loads }));
  `);
  expect(out).toEqual({ before: 0, sum: 5, made: 7, version: "1.2.3", has: true, loads: 1 });
});

test("the app's synthesis loads no archiver, and still writes the Lambda's zip (made by cdktf's own process)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lazy-archiver-"));
  try {
    const report = join(dir, "loaded.json");
    const preload = join(dir, "report.js");
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.keys(require.cache).filter((f) => f.includes("/archiver/")))));\n`,
    );
    const outdir = join(dir, "cdktf.out");
    const r = spawnSync(process.execPath, ["-r", preload, join(root, "scripts", "run-app.js")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_CONFIG: join(root, "examples", "environments.yaml"), CDKTF_OUTDIR: outdir },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(report, "utf8"))).toEqual([]);
    const zips = readdirSync(outdir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".zip"));
    expect(zips.length).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
