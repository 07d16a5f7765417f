import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { rawConfig, rawProject } from "./helpers";

const root = join(__dirname, "..");
// The cdktf app command of cdktf.json, so the tests run what `cdktf synth` runs.
const app = [join(root, "scripts", "run-app.js")];

/** Runs the app the way `cdktf synth` does: in a folder of its own, CDKTF_OUTDIR set. */
function runMain(config: string | undefined, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), "delivery-main-"));
  const file = join(dir, "delivery.yaml");
  if (config !== undefined) writeFileSync(file, config);
  const r = spawnSync(process.execPath, app, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, DELIVERY_CONFIG: file, CDKTF_OUTDIR: join(dir, "cdktf.out"), ...env },
  });
  return { ...r, dir, outdir: join(dir, "cdktf.out") };
}

/** PATH without a terraform binary: node and the system's tools only. */
const noTerraform = { PATH: `${join(process.execPath, "..")}:/usr/bin:/bin` };

/** The repository's delivery.yaml synthesized without terraform, once for the file: the first of two in the determinism test, the previous output in another. */
let first: ReturnType<typeof runMain> | undefined;
const synthesizedOnce = () => (first ??= runMain(readFileSync(join(root, "delivery.yaml"), "utf8"), noTerraform));

describe("main.ts through the cdktf app command", () => {
  test("cdktf.json runs this command", () => {
    expect(JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")).app).toBe("node scripts/run-app.js");
  });

  test("a bad config exits 1 with one message naming field, value and fix; no stack trace; nothing written", () => {
    const r = runMain(stringify(rawConfig({ projects: [rawProject({ path: "https://gitlab.com/acme/app.git" })] })));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `${join(r.dir, "delivery.yaml")} is not a valid delivery configuration:\n` +
        `  projects[0].path: "https://gitlab.com/acme/app.git" is a URL; use the project path "acme/app"\n`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(r.outdir)).toBe(false);
    expect(readdirSync(r.dir)).toEqual(["delivery.yaml"]);
  });

  test("a bad config is refused before cdktf and the provider bindings are loaded (two thirds of the start-up)", () => {
    const dir = mkdtempSync(join(tmpdir(), "delivery-loaded-"));
    const preload = join(dir, "loaded.js");
    const list = join(dir, "loaded.txt");
    // At exit, the packages the process had loaded, one per line.
    writeFileSync(
      preload,
      `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(list)}, [...new Set(Object.keys(require.cache).map((f) => (/node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f) || [])[1]).filter(Boolean))].sort().join("\\n")));`,
    );
    const r = runMain("name: x\n", { NODE_OPTIONS: `--require ${preload}` });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not a valid delivery configuration:\n/);
    const loaded = readFileSync(list, "utf8").split("\n");
    expect(loaded).toEqual(expect.arrayContaining(["yaml", "zod"]));
    expect(loaded.filter((p) => /^(cdktf|constructs|@cdktf\/)/.test(p))).toEqual([]);
  });

  test("a missing file says how to fix it", () => {
    const r = runMain(undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /delivery\.yaml is not a valid delivery configuration:\n {2}file not found \(looked in .*\); create it .* or DELIVERY_CONFIG=<file> \(cdktf\)\n$/,
    );
  });

  test("synthesizes without a terraform binary on PATH, and twice gives byte-identical files", () => {
    const probe = spawnSync("sh", ["-c", "command -v terraform"], { env: noTerraform });
    expect(probe.status).not.toBe(0); // terraform really is off this PATH
    const first = synthesizedOnce();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const second = runMain(readFileSync(join(root, "delivery.yaml"), "utf8"), noTerraform);
    const read = (outdir: string) => readFileSync(join(outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8");
    expect(read(second.outdir)).toBe(read(first.outdir));
    expect(JSON.parse(readFileSync(join(first.outdir, "manifest.json"), "utf8")).stacks["acme-delivery-acme"].synthesizedStackPath).toBe(
      "stacks/acme-delivery-acme/cdk.tf.json",
    );
    expect(readdirSync(join(first.outdir, "stacks")).sort()).toEqual(["acme-delivery-acme", "acme-delivery-shared"]);
    const shared = (outdir: string) => readFileSync(join(outdir, "stacks", "acme-delivery-shared", "cdk.tf.json"), "utf8");
    expect(shared(second.outdir)).toBe(shared(first.outdir));
  });

  test("the terraform-cloud backend synthesizes without a terraform binary, warning that the version check was skipped", () => {
    const raw = rawConfig({ state: { backend: "terraform-cloud", terraformCloud: { organization: "acme", workspaceName: "delivery-{stack}" } } });
    const r = runMain(stringify(raw), noTerraform);
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual([
      "warning: acme-delivery-shared/backend: cdktf's terraform version check was skipped (no terraform binary here); where this stack is planned and applied, use terraform >= 1.7 (1.10 with S3 native locking)",
      "warning: acme-delivery-acme/backend: cdktf's terraform version check was skipped (no terraform binary here); where this stack is planned and applied, use terraform >= 1.7 (1.10 with S3 native locking)",
    ]);
    const stack = JSON.parse(readFileSync(join(r.outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8"));
    expect(stack.terraform.cloud.workspaces.name).toBe("delivery-acme-delivery-acme");
  });

  test("a fleet split across processes gives byte-identical output to one process", () => {
    const yaml = readFileSync(join(root, "examples", "fleet.yaml"), "utf8");
    const one = runMain(yaml, { DELIVERY_SYNTH_WORKERS: "1" });
    const two = runMain(yaml, { DELIVERY_SYNTH_WORKERS: "3" });
    expect([one.status, two.status, two.stderr]).toEqual([0, 0, ""]);
    const files = (outdir: string) =>
      [
        "manifest.json",
        ...readdirSync(join(outdir, "stacks"))
          .sort()
          .map((s) => join("stacks", s, "cdk.tf.json")),
      ].map((f) => [f, readFileSync(join(outdir, f), "utf8")]);
    expect(files(two.outdir)).toEqual(files(one.outdir));
    expect(files(one.outdir)).toHaveLength(6);
    // The lock file (which stack each project lives in) is written beside the config.
    expect(readdirSync(two.dir).sort()).toEqual(["cdktf.out", "delivery.lock.yaml", "delivery.yaml"]);
  });

  test("a failing synth leaves the previous output untouched", () => {
    const previous = synthesizedOnce();
    expect(previous.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "delivery-main-"));
    cpSync(previous.dir, dir, { recursive: true });
    const good = { dir, outdir: join(dir, "cdktf.out") };
    const before = readFileSync(join(good.outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8");
    const lock = readFileSync(join(good.dir, "delivery.lock.yaml"), "utf8");
    writeFileSync(join(good.dir, "delivery.yaml"), stringify(rawConfig({ aws: { region: "af-south-1" } })));
    const bad = spawnSync(process.execPath, app, {
      cwd: good.dir,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_CONFIG: join(good.dir, "delivery.yaml"), CDKTF_OUTDIR: good.outdir },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/aws\.region: "af-south-1" is a region where AWS CodeConnections is not offered/);
    expect(readFileSync(join(good.outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8")).toBe(before);
    expect(readdirSync(good.dir).sort()).toEqual(["cdktf.out", "delivery.lock.yaml", "delivery.yaml"]);
    expect(readFileSync(join(good.dir, "delivery.lock.yaml"), "utf8")).toBe(lock);
  });
});
