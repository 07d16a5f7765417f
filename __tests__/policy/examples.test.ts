import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadConfigFile } from "../../config/load";
import { checkStack, formatFinding } from "../../policy";
import { exampleConfigs } from "../../scripts/tf-check";
import { synthesizeConfig } from "../../app/synth-tree";
import { NOW } from "../helpers";

const files = exampleConfigs();

describe("every example passes every policy rule", () => {
  test("there are examples to check", () => {
    expect(files.map((f) => basename(f))).toContain("delivery.yaml");
  });

  test.each(files.map((f) => [basename(f), f]))("%s: zero findings", (_name, file) => {
    const outdir = mkdtempSync(join(tmpdir(), "delivery-policy-"));
    const names = synthesizeConfig(loadConfigFile(file, NOW).config, outdir);
    const findings = names.flatMap((n) => checkStack(JSON.parse(readFileSync(join(outdir, "stacks", n, "cdk.tf.json"), "utf8"))));
    rmSync(outdir, { recursive: true, force: true });
    expect(names.length).toBeGreaterThan(1);
    expect(findings.map(formatFinding)).toEqual([]);
  });
});
