/*
 * tf-check's kept plans (scripts/tf-check-cache.ts), with a stand-in terraform that notes each
 * plan it makes and writes a plan.bin of its own (the real plans are the engine tests' subject):
 * a stack whose inputs are unchanged is not planned again, and any change of an input is.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliInProcess } from "../cli/run";
import { standInProject } from "./stand-in-terraform";

const SHARED = "delivery/acme-delivery-shared";
const ACME = "delivery/acme-delivery-acme";

describe("tf-check keeps the plans whose inputs are unchanged", () => {
  // Each plan noted in planned.log beside the stand-in.
  const { dir, mirror, terraform } = standInProject("tf-check-cache-", [
    'echo "${PWD##*/}" >> "$(dirname "$0")/planned.log"',
    'if [ -n "$STANDIN_FAIL" ]; then echo "Error: stand-in failure" >&2; exit 1; fi',
    'echo "plan of ${PWD##*/} at $(date +%s%N)" > plan.bin',
    'echo "Plan: 2 to add, 0 to change, 0 to destroy."',
  ]);
  const planned = join(dir, "planned.log");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One tf-check; the stacks terraform planned in it, and its report's lines. */
  async function tfCheck(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
    rmSync(planned, { force: true });
    const r = await cliInProcess(["tf-check", ...args], {
      cwd: dir,
      env: { DELIVERY_TF_BINARY: terraform, DELIVERY_TF_MIRROR: mirror, DELIVERY_TF_SHARED_PROVIDER: "0", DELIVERY_TF_REQUIRED: "1", ...env },
    });
    const plannedStacks = existsSync(planned) ? readFileSync(planned, "utf8").trim().split("\n").sort() : [];
    return {
      status: r.status,
      planned: plannedStacks,
      lines: r.stdout.split("\n").filter((l) => l.startsWith("tf-check: ok") || / failing /.test(l)),
      stderr: r.stderr,
    };
  }
  const plan = (label: string) => readFileSync(join(dir, ".tf-check", label, "plan.bin"), "utf8");
  const both = ["acme-delivery-acme", "acme-delivery-shared"];

  test("planned once; then reported from the kept plans, each plan.bin put back, terraform not run", async () => {
    const first = await tfCheck();
    expect([first.status, first.planned]).toEqual([0, both]);
    const plans = [plan(SHARED), plan(ACME)];
    const again = await tfCheck();
    expect(again).toEqual({
      status: 0,
      planned: [],
      lines: [
        `tf-check: ok   ${SHARED} (Plan: 2 to add, 0 to change, 0 to destroy; inputs unchanged since its last plan)`,
        `tf-check: ok   ${ACME} (Plan: 2 to add, 0 to change, 0 to destroy; inputs unchanged since its last plan)`,
        expect.stringMatching(
          /^tf-check: 2 stack\(s\) validated and planned \(2 unchanged since their last plan, not planned again; --fresh plans them\), 0 failing \(\d+ s\)$/,
        ),
      ],
      stderr: "",
    });
    expect([plan(SHARED), plan(ACME)]).toEqual(plans);
    expect(readFileSync(join(dir, ".tf-check", ACME, "main.tf.json"), "utf8")).toContain('"aws_codepipeline"');
  });

  test("--fresh plans every stack", async () => {
    expect((await tfCheck(["--fresh"])).planned).toEqual(both);
    expect((await tfCheck()).planned).toEqual([]);
  });

  test("a changed config plans the stacks it changes", async () => {
    const config = readFileSync(join(dir, "delivery.yaml"), "utf8");
    writeFileSync(join(dir, "delivery.yaml"), config.replace("defaultTags:", "defaultTags:\n    changed: by-the-test"));
    try {
      expect((await tfCheck()).planned).toEqual(both);
    } finally {
      writeFileSync(join(dir, "delivery.yaml"), config);
    }
    expect((await tfCheck()).planned).toEqual(both);
    // Only the plans that the kept results name stay.
    expect(readdirSync(join(dir, ".tf-check", ".kept", "plans"))).toHaveLength(2);
  });

  test("another terraform binary, provider binary, or TF_/AWS_ variable plans every stack again", async () => {
    expect((await tfCheck()).planned).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    utimesSync(terraform, later, later);
    expect((await tfCheck()).planned).toEqual(both);
    const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
    const provider = join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", platform, "terraform-provider-aws_v5.100.0_x5");
    mkdirSync(join(provider, ".."), { recursive: true });
    writeFileSync(provider, "a provider");
    expect((await tfCheck()).planned).toEqual(both);
    expect((await tfCheck([], { AWS_REGION: "us-east-2" })).planned).toEqual(both);
    expect((await tfCheck([], { AWS_REGION: "us-east-2", UNRELATED: "x" })).planned).toEqual([]);
    // The AWS shared config file the provider reads: its contents count.
    const awsConfig = join(dir, "aws-config");
    writeFileSync(awsConfig, "[default]\n");
    const withConfig = { AWS_REGION: "us-east-2", AWS_CONFIG_FILE: awsConfig };
    expect((await tfCheck([], withConfig)).planned).toEqual(both);
    expect((await tfCheck([], withConfig)).planned).toEqual([]);
    writeFileSync(awsConfig, "[default]\nregion = eu-central-1\n");
    expect((await tfCheck([], withConfig)).planned).toEqual(both);
  });

  test("a failed plan is not kept: the next run plans that stack again", async () => {
    await tfCheck();
    expect((await tfCheck()).planned).toEqual([]);
    const failed = await tfCheck(["--fresh"], { STANDIN_FAIL: "1" });
    expect([failed.status, failed.planned]).toEqual([1, both]);
    expect(failed.stderr).toContain(`tf-check: FAIL ${SHARED}`);
    expect((await tfCheck()).planned).toEqual(both);
    expect((await tfCheck()).planned).toEqual([]);
  });
});
