/*
 * `npm run test:unit`: the quick inner loop. Every suite but those that run terraform
 * (__tests__/engine/) or time whole commands in child processes (our CLI, the cdktf CLI, the
 * app under signals and locks); `npm test` runs those too, and tf-check.
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/__tests__/engine/",
    "<rootDir>/__tests__/cli/",
    "<rootDir>/__tests__/app/(cdktf-output|lock|output|signals)\\.test\\.ts$",
    "<rootDir>/__tests__/(main|imports)\\.test\\.ts$",
    "<rootDir>/__tests__/config/bad-input\\.test\\.ts$",
    "<rootDir>/__tests__/doctor/cli\\.test\\.ts$",
    "<rootDir>/__tests__/modules/proton\\.test\\.ts$",
    "<rootDir>/__tests__/report/(drift-)?post\\.test\\.ts$",
  ],
};
