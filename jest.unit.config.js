/*
 * `npm run test:unit`: the quick inner loop. Every suite but those that run terraform
 * (__tests__/engine/, __tests__/stacks/proton-day2) or time whole commands in child processes
 * (our CLI, the cdktf CLI, the app under signals and locks); `npm test` runs those too, and
 * tf-check.
 */
const base = require("./jest.config");

// The config fuzzer's property runs 200 cases here, 1,000 in `npm test` (FUZZ_RUNS set by
// hand wins over both; __tests__/config/fuzz.test.ts). Workers inherit the variable.
process.env.FUZZ_RUNS ??= "200";
// The determinism test's fleet: 60 projects here, 200 in `npm test` (__tests__/stacks/determinism.test.ts).
process.env.DETERMINISM_FLEET ??= "60";

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/__tests__/engine/",
    "<rootDir>/__tests__/stacks/proton-day2\\.test\\.ts$",
    "<rootDir>/__tests__/cli/",
    "<rootDir>/__tests__/app/(cdktf-output|lock|output|signals)\\.test\\.ts$",
    "<rootDir>/__tests__/(main|imports)\\.test\\.ts$",
    "<rootDir>/__tests__/config/bad-input\\.test\\.ts$",
    "<rootDir>/__tests__/doctor/cli\\.test\\.ts$",
    "<rootDir>/__tests__/report/(drift-)?post\\.test\\.ts$",
  ],
};
