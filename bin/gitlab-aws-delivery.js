#!/usr/bin/env node
/*
 * The `gitlab-aws-delivery` command (package.json "bin"). Runs cli/main.ts compiled to
 * .build/cli.js by esbuild (our sources bundled, packages left to node_modules), rebuilding
 * only when a source is newer than the bundle, as scripts/run-app.js does for the cdktf app:
 * `--help` answers in about 0.1 s, where tsx takes about 0.5 s.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const bundle = path.join(root, ".build", "cli.js");
/** Every folder the command's code comes from (subcommands load theirs when they run). */
const SOURCE_DIRS = ["app", "bench", "cli", "config", "modules", "policy", "report", "scripts", "stacks"];

function newestSource() {
  let newest = fs.statSync(path.join(root, "package.json")).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

function bundleIsFresh() {
  try {
    return fs.statSync(bundle).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

if (!bundleIsFresh()) {
  const { buildSync } = require("esbuild");
  // Written beside the final file and renamed, so parallel runs never read half a bundle.
  const temp = `${bundle}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [path.join(root, "cli", "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    outfile: temp,
    logLevel: "error",
  });
  fs.renameSync(temp, bundle);
}
require(bundle)
  .main(process.argv.slice(2))
  .catch((e) => {
    process.stderr.write(`gitlab-aws-delivery: internal error, please report it:\n${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  });
