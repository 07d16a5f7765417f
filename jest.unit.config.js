/*
 * `npm run test:unit`: the quick inner loop. Every suite but those that run terraform
 * (__tests__/engine/, __tests__/stacks/proton-day2) or time whole commands in child processes
 * (our CLI, the cdktf CLI, the app under signals and locks), nor the 400-project organisation;
 * `npm test` runs those too, and tf-check.
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
  // No suite here waits on a child process for long, so one worker per core: each worker
  // compiles the modules once (its code cache), and a third only adds that work (31–33 s, 56–60
  // CPU-s with two; 33–35 s, 64–68 CPU-s with three, measured idle).
  maxWorkers: require("node:os").availableParallelism(),
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/__tests__/engine/",
    "<rootDir>/__tests__/stacks/proton-day2\\.test\\.ts$",
    "<rootDir>/__tests__/cli/",
    "<rootDir>/__tests__/app/(cdktf-output|lock|output|signals)\\.test\\.ts$",
    // The 400-project organisation, synthesized twice through the synth command's batches.
    "<rootDir>/__tests__/app/organisation\\.test\\.ts$",
    "<rootDir>/__tests__/(main|imports)\\.test\\.ts$",
    "<rootDir>/__tests__/config/bad-input\\.test\\.ts$",
    "<rootDir>/__tests__/doctor/cli\\.test\\.ts$",
    "<rootDir>/__tests__/report/(drift-)?post\\.test\\.ts$",
    // Twenty-odd node processes, each with the code cache of the app's start-up (2.4 CPU-s).
    "<rootDir>/__tests__/scripts/code-cache\\.test\\.ts$",
    // Four node processes loading cdktf, one of them the app on an example (1.3 CPU-s).
    "<rootDir>/__tests__/scripts/lazy-requires\\.test\\.ts$",
    // Runs tsc and ESLint on a project of its own, five times (about 1 CPU-s each): the tooling, not the product.
    "<rootDir>/__tests__/scripts/typecheck-lint\\.test\\.ts$",
  ],
};
