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
    expect(jobs.sort()).toEqual(["apply", "doctor", "drift", "plan", "plan-for-apply", "plan-select", "synth", "test"]);
    expect(jobs.filter((j) => resolved(j).interruptible === false)).toEqual(["apply"]);
  });

  test("plan and apply assume different roles through the job's OIDC token; no AWS key anywhere", () => {
    for (const job of [".plan-stack", "plan-for-apply", "apply", "drift"]) {
      const j = resolved(job);
      expect([job, j.id_tokens]).toEqual([job, { AWS_ID_TOKEN: { aud: "sts.amazonaws.com" } }]);
      expect(j.variables.AWS_WEB_IDENTITY_TOKEN_FILE).toBe("${CI_PROJECT_DIR}/.aws-id-token");
    }
    expect(resolved(".plan-stack").variables.AWS_ROLE_ARN).toBe("${CI_PLAN_ROLE_ARN}");
    expect(resolved("plan-for-apply").variables.AWS_ROLE_ARN).toBe("${CI_PLAN_ROLE_ARN}");
    expect(resolved("apply").variables.AWS_ROLE_ARN).toBe("${CI_APPLY_ROLE_ARN}");
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|glpat-|AKIA[0-9A-Z]{16}/);
  });

  test("GitLab tokens by least scope: plans read with a read_api token, the note is posted with its own token, only apply gets GITLAB_TOKEN", () => {
    for (const job of [".plan-stack", "plan-for-apply"]) expect(resolved(job).variables.GITLAB_TOKEN).toBe("${GITLAB_READ_TOKEN}");
    for (const job of [".plan-stack", ".plan"]) expect(script(job)).toContain('GITLAB_TOKEN="$GITLAB_NOTE_TOKEN" npx gitlab-aws-delivery plan-report');
    expect(resolved("apply").variables.GITLAB_TOKEN).toBeUndefined(); // a protected variable of the production environment
    expect(ci.variables.TF_HTTP_PASSWORD).toBe("${CI_JOB_TOKEN}");
  });

  test("plan-for-apply: per stack init, plan -out, show -json, the report; a failed post does not skip the other stacks, the job still fails", () => {
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
    expect(ci[".plan-stack"].artifacts).toEqual({ paths: ["reports/"], reports: { terraform: "reports/*.json" }, access: "developer", expire_in: "1 week" });
    expect(ci.synth.artifacts.access).toBe("developer");
    expect(ci["plan-select"].artifacts).toEqual({ paths: ["plan-pipeline.yml"], access: "developer", expire_in: "1 day" });
    expect(ci[".plan"].after_script).toContain('rm -f "$AWS_WEB_IDENTITY_TOKEN_FILE" cdktf.out/stacks/*/plan.json');
    expect(ci[".plan-stack"].after_script).toEqual(['rm -f "$AWS_WEB_IDENTITY_TOKEN_FILE" cdktf.out/stacks/*/plan.json cdktf.out/stacks/*/plan.cache']);
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

describe("merge-request plans over the changed stacks only (issue 19, item 5)", () => {
  const { execFileSync, spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync: read, writeFileSync } = require("node:fs") as typeof import("node:fs");
  const { tmpdir } = require("node:os") as typeof import("node:os");
  const root = join(__dirname, "..", "..");
  const nodeDir = execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" })
    .trim()
    .replace(/\/node$/, "");

  test("plan-select runs after synth in merge requests; plan runs the child pipeline it writes and fails with it", () => {
    expect(ci["plan-select"].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(resolved("plan-select").needs).toEqual(["synth"]);
    expect(resolved("plan-select").variables.GIT_DEPTH).toBe("0");
    expect(resolved("plan-select").id_tokens).toBeUndefined(); // it reads no cloud: no AWS role
    expect(ci.plan).toEqual({
      stage: "plan",
      needs: ["plan-select"],
      rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }],
      trigger: { include: [{ artifact: "plan-pipeline.yml", job: "plan-select" }], strategy: "depend", forward: { yaml_variables: false } },
    });
    expect(ci[".plan-stack"].stage).toBe("plan");
  });

  /** A folder with fake commands on PATH that log their arguments; `bodies` are their shell scripts. */
  function sandbox(bodies: Record<string, string>): {
    dir: string;
    run: (script: string, env: Record<string, string>) => { status: number; out: string; log: string[] };
  } {
    const dir = mkdtempSync(join(tmpdir(), "ci-mr-plan-"));
    mkdirSync(join(dir, "bin"));
    for (const [name, body] of Object.entries(bodies)) {
      writeFileSync(join(dir, "bin", name), `#!/bin/sh\necho "${name} $*" >> "${join(dir, "log")}"\n${body}\n`);
      chmodSync(join(dir, "bin", name), 0o755);
    }
    const run = (script: string, env: Record<string, string>) => {
      const r = spawnSync("sh", ["-c", script], {
        cwd: join(dir, "work"),
        encoding: "utf8",
        env: { PATH: `${join(dir, "bin")}:${nodeDir}:/usr/bin:/bin`, ...env },
      });
      const log = existsSync(join(dir, "log")) ? read(join(dir, "log"), "utf8").trim().split("\n") : [];
      return { status: r.status ?? -1, out: r.stdout + r.stderr, log };
    };
    mkdirSync(join(dir, "work"));
    return { dir, run };
  }

  test("one stack's plan job, run for real: init, plan, show -json, the report posted with the note token; the saved plan not kept", () => {
    const { dir, run } = sandbox({
      terraform: 'case "$*" in *"show -json"*) echo "{}";; *"-out=plan.cache"*) touch "$(echo "$1" | sed s/-chdir=//)/plan.cache";; esac',
      npx: 'echo "token=$GITLAB_TOKEN" >> "$(dirname "$0")/../log"; case "$*" in *"--key bad"*) exit 4;; esac',
    });
    mkdirSync(join(dir, "work", "cdktf.out", "stacks", "acme-delivery-acme-team-7"), { recursive: true });
    mkdirSync(join(dir, "work", "cdktf.out", "stacks", "bad"), { recursive: true });
    const loop = (ci[".plan-stack"].script as string[])[2];
    const env = { GITLAB_TOKEN: "read-token", GITLAB_NOTE_TOKEN: "note-token" };
    const ok = run(loop, { ...env, STACK: "acme-delivery-acme-team-7" });
    expect(ok.status).toBe(0);
    expect(ok.log.map((l) => l.replace(/-chdir=\S+ /, ""))).toEqual([
      "terraform init -input=false",
      "terraform plan -input=false -lock=false -out=plan.cache",
      "terraform show -json plan.cache",
      "npx gitlab-aws-delivery plan-report cdktf.out/stacks/acme-delivery-acme-team-7/plan.json --report reports/acme-delivery-acme-team-7.json " +
        "--markdown reports/acme-delivery-acme-team-7.md --title acme-delivery-acme-team-7 --key acme-delivery-acme-team-7 --post --fail-on none",
      "token=note-token",
    ]);
    expect(existsSync(join(dir, "work", "cdktf.out", "stacks", "acme-delivery-acme-team-7", "plan.cache"))).toBe(false);
    expect(run(loop, { ...env, STACK: "bad" }).status).toBe(4); // a failed post fails the job, and so the merge request's pipeline
  });

  test("plan-select, run for real in a git clone: synthesizes the base commit beside the head and writes a pipeline of the changed stacks only", () => {
    // `gitlab-aws-delivery synth` played by a script writing one stack per stacks/*.json of the checkout (exit 1 when it has a file `broken`);
    // `tsx` runs this repository's scripts/plan-pipeline.ts for real.
    const synth = `const fs=require("fs");if(fs.existsSync("broken"))process.exit(1);const s=fs.readdirSync("stacks").map(f=>f.replace(/\\.json$/,""));for(const n of s){fs.mkdirSync("cdktf.out/stacks/"+n,{recursive:true});fs.copyFileSync("stacks/"+n+".json","cdktf.out/stacks/"+n+"/cdk.tf.json")}fs.writeFileSync("cdktf.out/manifest.json",JSON.stringify({stacks:Object.fromEntries(s.map(n=>[n,{}]))}))`;
    const { dir, run } = sandbox({
      npx: `case "$1" in tsx) shift 2; exec node "${join(root, "node_modules", "tsx", "dist", "cli.mjs")}" "${join(root, "scripts", "plan-pipeline.ts")}" --ci "${join(root, ".gitlab-ci.yml")}" "$@";; gitlab-aws-delivery) exec node -e '${synth}';; esac`,
      npm: "",
    });
    const work = join(dir, "work");
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: work, encoding: "utf8" }).trim();
    const commit = (files: Record<string, string | undefined>) => {
      for (const [f, text] of Object.entries(files)) {
        if (text === undefined) execFileSync("rm", ["-f", join(work, f)]);
        else {
          mkdirSync(join(work, f, ".."), { recursive: true });
          writeFileSync(join(work, f), text);
        }
      }
      git("add", "-A");
      git("commit", "-qm", "c");
      return git("rev-parse", "HEAD");
    };
    git("init", "-q");
    const base = commit({ "package-lock.json": "{}", "stacks/team-1.json": "{}", "stacks/team-2.json": "{}", "stacks/shared.json": "{}" });
    commit({ "stacks/team-2.json": '{"resource":{}}', "stacks/team-3.json": "{}" });
    run(`node -e '${synth}'`, {}); // the synth job's artifact
    const select = script("plan-select");
    const env = { CI_MERGE_REQUEST_DIFF_BASE_SHA: base, CI_PIPELINE_ID: "901", CI_MERGE_REQUEST_IID: "7" };
    const r = run(select, env);
    expect([r.status, r.out]).toEqual([0, expect.stringContaining("plan-pipeline: 2 of 4 stacks differ from the base commit's synthesis: team-2 team-3\n")]);
    expect(lstatSync(join(work, ".base", "node_modules")).isSymbolicLink()).toBe(true); // the same lock file: no second npm ci
    expect(r.log.filter((l) => l.startsWith("npm "))).toEqual([]);
    const child = parse(read(join(work, "plan-pipeline.yml"), "utf8"));
    expect(Object.keys(child).filter((k) => k.startsWith("plan "))).toEqual(["plan team-2", "plan team-3"]);
    expect(child["plan team-3"]).toEqual({ extends: ".plan-stack", needs: [{ pipeline: "901", job: "synth" }], variables: { STACK: "team-3" } });
    expect(child.variables.CI_MERGE_REQUEST_IID).toBe("7");

    // A base commit that does not synthesize (and another lock file): every stack is planned, and the log says why.
    execFileSync("git", ["worktree", "remove", "--force", ".base"], { cwd: work });
    const broken = commit({ broken: "", "package-lock.json": '{"v":2}' });
    commit({ broken: undefined, "package-lock.json": "{}" });
    const again = run(select, { ...env, CI_MERGE_REQUEST_DIFF_BASE_SHA: broken });
    expect(again.status).toBe(0);
    expect(again.out).toContain(`the base commit ${broken} does not synthesize: every stack is planned`);
    expect(again.out).toContain("plan-pipeline: no synthesis of the base commit to compare with: every stack is planned: shared team-1 team-2 team-3\n");
    expect(again.log).toContain("npm ci --no-audit --no-fund --prefer-offline");
  });
});
