// One temporary folder per jest run, made the workers' TMPDIR, so that whatever a test or a
// library leaves in the temporary folder (cdktf's Testing.app() makes a cdktf.outdir.* per app
// and removes none) goes when the run ends. In it: where the lifecycle harness keeps the plans
// it made, so that a plan with the same inputs is made once per run (__tests__/engine/lifecycle.ts,
// Lifecycle.tryPlan), and where each worker notes the shared AWS provider it started, so that its
// later test files (whose modules jest loads anew) attach to the same process
// (scripts/shared-provider.ts). Workers start after global setup and inherit the variables.
const { mkdirSync, mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function planMemoSetup() {
  const run = mkdtempSync(join(tmpdir(), "gad-jest-"));
  process.env.GAD_JEST_TMP = run;
  process.env.TMPDIR = run;
  process.env.GAD_PLAN_MEMO = join(run, "plan-memo");
  process.env.DELIVERY_TF_PROVIDER_REGISTRY = join(run, "providers");
  for (const dir of [process.env.GAD_PLAN_MEMO, process.env.DELIVERY_TF_PROVIDER_REGISTRY]) mkdirSync(dir);
};
