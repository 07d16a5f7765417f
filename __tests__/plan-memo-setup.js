// One folder per jest run where the lifecycle harness keeps the plans it made, so that a plan
// with the same inputs is made once per run (__tests__/engine/lifecycle.ts, Lifecycle.tryPlan),
// and one where each worker notes the shared AWS provider it started, so that its later test
// files (whose modules jest loads anew) attach to the same process (scripts/shared-provider.ts).
// Workers start after global setup and inherit the variables.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function planMemoSetup() {
  process.env.GAD_PLAN_MEMO = mkdtempSync(join(tmpdir(), "gad-plan-memo-"));
  process.env.DELIVERY_TF_PROVIDER_REGISTRY = mkdtempSync(join(tmpdir(), "gad-providers-"));
};
