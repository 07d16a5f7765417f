const { availableParallelism } = require("node:os");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Packages are required where a test file first uses them (swc's lazy CommonJS imports; our own
  // modules stay eager): a file that only parses configs no longer evaluates the ~40 provider
  // bindings its imports name. test:unit 50 -> 47 CPU-s (three alternating runs each).
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs", lazy: true } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  globalSetup: "<rootDir>/__tests__/plan-memo-setup.js",
  globalTeardown: "<rootDir>/__tests__/plan-memo-teardown.js",
  // jest's default (cores - 1) is one worker on two cores; the slow suites mostly wait on
  // terraform or node child processes, so one worker more than cores keeps the cores busy.
  maxWorkers: availableParallelism() + 1,
  // V8's compiled code of each module kept across the files a worker runs (a runtime of jest's own, see the file).
  runtime: "<rootDir>/__tests__/code-cache-runtime.js",
  testTimeout: 60000,
  reporters: ["default", "<rootDir>/__tests__/summary-reporter.js"],
};
