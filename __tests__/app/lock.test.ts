import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { LockError, lockFile, OutputLock } from "../../app/lock";
import { fleetYaml, leftovers, manifestAndFolders, runApp, snapshot, startApp, twoGroups, waitFor, workDir } from "./harness";

// One synth at a time per output folder (issue 12, item 3).

const deadPid = () => spawnSync(process.execPath, ["-e", "0"]).pid!;
const holderText = (pid: number, host = hostname(), since = "2026-11-25T12:00:00.000Z") => `${JSON.stringify({ pid, host, since })}\n`;

describe("OutputLock", () => {
  test("takes a free lock: a file beside the output folder naming pid, host and time; release removes it", async () => {
    const dir = workDir();
    const outdir = join(dir, "cdktf.out");
    const lock = await OutputLock.acquire(outdir, { waitMs: 0 });
    expect(lock.file).toBe(join(dir, ".cdktf.out.lock"));
    const holder = JSON.parse(readFileSync(lock.file, "utf8"));
    expect(holder).toEqual({ pid: process.pid, host: hostname(), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(lock.held()).toBe(true);
    lock.release();
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a lock held by a running process is waited for, then refused with its pid, host and time, and the way out", async () => {
    const dir = workDir();
    const outdir = join(dir, "cdktf.out");
    const text = holderText(process.ppid);
    writeFileSync(lockFile(outdir), text);
    const waited: unknown[] = [];
    const started = Date.now();
    const error = await OutputLock.acquire(outdir, { waitMs: 300, pollMs: 50, onWait: (h) => waited.push(h) }).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error).toBeInstanceOf(LockError);
    expect(error.message).toBe(
      `${outdir} is locked by another synth: pid ${process.ppid} on host ${hostname()} since 2026-11-25T12:00:00.000Z (waited 0.3 s). ` +
        `Wait for it to finish (DELIVERY_LOCK_WAIT=<seconds> waits longer), or, if no synth is running, delete ${join(dir, ".cdktf.out.lock")}`,
    );
    expect(waited).toEqual([{ pid: process.ppid, host: hostname(), since: "2026-11-25T12:00:00.000Z" }]);
    expect(readFileSync(lockFile(outdir), "utf8")).toBe(text);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the lock of a process that is no longer running on this host is taken over", async () => {
    const dir = workDir();
    const outdir = join(dir, "cdktf.out");
    const dead = deadPid();
    writeFileSync(lockFile(outdir), holderText(dead));
    const taken: unknown[] = [];
    const lock = await OutputLock.acquire(outdir, { waitMs: 0, onTakeover: (h) => taken.push(h) });
    expect(taken).toEqual([{ pid: dead, host: hostname(), since: "2026-11-25T12:00:00.000Z" }]);
    expect(JSON.parse(readFileSync(lock.file, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the lock of another host is not taken over: its process cannot be checked from here", async () => {
    const dir = workDir();
    const outdir = join(dir, "cdktf.out");
    writeFileSync(lockFile(outdir), holderText(deadPid(), "build-runner-7"));
    await expect(OutputLock.acquire(outdir, { waitMs: 100, pollMs: 20 })).rejects.toThrow(/locked by another synth: pid \d+ on host build-runner-7 since /);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a lock released while waiting is taken", async () => {
    const dir = workDir();
    const outdir = join(dir, "cdktf.out");
    writeFileSync(lockFile(outdir), holderText(process.ppid));
    setTimeout(() => rmSync(lockFile(outdir)), 200);
    const lock = await OutputLock.acquire(outdir, { waitMs: 5000, pollMs: 20 });
    expect(lock.held()).toBe(true);
    lock.release();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a lock that another process replaced is no longer held, and release leaves it alone", async () => {
    const dir = workDir();
    const outdir = join(dir, "cdktf.out");
    const lock = await OutputLock.acquire(outdir, { waitMs: 0 });
    writeFileSync(lock.file, holderText(process.ppid));
    expect(lock.held()).toBe(false);
    expect(() => lock.assertHeld()).toThrow(
      `lost the lock on ${outdir} while synthesizing (${lock.file} now names pid ${process.ppid} on host ${hostname()} since`,
    );
    lock.release();
    expect(readFileSync(lock.file, "utf8")).toBe(holderText(process.ppid));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("two synths of one folder", () => {
  test("the second waits for the first, saying who holds the folder; the manifest agrees with stacks/", async () => {
    const a = workDir();
    const b = workDir();
    writeFileSync(join(a, "delivery.yaml"), fleetYaml(10));
    writeFileSync(join(b, "delivery.yaml"), twoGroups);
    const outdir = join(a, "cdktf.out");
    // The first is held in the middle of its synthesis (hold-preload.js) until the second waits for it.
    const first = startApp(a, { DELIVERY_SYNTH_WORKERS: "1" }, { held: true });
    // Once the first has started writing (its lock or scratch folder beside cdktf.out), start the second.
    await waitFor("the first synth to start", () => leftovers(a).length > 0);
    const second = startApp(b, { CDKTF_OUTDIR: outdir });
    await waitFor("the second synth to wait", () => second.stderr().includes("waiting for it to finish"));
    first.release();
    const [one, two] = await Promise.all([first.ended, second.ended]);
    expect([one.status, one.stderr]).toEqual([0, ""]);
    expect(two.status).toBe(0);
    expect(two.stderr).toMatch(
      new RegExp(`^warning: ${outdir} is being synthesized by pid ${first.child.pid} on host ${hostname()} since \\S+; waiting for it to finish\\n$`),
    );
    const { manifest, folders } = manifestAndFolders(outdir);
    expect(folders).toEqual(manifest);
    expect(manifest).toEqual(["acme-delivery-acme", "acme-delivery-beta", "acme-delivery-shared"]);
    expect(leftovers(a)).toEqual([]);
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }, 30_000);

  test("a synth that waits too long exits 1 naming the holder's pid, host and time; cdktf.out untouched", () => {
    const dir = workDir();
    writeFileSync(join(dir, "delivery.yaml"), twoGroups);
    expect(runApp(dir).status).toBe(0);
    const before = snapshot(join(dir, "cdktf.out"));
    const text = holderText(process.pid);
    writeFileSync(join(dir, ".cdktf.out.lock"), text);
    const r = runApp(dir, { DELIVERY_LOCK_WAIT: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `warning: ${join(dir, "cdktf.out")} is being synthesized by pid ${process.pid} on host ${hostname()} since 2026-11-25T12:00:00.000Z; waiting for it to finish\n` +
        `${join(dir, "cdktf.out")} is locked by another synth: pid ${process.pid} on host ${hostname()} since 2026-11-25T12:00:00.000Z (waited 1 s). ` +
        `Wait for it to finish (DELIVERY_LOCK_WAIT=<seconds> waits longer), or, if no synth is running, delete ${join(dir, ".cdktf.out.lock")}\n`,
    );
    expect(snapshot(join(dir, "cdktf.out"))).toEqual(before);
    expect(readFileSync(join(dir, ".cdktf.out.lock"), "utf8")).toBe(text);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a lock left by a synth that was killed is taken over, with a warning", () => {
    const dir = workDir();
    writeFileSync(join(dir, "delivery.yaml"), twoGroups);
    const dead = deadPid();
    writeFileSync(join(dir, ".cdktf.out.lock"), holderText(dead));
    const r = runApp(dir, { DELIVERY_LOCK_WAIT: "0" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `warning: took over the lock on ${join(dir, "cdktf.out")} from pid ${dead} on host ${hostname()} since 2026-11-25T12:00:00.000Z, which is no longer running\n`,
    );
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("DELIVERY_LOCK_WAIT that is not a number of seconds is refused by name", () => {
    const dir = workDir();
    writeFileSync(join(dir, "delivery.yaml"), twoGroups);
    const r = runApp(dir, { DELIVERY_LOCK_WAIT: "soon" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `environment variable DELIVERY_LOCK_WAIT: "soon" is not a number of seconds; set how long a synth waits for another synth of the same folder, or unset it to wait 60 s\n`,
    );
    expect(readdirSync(dir)).toEqual(["delivery.yaml"]);
    rmSync(dir, { recursive: true, force: true });
  });
});
