#!/usr/bin/env node
/*
 * The `gitlab-aws-delivery` command (package.json "bin"). Runs cli/main.ts compiled to
 * .build/cli.js by esbuild (our sources bundled, packages left to node_modules), rebuilt
 * only when a file it was made of is newer than it (scripts/bundle.js), as for the cdktf
 * app: `--help` answers in about 0.1 s, where tsx takes about 0.5 s. The modules' compiled
 * code is kept for the next run (scripts/code-cache.js), and modules it may not use are loaded
 * at their first use (scripts/lazy-requires.js).
 */
"use strict";
const path = require("node:path");
const { loadBundle } = require("../scripts/bundle");

// A reader that stops early (`| head`) closes the pipe: the rest is not wanted, and no error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const root = path.join(__dirname, "..");
loadBundle({ root, entry: "cli/main.ts", outfile: path.join(root, ".build", "cli.js") })
  .main(process.argv.slice(2))
  .catch((e) => {
    process.stderr.write(`gitlab-aws-delivery: internal error, please report it:\n${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  });
