import * as fs from "node:fs";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asOutputError, OutputError, RollbackError, swapIn, SwapFs } from "../../app/output-swap";
import { snapshot, workDir } from "./harness";

/** An old cdktf.out (stacks a and b, with terraform's files; a user's file at the top) and a new tree (stacks a and c). */
function fixture(): { dir: string; outdir: string; tree: string; scratch: string } {
  const dir = workDir();
  const outdir = join(dir, "cdktf.out");
  const write = (path: string, text: string) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  };
  write(join(outdir, "manifest.json"), "old manifest");
  for (const stack of ["a", "b"]) {
    write(join(outdir, "stacks", stack, "cdk.tf.json"), `old ${stack}`);
    write(join(outdir, "stacks", stack, ".terraform", "providers", "aws"), `provider of ${stack}`);
    write(join(outdir, "stacks", stack, ".terraform.lock.hcl"), `lock of ${stack}`);
  }
  write(join(outdir, "README.txt"), "the user's");
  const scratch = join(dir, ".cdktf.out.staging-1");
  const tree = join(scratch, "tree");
  write(join(tree, "manifest.json"), "new manifest");
  for (const stack of ["a", "c"]) write(join(tree, "stacks", stack, "cdk.tf.json"), `new ${stack}`);
  return { dir, outdir, tree, scratch };
}

/** Node's fs, but the `failAt`-th rename (1-based) throws ENOSPC, and with `undoFails` so does every later one. */
function failingFs(failAt: number, undoFails = false): SwapFs & { renames: number } {
  const f = {
    renames: 0,
    readdirSync: fs.readdirSync,
    lstatSync: fs.lstatSync,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      f.renames += 1;
      if (f.renames === failAt || (undoFails && f.renames > failAt)) {
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC", syscall: "rename", path: String(from), dest: String(to) });
      }
      fs.renameSync(from, to);
    },
  };
  return f as SwapFs & { renames: number };
}

describe("swapIn", () => {
  test("the new tree replaces cdktf.out; each remaining stack keeps terraform's files, a removed stack goes, the user's files stay", () => {
    const { dir, outdir, tree, scratch } = fixture();
    swapIn(tree, outdir, scratch);
    expect(snapshot(outdir)).toEqual({
      "README.txt": "the user's",
      "manifest.json": "new manifest",
      "stacks/": "",
      "stacks/a/": "",
      "stacks/a/.terraform.lock.hcl": "lock of a",
      "stacks/a/.terraform/": "",
      "stacks/a/.terraform/providers/": "",
      "stacks/a/.terraform/providers/aws": "provider of a",
      "stacks/a/cdk.tf.json": "new a",
      "stacks/c/": "",
      "stacks/c/cdk.tf.json": "new c",
    });
    expect(fs.readdirSync(scratch)).toEqual(["old"]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("into a folder that does not exist yet", () => {
    const { dir, outdir, tree, scratch } = fixture();
    rmSync(outdir, { recursive: true });
    swapIn(tree, outdir, scratch);
    expect(Object.keys(snapshot(outdir))).toEqual(["manifest.json", "stacks/", "stacks/a/", "stacks/a/cdk.tf.json", "stacks/c/", "stacks/c/cdk.tf.json"]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a rename that fails at any step leaves cdktf.out byte-identical, terraform's files included, and the new tree whole", () => {
    const { dir } = fixture();
    const clean = failingFs(0);
    const probe = fixture();
    swapIn(probe.tree, probe.outdir, probe.scratch, clean);
    expect(clean.renames).toBe(5); // a's .terraform and lock file, README.txt, cdktf.out aside, the tree in
    for (let k = 1; k <= clean.renames; k++) {
      const { outdir, tree, scratch } = fixture();
      const before = { old: snapshot(outdir), tree: snapshot(tree) };
      expect(() => swapIn(tree, outdir, scratch, failingFs(k))).toThrow(expect.objectContaining({ code: "ENOSPC" }));
      expect([k, { old: snapshot(outdir), tree: snapshot(tree) }]).toEqual([k, before]);
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(probe.dir, { recursive: true, force: true });
  });

  test("when undoing fails too, the message says where the previous files are and how to put them back", () => {
    const { dir, outdir, tree, scratch } = fixture();
    let error: unknown;
    try {
      swapIn(tree, outdir, scratch, failingFs(5, true));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RollbackError);
    expect((error as Error).message).toBe(
      `cannot write the synthesized output to ${outdir}: no space left on the device of ${outdir} (ENOSPC), and putting the previous files back failed too ` +
        `(no space left on the device of ${outdir} (ENOSPC)); restore them with: mv ${join(scratch, "old")} ${outdir}, ` +
        `then move 3 more of its files back from ${tree} (terraform's files of each stack)`,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("asOutputError", () => {
  const outdir = "/work/repo/cdktf.out";
  const scratch = "/work/repo/.cdktf.out.staging-7";
  const fsError = (code: string, path?: string) => Object.assign(new Error(code), { code, path, syscall: "open" });

  test.each([
    [
      "ENOSPC",
      `${scratch}/tree/stacks/a/cdk.tf.json`,
      `no space left on the device of ${scratch}/tree/stacks/a/cdk.tf.json (ENOSPC)`,
      "Free some space and synthesize again",
    ],
    ["EROFS", "/work/repo/.cdktf.out.lock", "/work/repo/.cdktf.out.lock is on a read-only file system (EROFS)", "Make /work/repo writable"],
    ["EACCES", "/work/repo", "permission denied on /work/repo (EACCES)", "Make /work/repo writable"],
    ["EFBIG", undefined, "a file is larger than this process may write (EFBIG: the file size limit, ulimit -f)", "Raise the file size limit"],
  ])("%s on %s is the user's to fix", (code, path, reason, fix) => {
    const e = asOutputError(fsError(code, path), outdir, scratch);
    expect(e).toBeInstanceOf(OutputError);
    expect(e!.message).toMatch(/^[^\n]+$/);
    expect(e!.message.startsWith(`cannot write the synthesized output to ${outdir}: ${reason}; nothing was written. ${fix}`)).toBe(true);
  });

  test.each([
    ["ENOENT in the scratch folder (a bug here)", fsError("ENOENT", `${scratch}/tree`)],
    ["EACCES on a file elsewhere (a lambda's source)", fsError("EACCES", "/work/repo/lambda/index.js")],
    ["ENOTDIR without a path", fsError("ENOTDIR")],
    ["not a file-system error", new Error("boom")],
  ])("%s is not", (_what, e) => {
    expect(asOutputError(e, outdir, scratch)).toBeUndefined();
  });
});
