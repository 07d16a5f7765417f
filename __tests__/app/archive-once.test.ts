import { App, AssetType, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";
import childProcess = require("node:child_process");
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withArchiveOnce } from "../../app/archive-once";

// cdktf's own archiveSync, not the per-run zip memo of __tests__/setup.ts: this test counts its processes.
jest.unmock("cdktf/lib/private/fs");

const lambdaCode = join(__dirname, "..", "..", "lambda", "commit-status");

/** An app with three ARCHIVE assets: two of the commit-status Lambda's folder, one of another folder. */
function synthesize(outdir: string, other: string, archiveOnce: boolean): { zips: Buffer[]; stack: string; processes: number } {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, "assets");
  const assets = [lambdaCode, lambdaCode, other].map((path, i) => new TerraformAsset(stack, `Code${i}`, { path, type: AssetType.ARCHIVE }));
  assets.forEach((a, i) => new TerraformOutput(stack, `path${i}`, { value: `${a.path} ${a.assetHash}` }));
  const execSync = jest.spyOn(childProcess, "execSync");
  try {
    if (archiveOnce) withArchiveOnce(() => app.synth());
    else app.synth();
    const dir = join(outdir, "stacks", "assets");
    return {
      zips: assets.map((a) => readFileSync(join(dir, a.path))),
      stack: readFileSync(join(dir, "cdk.tf.json"), "utf8"),
      processes: execSync.mock.calls.length,
    };
  } finally {
    execSync.mockRestore();
  }
}

test("each asset folder is zipped once (one node process), and its zip copied to its other assets: same paths, same stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "archive-once-"));
  try {
    const other = join(dir, "other");
    mkdirSync(other);
    writeFileSync(join(other, "index.js"), "exports.handler = async () => 1;\n");
    const plain = synthesize(join(dir, "plain"), other, false);
    const once = synthesize(join(dir, "once"), other, true);
    expect(plain.processes).toBe(3);
    expect(once.processes).toBe(2);
    expect(once.stack).toBe(plain.stack);
    expect(once.zips[1].equals(once.zips[0])).toBe(true);
    expect(once.zips[2].equals(once.zips[0])).toBe(false);
    // cdktf's own zip of a folder: the same size as the one it makes without the copies.
    expect(once.zips.map((z) => z.length)).toEqual(plain.zips.map((z) => z.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
