// First: node's fs is wrapped before the app's modules take it (output-swap.ts keeps a namespace of it).
import { faults, restore } from "./fault-preload";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../app/errors";
import { runSynth } from "../../app/run-synth";
import { app, leftovers, manifestAndFolders, oneGroupRetagged, runApp, snapshot, synthEnv, twoGroups, workDir } from "./harness";

// Writing cdktf.out/ is all or nothing (issue 12, item 2).

afterAll(restore);

/** `twoGroups` synthesized by the app, once for the file: its folder (config, lock file, cdktf.out/). */
let template: string | undefined;

/** A folder with cdktf.out/ from `twoGroups`, and terraform's files in each stack, as `cdktf deploy` leaves them. */
function deployed(): { dir: string; outdir: string } {
  if (template === undefined) {
    template = workDir();
    writeFileSync(join(template, "delivery.yaml"), twoGroups);
    const first = runApp(template);
    expect([first.status, first.stderr]).toEqual([0, ""]);
  }
  const dir = workDir();
  cpSync(template, dir, { recursive: true });
  const outdir = join(dir, "cdktf.out");
  for (const stack of readdirSync(join(outdir, "stacks"))) {
    mkdirSync(join(outdir, "stacks", stack, ".terraform", "providers", "registry.terraform.io"), { recursive: true });
    writeFileSync(join(outdir, "stacks", stack, ".terraform", "terraform.tfstate"), `{"backend":"${stack}"}`);
    writeFileSync(join(outdir, "stacks", stack, ".terraform.lock.hcl"), `# lock of ${stack}\n`);
  }
  return { dir, outdir };
}

const ONE_LINE = /^[^\n]+\n$/;

describe("cdktf.out is replaced all or nothing", () => {
  test("an output folder inside a regular file: exit 1, one line naming the path and the fix, nothing written", () => {
    const dir = workDir();
    writeFileSync(join(dir, "delivery.yaml"), twoGroups);
    writeFileSync(join(dir, "build"), "a file, not a folder\n");
    const outdir = join(dir, "build", "cdktf.out");
    const r = runApp(dir, { CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `cannot write the synthesized output to ${outdir}: ${join(dir, "build")} is a file, not a folder; nothing was written. ` +
        `Move that file away, or set CDKTF_OUTDIR (or "output" in cdktf.json) to another folder\n`,
    );
    expect(readdirSync(dir).sort()).toEqual(["build", "delivery.yaml"]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the root of the file system, or a folder where no file can be made (/proc): exit 1, one line naming the path and the fix", () => {
    const dir = workDir();
    writeFileSync(join(dir, "delivery.yaml"), twoGroups);
    const root = runApp(dir, { CDKTF_OUTDIR: "/" });
    expect([root.status, root.stderr]).toEqual([
      1,
      "cannot write the synthesized output to /: it is the root of the file system. Choose a folder of its own, such as ./cdktf.out\n",
    ]);
    const proc = runApp(dir, { CDKTF_OUTDIR: "/proc/cdktf.out" });
    expect([proc.status, proc.stderr]).toEqual([
      1,
      `cannot write the synthesized output to /proc/cdktf.out: /proc does not take new files (ENOENT for /proc/.cdktf.out.lock); nothing was written. ` +
        `Set CDKTF_OUTDIR (or "output" in cdktf.json, or --output) to a folder on an ordinary disk\n`,
    ]);
    expect(readdirSync(dir)).toEqual(["delivery.yaml"]);
  });

  test("a disk that refuses a file mid-synth (file size limit, which binds root too): exit 1, cdktf.out byte-identical", () => {
    const { dir, outdir } = deployed();
    const before = snapshot(outdir);
    writeFileSync(join(dir, "delivery.yaml"), oneGroupRetagged);
    // ulimit -f counts 512-byte blocks in sh: 16 is 8 KiB, less than a team stack's cdk.tf.json.
    const r = spawnSync("sh", ["-c", `ulimit -f 16; exec "${process.execPath}" "${app}"`], { cwd: dir, encoding: "utf8", env: synthEnv(dir), timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.stderr).toBe(
      `cannot write the synthesized output to ${outdir}: a file is larger than this process may write (EFBIG: the file size limit, ulimit -f); ` +
        `${outdir} was left as it was. Raise the file size limit (ulimit -f unlimited) and synthesize again\n`,
    );
    expect(snapshot(outdir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a write that fails at any point of a re-synth leaves the old tree whole, or else the new one complete", async () => {
    const { dir, outdir } = deployed();
    const before = snapshot(outdir);
    writeFileSync(join(dir, "delivery.yaml"), oneGroupRetagged);
    const preload = ["-r", join(__dirname, "fault-preload.js")];
    const pristine = join(dir, "pristine");
    cpSync(outdir, pristine, { recursive: true });
    const reset = () => {
      rmSync(outdir, { recursive: true, force: true });
      cpSync(pristine, outdir, { recursive: true });
    };
    // A clean run of the app counts the points where a write could fail, and gives the expected new tree.
    const countFile = join(dir, "count");
    const clean = runApp(dir, { FAULT_ROOT: dir, FAULT_AT: "0", FAULT_COUNT_FILE: countFile }, preload);
    expect([clean.status, clean.stderr]).toEqual([0, ""]);
    const after = snapshot(outdir);
    const points = Number(readFileSync(countFile, "utf8"));
    expect(points).toBeGreaterThan(5);
    expect(manifestAndFolders(outdir)).toEqual({
      manifest: ["acme-delivery-acme", "acme-delivery-shared"],
      folders: ["acme-delivery-acme", "acme-delivery-shared"],
    });
    expect(after["stacks/acme-delivery-acme/.terraform.lock.hcl"]).toBe("# lock of acme-delivery-acme\n");

    // Each point in turn, by the same synthesis in this process (the same fs wrapped the same
    // way, without a node process per point); what the app would print on stderr before exit 1.
    const synthWithFault = async (at: number): Promise<{ ok: boolean; stderr: string }> => {
      const warnings: string[] = [];
      // The app runs in the config's folder (local state paths are relative to it).
      const cwd = process.cwd();
      process.chdir(dir);
      Object.assign(faults, { root: dir, at, calls: 0 });
      try {
        const configFile = join(dir, "delivery.yaml");
        await runSynth({ configFile, outdir, command: [], warn: (w) => warnings.push(`warning: ${w}\n`), env: {} });
        return { ok: true, stderr: warnings.join("") };
      } catch (e) {
        // exitOnError (app/exit.ts) prints a UserError's message alone and exits 1.
        expect([at, e]).toEqual([at, expect.any(UserError)]);
        return { ok: false, stderr: `${warnings.join("")}${(e as Error).message}\n` };
      } finally {
        faults.root = undefined;
        process.chdir(cwd);
      }
    };
    reset();
    expect(await synthWithFault(0)).toEqual({ ok: true, stderr: "" });
    expect(snapshot(outdir)).toEqual(after);
    // The same points as the app's, but for the lock file (beta gone), which the app's clean run
    // rewrote (a temporary file, then its rename) and which is now as this run would write it.
    expect(faults.calls).toBe(points - 2);

    const outcomes: string[] = [];
    let failed: { k: number; stderr: string } | undefined;
    for (let k = 1; k <= points; k++) {
      reset();
      const r = await synthWithFault(k);
      const now = snapshot(outdir);
      if (r.ok) {
        expect([k, now]).toEqual([k, after]);
      } else {
        expect([k, now]).toEqual([k, before]);
        expect(r.stderr).toMatch(ONE_LINE);
        expect(r.stderr).toMatch(
          new RegExp(
            `^cannot write the synthesized output to ${outdir}: no space left on the device of \\S+ \\(ENOSPC\\); ${outdir} was left as it was\\. Free some space`,
          ),
        );
        failed ??= { k, stderr: r.stderr };
      }
      expect([k, leftovers(dir)]).toEqual([k, []]);
      outcomes.push(r.ok ? "new" : "old");
    }
    expect(outcomes).toContain("old");

    // The app itself, failing at the first of those points: exit 1, the same line, the old tree.
    reset();
    const r = runApp(dir, { FAULT_ROOT: dir, FAULT_AT: String(failed!.k) }, preload);
    expect([r.status, r.stderr]).toEqual([1, failed!.stderr]);
    expect(snapshot(outdir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("terraform's .terraform/ and lock file of each stack survive a re-synth; a stack gone from the config is gone from stacks/ and the manifest", () => {
    const { dir, outdir } = deployed();
    writeFileSync(join(outdir, "notes.txt"), "kept: cdktf does not write it\n");
    const terraform = (stack: string) =>
      Object.fromEntries(Object.entries(snapshot(join(outdir, "stacks", stack))).filter(([k]) => k.startsWith(".terraform")));
    const kept = terraform("acme-delivery-acme");
    expect(Object.keys(kept).sort()).toEqual([
      ".terraform.lock.hcl",
      ".terraform/",
      ".terraform/providers/",
      ".terraform/providers/registry.terraform.io/",
      ".terraform/terraform.tfstate",
    ]);
    const oldText = readFileSync(join(outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8");
    writeFileSync(join(dir, "delivery.yaml"), oneGroupRetagged);
    const r = runApp(dir);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(terraform("acme-delivery-acme")).toEqual(kept);
    expect(readFileSync(join(outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8")).not.toBe(oldText);
    expect(manifestAndFolders(outdir)).toEqual({
      manifest: ["acme-delivery-acme", "acme-delivery-shared"],
      folders: ["acme-delivery-acme", "acme-delivery-shared"],
    });
    expect(readFileSync(join(outdir, "notes.txt"), "utf8")).toBe("kept: cdktf does not write it\n");
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("what a killed synth left beside cdktf.out is removed by the next one, and a swap cut between its renames is finished", () => {
    const { dir, outdir } = deployed();
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    // An older version's worker folder, and a scratch folder whose swap stopped after moving cdktf.out away.
    mkdirSync(join(dir, `.cdktf.out.workers-${dead}`, "0", "stacks"), { recursive: true });
    const scratch = join(dir, `.cdktf.out.staging-${dead}`);
    mkdirSync(scratch);
    cpSync(outdir, join(scratch, "tree"), { recursive: true });
    const before = snapshot(outdir);
    rmSync(outdir, { recursive: true });
    mkdirSync(join(scratch, "old"));
    // cdktf.out is missing; the complete new tree is restored, then synthesized over as usual.
    const r = runApp(dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${outdir} was missing after an interrupted synth (pid ${dead}); restored it from ${join(scratch, "tree")}\n`);
    expect(snapshot(outdir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
