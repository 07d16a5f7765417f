const { rmSync } = require("node:fs");

// Everything the run left in its temporary folder (see plan-memo-setup.js); the shared
// providers end with their workers (scripts/shared-provider.ts).
module.exports = async function planMemoTeardown() {
  if (process.env.GAD_JEST_TMP) rmSync(process.env.GAD_JEST_TMP, { recursive: true, force: true });
};
