import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../../config/load";
import { synthesizeConfig } from "../../app/synth-tree";
import { exampleConfigs } from "../../scripts/tf-check";
import { MIN_TERRAFORM } from "../../stacks/terraform-version";

test.each(exampleConfigs(join(__dirname, "..", "..")).map((f) => [f.split("/").pop()!, f]))(
  "%s: every stack says the terraform it needs (import for_each and removed blocks: 1.7)",
  (_name, file) => {
    const outdir = mkdtempSync(join(tmpdir(), "delivery-tfversion-"));
    try {
      synthesizeConfig(loadConfigFile(file).config, outdir);
      const names = readdirSync(join(outdir, "stacks"));
      expect(names.length).toBeGreaterThanOrEqual(2);
      for (const n of names) {
        const stack = JSON.parse(readFileSync(join(outdir, "stacks", n, "cdk.tf.json"), "utf8"));
        expect([n, stack.terraform.required_version]).toEqual([n, ">= 1.7.0"]);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  },
);

test("the README names that minimum, and no other", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  expect(MIN_TERRAFORM).toBe("1.7.0");
  expect(readme).toContain("terraform ≥ 1.7");
  // 1.10 is named only for S3's native state locking, an option of one backend.
  expect(readme.match(/terraform ≥ 1\.\d+/gi)!.filter((m) => !["terraform ≥ 1.7", "terraform ≥ 1.10"].includes(m.toLowerCase()))).toEqual([]);
  expect(readme).toMatch(/Terraform ≥ 1\.10 for S3|1\.10 for S3 native locking/);
});
