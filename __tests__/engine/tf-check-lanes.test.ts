import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { standInProject } from "./stand-in-terraform";

/*
 * The tf-check command's report, with a stand-in terraform (its plans are the engine tests'
 * subject; here, what the command makes of them): the stacks reported in the order they were
 * found, not the order their terraform ended (the lanes run in one process, side by side), a
 * failing stack's output on stderr, and the exit code. Runs in a folder of its own, as
 * `npm test` runs the real check in the repository's .tf-check at the same time.
 */
const root = join(__dirname, "..", "..");

describe("tf-check's report with a stand-in terraform", () => {
  // The shared stack's plan ends last (the other lane's is done by then), and fails when asked to.
  const { dir, mirror, terraform } = standInProject("tf-check-lanes-", [
    'case "$PWD" in',
    '  *shared) sleep 1; if [ -n "$STANDIN_FAIL" ]; then echo "Error: stand-in failure in ${PWD##*/}" >&2; exit 1; fi; echo "Plan: 1 to add, 0 to change, 0 to destroy.";;',
    '  *) echo "Plan: 28 to add, 0 to change, 0 to destroy.";;',
    "esac",
  ]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tfCheck = (env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [join(root, "bin", "gitlab-aws-delivery.js"), "tf-check"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_TF_BINARY: terraform, DELIVERY_TF_MIRROR: mirror, DELIVERY_TF_SHARED_PROVIDER: "0", ...env },
    });
    return { status: r.status, stdout: r.stdout.replace(/\(\d+ s\)\n$/, "(N s)\n"), stderr: r.stderr };
  };
  const first = `tf-check: Terraform v9.9.9, hashicorp/aws 5.100.0 from ${mirror}, stand-ins for GitLab, ${availableParallelism()} at a time\n`;

  test("every stack planned: reported in their order, exit 0", () => {
    expect(tfCheck()).toEqual({
      status: 0,
      stdout:
        first +
        "tf-check: ok   delivery/acme-delivery-shared (Plan: 1 to add, 0 to change, 0 to destroy)\n" +
        "tf-check: ok   delivery/acme-delivery-acme (Plan: 28 to add, 0 to change, 0 to destroy)\n" +
        "tf-check: 2 stack(s) validated and planned, 0 failing (N s)\n",
      stderr: "",
    });
  });

  test("a stack whose plan fails: terraform's output on stderr, the others still reported, exit 1", () => {
    expect(tfCheck({ STANDIN_FAIL: "1" })).toEqual({
      status: 1,
      stdout:
        first +
        "tf-check: ok   delivery/acme-delivery-acme (Plan: 28 to add, 0 to change, 0 to destroy)\n" +
        "tf-check: 1 stack(s) validated and planned, 1 failing (N s)\n",
      stderr: "tf-check: FAIL delivery/acme-delivery-shared\nterraform plan failed:\n\nError: stand-in failure in acme-delivery-shared\n",
    });
  });
});
