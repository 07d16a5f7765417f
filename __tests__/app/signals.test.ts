import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { alive, app, appProcesses, fleetYaml, holdArgs, leftovers, root, snapshot, startApp, waitFor, workDir, workerProcesses, workersOf } from "./harness";

// Ctrl-C, kill and a killed npx leave nothing behind (issue 12, item 3). A fleet of 10
// projects (10 stacks) on 2 processes: the synth builds share 0 while a worker builds share 1.
// Each is held in the middle of its synthesis (hold-preload.js) without using CPU: the signal
// reaches the synth while its synthesis blocks the event loop, and the worker while it is
// still synthesizing, whatever the speed of the machine (a fleet of 300 did it with CPU).

/** A folder with the fleet's config and a previous output that must survive. */
function fleetDir(): { dir: string; outdir: string; before: Record<string, string> } {
  const dir = workDir();
  writeFileSync(join(dir, "delivery.yaml"), fleetYaml(10));
  const outdir = join(dir, "cdktf.out");
  mkdirSync(join(outdir, "stacks", "fleet-group-0", ".terraform"), { recursive: true });
  writeFileSync(join(outdir, "stacks", "fleet-group-0", "cdk.tf.json"), "{}\n");
  writeFileSync(join(outdir, "manifest.json"), '{"stacks":{"fleet-group-0":{}}}\n');
  return { dir, outdir, before: snapshot(outdir) };
}

describe("a synth that is stopped", () => {
  test.each(["SIGINT", "SIGTERM"] as const)(
    "%s to the synth: its workers end, no staging or worker folder stays, cdktf.out is as it was",
    async (signal) => {
      const { dir, outdir, before } = fleetDir();
      const { child, ended, release } = startApp(dir, { DELIVERY_SYNTH_WORKERS: "2" }, { held: true });
      try {
        const workers = await waitFor("a worker process", () => workersOf(child.pid!).length > 0 && workersOf(child.pid!));
        child.kill(signal);
        release();
        const r = await ended;
        expect(r).toEqual({ status: null, signal, stderr: `synthesis stopped by ${signal}; ${outdir} was left as it was\n` });
        expect(workers.filter(alive)).toEqual([]);
        expect(leftovers(dir)).toEqual([]);
        expect(snapshot(outdir)).toEqual(before);
      } finally {
        child.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );

  test("Ctrl-C in a terminal (SIGINT to the whole process group, workers included): the same", async () => {
    const { dir, outdir, before } = fleetDir();
    const { child, ended, release } = startApp(dir, { DELIVERY_SYNTH_WORKERS: "2" }, { detached: true, held: true });
    try {
      const workers = await waitFor("a worker process", () => workersOf(child.pid!).length > 0 && workersOf(child.pid!));
      process.kill(-child.pid!, "SIGINT");
      release();
      const r = await ended;
      expect(r).toEqual({ status: null, signal: "SIGINT", stderr: `synthesis stopped by SIGINT; ${outdir} was left as it was\n` });
      expect(workers.filter(alive)).toEqual([]);
      expect(leftovers(dir)).toEqual([]);
      expect(snapshot(outdir)).toEqual(before);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test("killing npx (SIGTERM to `npx cdktf synth` only, as a CI runner or IDE does) stops the synth and its workers too", async () => {
    const { dir, outdir, before } = fleetDir();
    const hold = holdArgs(dir);
    const appCommand = ["node", ...hold.nodeArgs, app].join(" ");
    writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: appCommand, projectId: "test", sendCrashReports: "false" }));
    writeFileSync(join(dir, "package.json"), '{"name":"npx-test","version":"1.0.0","private":true}\n');
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    // A job of its own (process group), as a shell starts it; npm exec forwards SIGTERM to its
    // `sh -c cdktf`, which dies without passing it on: cdktf and the app below never receive it.
    const npx = spawn(join(dirname(process.execPath), "npx"), ["cdktf", "synth"], {
      cwd: dir,
      env: { ...process.env, ...hold.env, CHECKPOINT_DISABLE: "1", DELIVERY_SYNTH_WORKERS: "2", DELIVERY_CONFIG: join(dir, "delivery.yaml") },
      stdio: "ignore",
      detached: true,
    });
    try {
      await waitFor("a worker process", () => workerProcesses(npx.pid!).length > 0, 25_000);
      const synth = appProcesses(npx.pid!);
      process.kill(npx.pid!, "SIGTERM");
      hold.release();
      await waitFor("the synth and its workers to end", () => synth.every((p) => !alive(p)), 10_000);
      expect(leftovers(dir)).toEqual([]);
      expect(snapshot(outdir)).toEqual(before);
      expect(existsSync(join(dir, ".cdktf.out.lock"))).toBe(false);
    } finally {
      try {
        process.kill(-npx.pid!, "SIGKILL");
      } catch {
        // the job has ended
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 45_000);
});
