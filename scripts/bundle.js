/*
 * Our TypeScript sources bundled by esbuild into one CommonJS file (packages left to
 * node_modules), for the cdktf app (scripts/run-app.js) and the command line
 * (bin/gitlab-aws-delivery.js), which load theirs through loadBundle. A bundle is rebuilt
 * only when it is out of date: esbuild's metafile, written beside it (`<name>.meta.json`),
 * lists every file the bundle was made of, whatever folder it is in; the bundle is rebuilt
 * when it or its metafile is missing, or when one of those files, or this one (the build
 * settings), is newer than it or gone.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** The metafile of a bundle: `.build/main.js` → `.build/main.meta.json`. */
function metafileOf(outfile) {
  return outfile.replace(/\.js$/, "") + ".meta.json";
}

/** Whether `outfile` was built after every file it was made of last changed. */
function isFresh(root, outfile) {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const { inputs } = JSON.parse(fs.readFileSync(metafileOf(outfile), "utf8"));
    const files = [...Object.keys(inputs).map((input) => path.resolve(root, input)), __filename];
    return files.every((file) => fs.statSync(file).mtimeMs <= built);
  } catch {
    // No bundle, no metafile, or an input gone: build.
    return false;
  }
}

/**
 * Builds `entry` (relative to `root`) into `outfile` unless it is fresh. Returns whether it
 * built. The bundle and its metafile are written beside their final names and renamed, so
 * parallel runs never read half a file; the bundle's time is when its build began, so a
 * source saved while it was being built is newer than it, and the next run builds again.
 */
function freshBundle({ root, entry, outfile }) {
  if (isFresh(root, outfile)) return false;
  const { buildSync } = require("esbuild");
  const started = new Date();
  const temp = `${outfile}.${process.pid}.tmp`;
  const metaTemp = `${metafileOf(outfile)}.${process.pid}.tmp`;
  try {
    const result = buildSync({
      absWorkingDir: root,
      entryPoints: [path.join(root, entry)],
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      packages: "external",
      outfile: temp,
      metafile: true,
      logLevel: "error",
    });
    fs.writeFileSync(metaTemp, JSON.stringify(result.metafile));
    fs.utimesSync(temp, started, started);
    // The metafile first: a bundle is only ever read beside a metafile at least as new.
    fs.renameSync(metaTemp, metafileOf(outfile));
    fs.renameSync(temp, outfile);
  } finally {
    fs.rmSync(temp, { force: true });
    fs.rmSync(metaTemp, { force: true });
  }
  return true;
}

/**
 * Requires the bundle of `entry` as the app and the command run it; its exports. First V8's
 * compiled code kept between runs is installed (code-cache.js, in .build/code-cache/), then the
 * bundle is rebuilt if stale, then the modules it may not use are deferred to their first use
 * (lazy-requires.js: after the build, so that the bundle's folder exists to be resolved).
 */
function loadBundle({ root, entry, outfile }) {
  require("./code-cache").installCodeCache(path.join(root, ".build", "code-cache"));
  freshBundle({ root, entry, outfile });
  require("./lazy-requires").deferRequires(path.dirname(outfile));
  return require(outfile);
}

module.exports = { freshBundle, loadBundle, metafileOf };
