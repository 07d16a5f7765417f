#!/usr/bin/env node
/*
 * `npm test`'s type check and ESLint in one process and one TypeScript program: tsc and
 * ESLint's typed rules (no-floating-promises) each built the whole program of tsconfig.json
 * (12 and 14 CPU-s), the same files read, parsed and checked twice.
 *
 * First tsc itself runs (TypeScript's executeCommandLine, what the tsc binary runs): its
 * messages, their format and its exit code are tsc's. That function is exported at run time but
 * not declared in typescript.d.ts: an upgrade of the (pinned) typescript that drops it fails here
 * with a clear message, and __tests__/scripts/typecheck-lint.test.ts checks tsc's texts. Then ESLint (its Node API, the
 * project's eslint.config.mjs) lints as `eslint .` does, its typed rules given tsc's program
 * (typescript-eslint's parserOptions.programs) instead of building their own. Prints tsc's
 * messages, then ESLint's (stylish, as the CLI); exits with tsc's code when it failed, else
 * ESLint's (1 for a rule broken, 2 when ESLint itself fails). Plain JavaScript, as a script
 * run by tsx would add its start-up to every run. `npm run typecheck` and `npm run lint` still
 * run tsc and eslint themselves.
 *
 * Usage: node scripts/typecheck-lint.js   (in the project's folder: tsconfig.json, eslint.config.mjs)
 * `npm test` gives node a larger young generation (--max-semi-space-size=64): the checker's
 * short-lived objects then cost fewer collections (about 1.5 of 18 CPU-s, measured).
 */
"use strict";
const ts = require("typescript");
const { ESLint } = require("eslint");
const { RESULTS_FILE, lintWithKeptResults } = require("./lint-results");

/**
 * tsc's incremental mode, its build information in the project's own .build/ (git-ignored, beside
 * the bundles; not node_modules/.cache, which may be a link shared with another project): a file
 * whose text and whose dependencies' declarations are unchanged since the last run is not checked
 * again, its messages read back (warm: 17-20 -> 13-14 CPU-s for both tools; a fresh clone checks
 * everything). The program handed to ESLint is the same.
 */
const INCREMENTAL = ["--incremental", "--tsBuildInfoFile", ".build/tsconfig.tsbuildinfo"];

/** Runs tsc -p tsconfig.json in this process; its exit code, the program it checked and tsc's builder of it. */
function typecheck() {
  if (typeof ts.executeCommandLine !== "function")
    throw new Error(`typescript ${ts.version} has no executeCommandLine: run tsc and eslint apart (npm run typecheck, npm run lint)`);
  let program;
  let builder;
  let code;
  // tsc ends by calling sys.exit; here it only hands over the code.
  const sys = {
    ...ts.sys,
    exit: (exitCode) => {
      code = exitCode ?? 0;
    },
  };
  ts.executeCommandLine(
    sys,
    (built) => {
      program = typeof built.getProgram === "function" ? built.getProgram() : built;
      builder = typeof built.getAllDependencies === "function" ? built : undefined;
    },
    ["-p", "tsconfig.json", ...INCREMENTAL],
  );
  return { code: code ?? 0, program, builder };
}

/**
 * `eslint .` with the typed rules reading `program`; ESLint's CLI's exit code. With tsc's builder,
 * a file whose result cannot have changed is not linted again (scripts/lint-results.js);
 * TYPECHECK_LINT_STATS=1 says on stderr how many were.
 */
async function lint(program, builder) {
  try {
    const eslint = new ESLint({
      // projectService off: typescript-eslint then takes each file from the given program.
      overrideConfig: { languageOptions: { parserOptions: { projectService: false, programs: [program] } } },
    });
    let results;
    if (builder) {
      const run = await lintWithKeptResults({ ts, eslint, ESLint, builder, root: process.cwd() });
      results = run.results;
      if (process.env.TYPECHECK_LINT_STATS === "1")
        console.error(`eslint: ${run.linted} of ${run.total} files linted, the others' results read from ${RESULTS_FILE}`);
    } else results = await eslint.lintFiles(["."]);
    const formatter = await eslint.loadFormatter("stylish");
    const output = await formatter.format(results, { cwd: process.cwd(), rulesMeta: eslint.getRulesMetaForResults(results) });
    if (output) console.log(output);
    return results.some((r) => r.errorCount > 0) ? 1 : 0;
  } catch (e) {
    console.error(`\nOops! Something went wrong! :(\n\nESLint: ${ESLint.version}\n\n${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

async function main() {
  const checked = typecheck();
  // Without a program (tsconfig.json unreadable) tsc has said why; ESLint could only fail too.
  if (!checked.program) return checked.code || 1;
  const linted = await lint(checked.program, checked.builder);
  return checked.code || linted;
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exitCode = 2;
  },
);
