/*
 * Modules the app and the command load and may never run, loaded at their first use instead:
 * - archiver (with readable-stream, lodash, glob, zip-stream and ~60 modules), which cdktf 0.21
 *   requires as it loads, in cdktf/lib/private/fs.js, yet calls only in the process that file
 *   starts to zip an asset (archiveSync runs `node fs.js <src> <dest>`, where fs.js is the main
 *   module): the example's synthesis 0.49 -> 0.41 CPU-s (medians of 12 alternating runs);
 * - the provider bindings our bundles name (@cdktf/provider-aws/lib/<type> and
 *   @cdktf/provider-gitlab/lib/<type>, one module per resource type, 53 of them): every type some
 *   feature makes is named, and a config uses those of its features (the example, 26 of them;
 *   2 MB of the bindings it loaded were never run): 0.395 -> 0.360 CPU-s (medians of 12).
 * Each such require gets a stand-in that loads the module the first time it is called or one of
 * its properties is read. That is all the stand-in forwards: esbuild's bundles read a binding
 * only as a property (`new import_x.LambdaFunction(...)`), which __tests__/scripts/lazy-requires.test.ts
 * checks in both bundles; a namespace import or `export *` of a binding would see an empty object.
 */
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/** The module of cdktf that requires archiver. */
const CDKTF_FS = path.join("node_modules", "cdktf", "lib", "private", "fs.js");
const PROVIDER_BINDING = /^@cdktf\/provider-(aws|gitlab)\/lib\/[^/]+$/;

/** A stand-in for a module: `load` runs at its first call, property read or `in` (once: a failed load throws the same error again). */
function lazyModule(load) {
  let state;
  const real = () => {
    if (!state) {
      try {
        state = { exports: load() };
      } catch (error) {
        state = { error };
      }
    }
    if ("error" in state) throw state.error;
    return state.exports;
  };
  return new Proxy(function deferred() {}, {
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    get: (_target, key) => Reflect.get(real(), key),
    has: (_target, key) => Reflect.has(real(), key),
  });
}

/**
 * From now on, archiver required by cdktf's fs.js, and a provider binding required by a module
 * in `bundleDir` (our esbuild bundles), are stand-ins from lazyModule.
 */
function deferRequires(bundleDir) {
  const load = Module._load;
  // As given and as the file system resolves it: a bundle's file name is its real path, unless
  // node keeps links (--preserve-symlinks), and the folder may be given through a link.
  const bundles = new Set([path.resolve(bundleDir)]);
  try {
    bundles.add(fs.realpathSync(bundleDir));
  } catch {
    // no such folder (yet): its path as given is all there is to compare
  }
  Module._load = function deferringLoad(request, parent, isMain) {
    const from = parent ? String(parent.filename) : "";
    if ((request === "archiver" && from.endsWith(path.sep + CDKTF_FS)) || (PROVIDER_BINDING.test(request) && bundles.has(path.dirname(from))))
      return lazyModule(() => load.call(Module, request, parent, isMain));
    return load.apply(this, arguments);
  };
}

module.exports = { deferRequires, lazyModule };
