#!/usr/bin/env node
/*
 * The cdktf app command. Runs main.ts compiled to .build/main.js by esbuild (our sources
 * bundled, packages left to node_modules), rebuilt only when a file it was made of is newer
 * than it (scripts/bundle.js): synthesis then costs about 2x a bare `require("cdktf")`,
 * where tsx costs 5x. The modules' compiled code is kept for the next run (scripts/code-cache.js).
 */
"use strict";
const path = require("node:path");
const { freshBundle } = require("./bundle");
const { installCodeCache } = require("./code-cache");
const { deferRequires } = require("./lazy-requires");

const root = path.join(__dirname, "..");
installCodeCache(path.join(root, ".build", "code-cache"));
const bundle = path.join(root, ".build", "main.js");
freshBundle({ root, entry: "main.ts", outfile: bundle });
deferRequires(path.dirname(bundle));
require(bundle);
