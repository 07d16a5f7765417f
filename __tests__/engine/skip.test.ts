import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { findEngine } from "../../scripts/tf-check";

const root = join(__dirname, "..", "..");

function tfCheck(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [join(root, "bin", "gitlab-aws-delivery.js"), "tf-check"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DELIVERY_TF_REQUIRED: "", ...env },
  });
}

describe("tf-check without terraform or the mirror", () => {
  test("skips with one line saying why", () => {
    const r = tfCheck({ DELIVERY_TF_BINARY: "/nonexistent/terraform" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("tf-check: skipped: no terraform binary (/nonexistent/terraform) on PATH\n");
  });

  test("fails instead when DELIVERY_TF_REQUIRED=1 (as in CI)", () => {
    const r = tfCheck({ DELIVERY_TF_BINARY: "/nonexistent/terraform", DELIVERY_TF_REQUIRED: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("tf-check: FAILED: no terraform binary (/nonexistent/terraform) on PATH, and DELIVERY_TF_REQUIRED=1 forbids skipping\n");
  });

  test("names a mirror without the AWS provider", () => {
    const found = findEngine({ DELIVERY_TF_MIRROR: "/nonexistent-mirror", DELIVERY_TF_BINARY: process.env.DELIVERY_TF_BINARY });
    if ("skip" in found && found.skip.startsWith("no terraform binary")) return expect(found.skip).toMatch(/^no terraform binary/);
    expect(found).toEqual({ skip: "no hashicorp/aws provider in the mirror /nonexistent-mirror (set DELIVERY_TF_MIRROR)" });
  });
});
