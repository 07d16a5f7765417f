/* synthesizeConfig (app/synth-tree.ts): the synthesis scripts and tests write into a folder of their own. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { synthesizeConfig } from "../../app/synth-tree";
import { parseConfig } from "../../config/load";
import { NOW, rawConfig } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "synth-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = parseConfig(stringify(rawConfig()), "delivery.yaml", NOW).config;
const STACKS = ["acme-delivery-acme", "acme-delivery-shared"];

test("into a folder that does not exist: the manifest and every stack, nothing left beside it", () => {
  const outdir = join(dir, "fresh", "cdktf.out");
  expect(synthesizeConfig(config, outdir).sort()).toEqual(STACKS);
  expect(readdirSync(outdir).sort()).toEqual(["manifest.json", "stacks"]);
  expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(STACKS);
  expect(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual(STACKS);
  expect(readdirSync(join(dir, "fresh"))).toEqual(["cdktf.out"]);
});

test("into a folder that exists: its stacks replaced, anything else in it kept, nothing left beside it", () => {
  const outdir = join(dir, "existing", "cdktf.out");
  mkdirSync(join(outdir, "stacks", "acme-delivery-acme"), { recursive: true });
  writeFileSync(join(outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "{}");
  mkdirSync(join(outdir, "stacks", "other-stack"));
  writeFileSync(join(outdir, "notes.txt"), "mine");
  synthesizeConfig(config, outdir);
  expect(readdirSync(join(outdir, "stacks")).sort()).toEqual([...STACKS, "other-stack"]);
  expect(JSON.parse(readFileSync(join(outdir, "stacks", "acme-delivery-acme", "cdk.tf.json"), "utf8")).resource).toBeDefined();
  expect(readFileSync(join(outdir, "notes.txt"), "utf8")).toBe("mine");
  expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  expect(readdirSync(join(dir, "existing"))).toEqual(["cdktf.out"]);
});
