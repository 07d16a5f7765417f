/*
 * cdktf 0.21 loads archiver (and with it readable-stream, lodash, glob, zip-stream and the rest)
 * as it loads, in cdktf/lib/private/fs.js, yet calls it only in the process that file starts to
 * zip an asset (archiveSync runs `node fs.js <src> <dest>`, where fs.js is the main module).
 * The app and the command loaded it for nothing: a sixth of the example's synthesis
 * (0.485 -> 0.410 CPU-s, medians of 12 alternating runs). Here that one require gets a
 * stand-in that loads archiver the first time it is called or read, so nothing changes for a
 * cdktf that does call it in the process.
 */
"use strict";
const Module = require("node:module");
const path = require("node:path");

/** The module of cdktf that requires archiver. */
const CDKTF_FS = path.join("node_modules", "cdktf", "lib", "private", "fs.js");

/** A stand-in for a module whose exports are a function: `load` runs at its first call or property read. */
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

/** From now on, cdktf's fs.js gets archiver through lazyModule. */
function deferArchiver() {
  const load = Module._load;
  Module._load = function deferringLoad(request, parent, isMain) {
    if (request === "archiver" && parent && String(parent.filename).endsWith(path.sep + CDKTF_FS))
      return lazyModule(() => load.call(Module, request, parent, isMain));
    return load.apply(this, arguments);
  };
}

module.exports = { deferArchiver, lazyModule, CDKTF_FS };
