#!/usr/bin/env node
/*
 * The cdktf app command. Runs main.ts compiled to .build/main.js by esbuild (our sources
 * bundled, packages left to node_modules), rebuilding only when a source is newer than the
 * bundle: synthesis then costs about 2x a bare `require("cdktf")`, where tsx costs 5x.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const bundle = path.join(root, ".build", "main.js");
const SOURCE_DIRS = ["app", "config", "stacks", "modules"];

function newestSource() {
  let newest = fs.statSync(path.join(root, "main.ts")).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(root, dir));
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
    entryPoints: [path.join(root, "main.ts")],
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
require(bundle);
