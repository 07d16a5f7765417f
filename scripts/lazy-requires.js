/*
 * Modules the app and the command load and may never run, loaded at their first use instead:
 * - archiver (with readable-stream, lodash, glob, zip-stream and ~60 modules), which cdktf 0.21
 *   requires as it loads, in cdktf/lib/private/fs.js, yet calls only in the process that file
 *   starts to zip an asset (archiveSync runs `node fs.js <src> <dest>`, where fs.js is the main
 *   module): the example's synthesis 0.49 -> 0.41 CPU-s (medians of 12 alternating runs);
 * - the provider bindings our bundles name (@cdktf/provider-aws/lib/<type> and
 *   @cdktf/provider-gitlab/lib/<type>, one module per resource type, 53 of them): every type some
 *   feature makes is named, and a config uses those of its features (the example, 26 of them;
 *   2 MB of the bindings it loaded were never run): 0.400 -> 0.365 CPU-s (medians of 12).
 * Each such require gets a stand-in that loads the module the first time it is called or one of
 * its properties is read (esbuild's bundles read a binding as `import_x.LambdaFunction`), so
 * nothing changes for code that does use it.
 */
"use strict";
const Module = require("node:module");
const path = require("node:path");

/** The module of cdktf that requires archiver. */
const CDKTF_FS = path.join("node_modules", "cdktf", "lib", "private", "fs.js");
const PROVIDER_BINDING = /^@cdktf\/provider-(aws|gitlab)\/lib\/[^/]+$/;

/** A stand-in for a module: `load` runs at its first call, construction, property read or `in`. */
function lazyModule(load) {
  let loaded;
  const real = () => (loaded ??= load());
  return new Proxy(function deferred() {}, {
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    construct: (_target, args) => Reflect.construct(real(), args),
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
  const bundles = path.resolve(bundleDir) + path.sep;
  Module._load = function deferringLoad(request, parent, isMain) {
    const from = parent ? String(parent.filename) : "";
    if ((request === "archiver" && from.endsWith(path.sep + CDKTF_FS)) || (PROVIDER_BINDING.test(request) && from.startsWith(bundles)))
      return lazyModule(() => load.call(Module, request, parent, isMain));
    return load.apply(this, arguments);
  };
}

module.exports = { deferRequires, lazyModule };
