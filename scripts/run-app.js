#!/usr/bin/env node
/*
 * The cdktf app command. Runs main.ts compiled to .build/main.js by esbuild (our sources
 * bundled, packages left to node_modules), rebuilt only when a file it was made of is newer
 * than it (scripts/bundle.js): synthesis then costs about 2x a bare `require("cdktf")`,
 * where tsx costs 5x. The modules' compiled code is kept for the next run (scripts/code-cache.js),
 * and modules it may not use are loaded at their first use (scripts/lazy-requires.js).
 */
"use strict";
const path = require("node:path");
const { loadBundle } = require("./bundle");

const root = path.join(__dirname, "..");
loadBundle({ root, entry: "main.ts", outfile: path.join(root, ".build", "main.js") });
