/* The doctor job of .gitlab-ci.yml: when it runs, with which identity, and its script run for real. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const ci = parse(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8"));
const job = ci.doctor;

test("manual on the default branch (a failure does not block the pipeline), or in a schedule; no other job needed", () => {
  expect(job.rules).toEqual([
    { if: '$CI_PIPELINE_SOURCE == "schedule"' },
    { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", when: "manual", allow_failure: true },
  ]);
  expect(job.needs).toEqual([]);
});

test("reads with its own role through the OIDC token and the read_api token; never the apply role or GITLAB_TOKEN's secret", () => {
  expect(job.extends).toEqual([".node-and-terraform", ".aws-oidc"]);
  expect(job.variables).toEqual({ AWS_ROLE_ARN: "${CI_DOCTOR_ROLE_ARN}", GITLAB_TOKEN: "${GITLAB_READ_TOKEN}" });
  expect(job.after_script).toEqual(['rm -f "$AWS_WEB_IDENTITY_TOKEN_FILE"']);
});

test("the JSON is an artifact for members, kept even when a check fails", () => {
  expect(job.artifacts).toEqual({ when: "always", paths: ["doctor.json"], access: "developer", expire_in: "1 week" });
});

test("the script prints the findings, keeps doctor.json, and ends with doctor's exit code", () => {
  const dir = mkdtempSync(join(tmpdir(), "doctor-job-"));
  const findings = {
    summary: { ok: 1, warn: 0, fail: 1 },
    exitCode: 2,
    findings: [
      { check: "connection", subject: "acme", level: "OK", message: "AVAILABLE" },
      { check: "webhook", subject: "acme/app", level: "FAIL", message: "no AWS webhook", fix: "re-create the pipeline" },
    ],
  };
  // A stand-in for npx: prints the findings as doctor --json would, and exits 2.
  writeFileSync(join(dir, "npx"), `#!/bin/sh\nprintf '%s\\n' '${JSON.stringify(findings)}'\nexit 2\n`);
  chmodSync(join(dir, "npx"), 0o755);
  const r = spawnSync("bash", ["-c", (job.script as string[]).slice(1).join("\n")], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${dir}:${process.env.PATH}` },
  });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("OK\tconnection\tacme\tAVAILABLE\t\nFAIL\twebhook\tacme/app\tno AWS webhook\tre-create the pipeline\n1 ok, 0 warnings, 1 failures\n");
  expect(JSON.parse(readFileSync(join(dir, "doctor.json"), "utf8"))).toEqual(findings);
});
