const { rmSync } = require("node:fs");

// The providers themselves end with their workers (scripts/shared-provider.ts).
module.exports = async function planMemoTeardown() {
  for (const name of ["GAD_PLAN_MEMO", "DELIVERY_TF_PROVIDER_REGISTRY"]) {
    if (process.env[name]) rmSync(process.env[name], { recursive: true, force: true });
  }
};
