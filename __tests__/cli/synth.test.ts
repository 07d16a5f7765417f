/* `gitlab-aws-delivery synth` is the cdktf app's synthesis (app/run-synth.ts), with progress. */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { runSynth } from "../../app/run-synth";
import { bin, cli, root } from "./run";

/** A project folder whose cdktf.json runs this repository's app, with examples/fleet.yaml. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "cli-synth-"));
  const cdktf = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
  writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ ...cdktf, app: cdktf.app.replace("scripts/run-app.js", join(root, "scripts", "run-app.js")) }));
  mkdirSync(join(dir, "examples"));
  copyFileSync(join(root, "examples", "fleet.yaml"), join(dir, "examples", "fleet.yaml"));
  return dir;
}

/** Every file under `dir`, by path relative to it, with its bytes. */
function files(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full);
    }
  };
  walk(dir);
  return out;
}

describe("synth", () => {
  test("synth --config examples/fleet.yaml writes the same cdktf.out as cdktf synth with DELIVERY_CONFIG, byte for byte", () => {
    const viaCdktf = project();
    const synth = spawnSync(join(root, "node_modules", ".bin", "cdktf"), ["synth"], {
      cwd: viaCdktf,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", DELIVERY_CONFIG: "examples/fleet.yaml" },
    });
    expect(synth.status).toBe(0);
    const expected = files(join(viaCdktf, "cdktf.out"));
    expect(Object.keys(expected)).toHaveLength(6);

    const viaCli = project();
    const r = cli(["synth", "--config", "examples/fleet.yaml"], { cwd: viaCli });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", ""]);
    expect(files(join(viaCli, "cdktf.out"))).toEqual(expected);

    // In several processes (each a `synth` of its own share), the same bytes again.
    const parallel = project();
    const p = cli(["synth", "--config", "examples/fleet.yaml"], { cwd: parallel, env: { DELIVERY_SYNTH_WORKERS: "3" } });
    expect([p.status, p.stderr]).toEqual([0, ""]);
    expect(files(join(parallel, "cdktf.out"))).toEqual(expected);
  });

  test("DELIVERY_CONFIG and CDKTF_OUTDIR choose the config and the folder, as for the cdktf app", () => {
    const dir = project();
    const r = cli(["synth"], { cwd: dir, env: { DELIVERY_CONFIG: "examples/fleet.yaml", CDKTF_OUTDIR: "out" } });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(readdirSync(join(dir, "out", "stacks"))).toHaveLength(5);
  });

  test("a bad config: its message and exit 1, as from the cdktf app", () => {
    const dir = project();
    writeFileSync(join(dir, "bad.yaml"), "name: x\n");
    const r = cli(["synth", "-c", "bad.yaml"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^bad\.yaml is not a valid delivery configuration:\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("progress: every stack counted once, from every process, up to the total", async () => {
    const dir = project();
    const seen: Array<[number, number]> = [];
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await runSynth({
        configFile: "examples/fleet.yaml",
        outdir: "cdktf.out",
        command: [process.execPath, bin, "synth", "--config", "examples/fleet.yaml"],
        warn: () => undefined,
        progress: (done, total) => seen.push([done, total]),
        env: { ...process.env, DELIVERY_SYNTH_WORKERS: "3" },
      });
    } finally {
      process.chdir(cwd);
    }
    expect(seen.map(([done]) => done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(seen.map(([, total]) => total))).toEqual(new Set([5]));
  });
});
