import { Testing } from "cdktf";
import { basename } from "node:path";
import { loadConfigFile } from "../../config/load";
import { checkStack, formatFinding } from "../../policy";
import { exampleConfigs } from "../../scripts/tf-check";
import { buildApp, validateTree } from "../../stacks/app";
import { NOW } from "../helpers";

const files = exampleConfigs();

describe("every example passes every policy rule", () => {
  test("there are examples to check", () => {
    expect(files.map((f) => basename(f))).toContain("delivery.yaml");
  });

  test.each(files.map((f) => [basename(f), f]))("%s: zero findings", (_name, file) => {
    const { app, stacks } = buildApp(loadConfigFile(file, NOW).config);
    validateTree(app);
    const findings = stacks.flatMap((s) => checkStack(JSON.parse(Testing.synth(s, true))));
    expect(findings.map(formatFinding)).toEqual([]);
  });
});
