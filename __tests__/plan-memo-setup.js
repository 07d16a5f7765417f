// One folder per jest run where the lifecycle harness keeps the plans it made, so that a plan
// with the same inputs is made once per run (__tests__/engine/lifecycle.ts, Lifecycle.tryPlan).
// Workers start after global setup and inherit the variable.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function planMemoSetup() {
  process.env.GAD_PLAN_MEMO = mkdtempSync(join(tmpdir(), "gad-plan-memo-"));
};
