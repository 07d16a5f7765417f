const { rmSync } = require("node:fs");

module.exports = async function planMemoTeardown() {
  if (process.env.GAD_PLAN_MEMO) rmSync(process.env.GAD_PLAN_MEMO, { recursive: true, force: true });
};
