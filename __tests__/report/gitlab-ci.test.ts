/*
 * .gitlab-ci.yml read as a security reviewer would: who may plan and apply with which
 * identity, that apply applies the reviewed plan, and what the artifacts expose.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const text = readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8");
const ci = parse(text);
const script = (job: string) => (ci[job].script as string[]).join("\n");
/** A job with its `extends` templates merged in, as GitLab does (hashes deep-merged, the job last). */
function resolved(job: string): Record<string, any> {
  const own = ci[job];
  const bases = ([] as string[]).concat(own.extends ?? []).map(resolved);
  const merge = (a: any, b: any): any =>
    a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)
      ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
      : (b ?? a);
  return [...bases, own].reduce((acc, x) => merge(acc, x), {});
}
const jobs = Object.keys(ci).filter((k) => !k.startsWith(".") && !["stages", "variables", "workflow", "default"].includes(k));

describe(".gitlab-ci.yml", () => {
  test("stages and pipelines: merge requests and the default branch only; a new push cancels the older pipeline's plans", () => {
    expect(ci.stages).toEqual(["test", "synth", "plan", "apply"]);
    expect(ci.workflow.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
    expect(ci.workflow.auto_cancel).toEqual({ on_new_commit: "interruptible" });
    expect(ci.default.interruptible).toBe(true);
    expect(jobs.sort()).toEqual(["apply", "doctor", "drift", "plan", "plan-for-apply", "synth", "test"]);
    expect(jobs.filter((j) => resolved(j).interruptible === false)).toEqual(["apply"]);
  });

  test("plan and apply assume different roles through the job's OIDC token; no AWS key anywhere", () => {
    for (const job of ["plan", "plan-for-apply", "apply", "drift"]) {
      const j = resolved(job);
      expect([job, j.id_tokens]).toEqual([job, { AWS_ID_TOKEN: { aud: "sts.amazonaws.com" } }]);
      expect(j.variables.AWS_WEB_IDENTITY_TOKEN_FILE).toBe("${CI_PROJECT_DIR}/.aws-id-token");
    }
    expect(resolved("plan").variables.AWS_ROLE_ARN).toBe("${CI_PLAN_ROLE_ARN}");
    expect(resolved("plan-for-apply").variables.AWS_ROLE_ARN).toBe("${CI_PLAN_ROLE_ARN}");
    expect(resolved("apply").variables.AWS_ROLE_ARN).toBe("${CI_APPLY_ROLE_ARN}");
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|glpat-|AKIA[0-9A-Z]{16}/);
  });

  test("GitLab tokens by least scope: plans read with a read_api token, the note is posted with its own token, only apply gets GITLAB_TOKEN", () => {
    expect(resolved("plan").variables.GITLAB_TOKEN).toBe("${GITLAB_READ_TOKEN}");
    expect((ci[".plan"].script as string[]).join("\n")).toContain('GITLAB_TOKEN="$GITLAB_NOTE_TOKEN" npx gitlab-aws-delivery plan-report');
    expect(resolved("apply").variables.GITLAB_TOKEN).toBeUndefined(); // a protected variable of the production environment
    expect(ci.variables.TF_HTTP_PASSWORD).toBe("${CI_JOB_TOKEN}");
  });

  test("plan: per stack init, plan -out, show -json, the report; a failed post does not skip the other stacks, the job still fails", () => {
    const s = (ci[".plan"].script as string[]).join("\n");
    expect(s).toContain('terraform -chdir="$dir" plan -input=false -lock=false -out=plan.cache');
    expect(s).toContain('terraform -chdir="$dir" show -json plan.cache > "$dir/plan.json"');
    expect(s).toContain('$post --fail-on none || failed="$failed $stack"');
    expect(s).toContain('if [ -n "$failed" ]; then echo "plan-report failed for:$failed"; exit 1; fi');
    expect(ci.plan.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(ci["plan-for-apply"].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"', when: "never" }, { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
  });

  test("apply applies the saved plan of its own pipeline with the lock files it was made with, and says why terraform refuses a stale one", () => {
    const j = resolved("apply");
    expect(j.needs).toEqual(["synth", "plan-for-apply"]);
    expect(ci["plan-for-apply"].artifacts.paths).toEqual(["reports/", "cdktf.out/stacks/*/plan.cache", "cdktf.out/stacks/*/.terraform.lock.hcl"]);
    expect(ci["plan-for-apply"].variables.KEEP_SAVED_PLANS).toBe("true");
    const s = script("apply");
    expect(s).toContain('terraform -chdir="$dir" init -input=false -lockfile=readonly');
    expect(s).toContain('terraform -chdir="$dir" apply -input=false plan.cache');
    expect(s).toContain("refuses it once the state has moved on");
    expect(s).not.toMatch(/auto-approve|^\s*(npx )?cdktf deploy/m); // the apply job runs terraform apply on the saved plan only
  });

  test("apply is manual, on the default branch, in the protected production environment, one at a time", () => {
    expect(ci.apply.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "schedule"', when: "never" },
      { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", when: "manual" },
    ]);
    expect(ci.apply.environment).toEqual({ name: "production", deployment_tier: "production", action: "start" });
    expect(ci.apply.resource_group).toBe("terraform-apply");
  });

  test("artifacts: no one downloads saved plans; synthesized stacks and reports only for members; raw plans and tokens removed even when a step fails", () => {
    expect(ci["plan-for-apply"].artifacts.access).toBe("none");
    expect(ci.plan.artifacts.access).toBe("developer");
    expect(ci.synth.artifacts.access).toBe("developer");
    expect(ci.plan.artifacts.paths).toEqual(["reports/"]);
    expect(ci.plan.artifacts.reports).toEqual({ terraform: "reports/*.json" });
    expect(ci[".plan"].after_script).toContain('rm -f "$AWS_WEB_IDENTITY_TOKEN_FILE" cdktf.out/stacks/*/plan.json');
    expect(ci.apply.after_script).toEqual(['rm -f "$AWS_WEB_IDENTITY_TOKEN_FILE" cdktf.out/stacks/*/plan.cache']);
  });

  test("npm and terraform providers are cached; every job installs from the lock file", () => {
    const base = ci[".node-and-terraform"];
    expect(base.cache).toEqual([
      { key: { files: ["package-lock.json"] }, paths: [".npm/"] },
      { key: "terraform-plugins", paths: [".terraform-plugins/"] },
    ]);
    expect(ci.variables.TF_PLUGIN_CACHE_DIR).toBe("${CI_PROJECT_DIR}/.terraform-plugins");
    expect(base.before_script).toContain("npm ci --no-audit --no-fund --prefer-offline");
    expect(base.image.name).toMatch(/^hashicorp\/terraform:1\.(1[0-9])$/);
    expect(script("synth")).toBe("npx gitlab-aws-delivery synth");
  });
});

describe("apply's shell, run for real on a sample manifest and plan", () => {
  const { execSync } = require("node:child_process") as typeof import("node:child_process");
  const { mkdirSync, mkdtempSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
  const { tmpdir } = require("node:os") as typeof import("node:os");
  const s = script("apply");
  const snippet = (re: RegExp) => re.exec(s)![1];
  const dir = mkdtempSync(join(tmpdir(), "ci-apply-"));
  mkdirSync(join(dir, "cdktf.out"));
  writeFileSync(
    join(dir, "cdktf.out", "manifest.json"),
    JSON.stringify({ stacks: { "acme-delivery-acme": { dependencies: ["acme-delivery-shared"] }, "acme-delivery-shared": { dependencies: [] } } }),
  );
  const sh = (cmd: string) => execSync(cmd, { cwd: dir, encoding: "utf8", shell: "/bin/sh" });

  test("stacks are applied in dependency order: the shared stack first", () => {
    expect(sh(snippet(/order=\$\((node -e '[^\n]+')\)/)).trim()).toBe("acme-delivery-shared acme-delivery-acme");
  });

  test("only the stack others depend on is checked for changes, which stop the job before anything is applied", () => {
    const isBase = snippet(/if (node -e '[^\n]+' "\$stack"); then/);
    expect(() => sh(isBase.replace('"$stack"', "acme-delivery-shared"))).not.toThrow();
    expect(() => sh(isBase.replace('"$stack"', "acme-delivery-acme"))).toThrow();
    const count = snippet(/show -json plan\.cache \| (node -e '[^\n]+')\)/);
    const plan = (actions: string[][]) => JSON.stringify({ resource_changes: actions.map((a) => ({ change: { actions: a } })) });
    writeFileSync(join(dir, "p.json"), plan([["no-op"], ["read"], ["update"], ["create", "delete"]]));
    expect(sh(`cat p.json | ${count}`).trim()).toBe("2");
    writeFileSync(join(dir, "p.json"), plan([["no-op"], ["read"]]));
    expect(sh(`cat p.json | ${count}`).trim()).toBe("0");
    expect(s).toContain("apply stopped before any stack: the reviewed plan changes $changes resource(s) of $stack");
  });
});

describe("drift: the scheduled job (issue 13, item 6)", () => {
  const { execFileSync, spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const { chmodSync, mkdirSync, mkdtempSync, readFileSync: read, writeFileSync } = require("node:fs") as typeof import("node:fs");
  const { tmpdir } = require("node:os") as typeof import("node:os");

  test("runs in scheduled pipelines only, with the read-only plan role; nothing is applied there", () => {
    const j = resolved("drift");
    expect(j.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(j.needs).toEqual(["synth"]);
    expect(j.variables.AWS_ROLE_ARN).toBe("${CI_PLAN_ROLE_ARN}");
    expect(j.variables.GITLAB_TOKEN).toBe("${GITLAB_READ_TOKEN}");
    expect(j.artifacts).toEqual({ when: "always", paths: ["reports/"], access: "developer", expire_in: "1 week" });
    const s = script("drift");
    expect(s).toContain('terraform -chdir="$dir" plan -input=false -lock=false -refresh-only -out=drift.cache');
    expect(s).toContain('GITLAB_TOKEN="$GITLAB_NOTE_TOKEN" npx gitlab-aws-delivery plan-report --drift "$dir/drift.json"');
    expect(s).not.toMatch(/terraform[^\n]* apply/);
    expect(ci.drift.after_script).toEqual(['rm -f "$AWS_WEB_IDENTITY_TOKEN_FILE" cdktf.out/stacks/*/drift.json cdktf.out/stacks/*/drift.cache']);
  });

  /** Runs the job's loop for real, with terraform and npx played by scripts that log their arguments and exit as told per stack. */
  function runLoop(exits: Record<string, number>): { status: number; stdout: string; log: string[] } {
    const dir = mkdtempSync(join(tmpdir(), "ci-drift-"));
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "cdktf.out", "stacks", "acme-delivery-acme"), { recursive: true });
    mkdirSync(join(dir, "cdktf.out", "stacks", "acme-delivery-shared"), { recursive: true });
    writeFileSync(join(dir, "cdktf.out", "manifest.json"), JSON.stringify({ stacks: { "acme-delivery-shared": {}, "acme-delivery-acme": {} } }));
    const fake = (name: string, body: string) => {
      writeFileSync(join(dir, "bin", name), `#!/bin/sh\necho "${name} $*" >> "${join(dir, "log")}"\n${body}\n`);
      chmodSync(join(dir, "bin", name), 0o755);
    };
    fake("terraform", 'case "$*" in *"show -json"*) echo "{}";; esac');
    fake(
      "npx",
      `case "$*" in ${Object.entries(exits)
        .map(([stack, code]) => `*"--key ${stack}"*) exit ${code};;`)
        .join(" ")} esac`,
    );
    const loop = (ci.drift.script as string[])[2];
    const node = execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).trim();
    const r = spawnSync("sh", ["-c", loop], { cwd: dir, encoding: "utf8", env: { PATH: `${join(dir, "bin")}:${node.replace(/\/node$/, "")}:/usr/bin:/bin` } });
    return { status: r.status ?? -1, stdout: r.stdout, log: read(join(dir, "log"), "utf8").trim().split("\n") };
  }

  test("every stack is read; exit 5 names the drifted stacks, a failed report (exit 4) fails the job with 1 after the others", () => {
    const clean = runLoop({ "acme-delivery-shared": 0, "acme-delivery-acme": 0 });
    expect([clean.status, clean.stdout]).toEqual([0, ""]);
    expect(clean.log.filter((l) => l.startsWith("npx"))).toEqual([
      "npx gitlab-aws-delivery plan-report --drift cdktf.out/stacks/acme-delivery-shared/drift.json --markdown reports/acme-delivery-shared-drift.md --title acme-delivery-shared --key acme-delivery-shared --post",
      "npx gitlab-aws-delivery plan-report --drift cdktf.out/stacks/acme-delivery-acme/drift.json --markdown reports/acme-delivery-acme-drift.md --title acme-delivery-acme --key acme-delivery-acme --post",
    ]);
    expect(clean.log.filter((l) => l.startsWith("terraform")).map((l) => l.replace(/-chdir=\S+ /, ""))).toEqual([
      "terraform init -input=false",
      "terraform plan -input=false -lock=false -refresh-only -out=drift.cache",
      "terraform show -json drift.cache",
      "terraform init -input=false",
      "terraform plan -input=false -lock=false -refresh-only -out=drift.cache",
      "terraform show -json drift.cache",
    ]);
    const drifted = runLoop({ "acme-delivery-shared": 0, "acme-delivery-acme": 5 });
    expect([drifted.status, drifted.stdout]).toEqual([5, "drift found in: acme-delivery-acme (see each stack's drift issue and reports/)\n"]);
    const failed = runLoop({ "acme-delivery-shared": 4, "acme-delivery-acme": 5 });
    expect([failed.status, failed.stdout]).toEqual([
      1,
      "drift found in: acme-delivery-acme (see each stack's drift issue and reports/)\ndrift report failed for: acme-delivery-shared\n",
    ]);
    expect(failed.log.filter((l) => l.startsWith("npx"))).toHaveLength(2);
  });
});
