/*
 * V8's compiled code of the CommonJS modules a process loads, kept in .build/code-cache/ for
 * the next process: what node 22's module.enableCompileCache() does, for node 20, whose
 * loader compiles every module afresh. The cdktf app loads about 600 modules (cdktf, the
 * provider bindings, yaml, zod and what they need): with their code cached, a synthesis of
 * the example costs about a fifth less CPU (0.58 -> 0.47 CPU-s, medians of 12 alternating runs).
 *
 * One file per module, named by a hash of its path, holding a hash of the module's text and
 * V8's cached data, in a folder per set of the process's node and V8 options (at most four
 * folders: the least recently written go). The data is taken when the process exits, after
 * the module ran, so it holds the functions compiled lazily during the run too; a module whose file has no data,
 * or whose data V8 refused (another text, node version or V8 flags), gets it then. Files are
 * written under a temporary name and renamed: processes running at once (a parallel synth)
 * never read half a file. Where anything here fails, the module is compiled as node does.
 *
 * Modules are compiled as node 20's Module.prototype._compile does (the same wrapper, the
 * same `require` with resolve, resolve.paths, main, extensions and cache) and run in the main
 * context. Left to node's own _compile: an ES module, a module node 20 would treat otherwise
 * (ES module syntax in a .js file fails to compile here), one that may import() (ESLint loads its
 * config so), and every module while source maps are on. DELIVERY_CODE_CACHE=0 turns this off.
 */
"use strict";
const Module = require("node:module");
const vm = require("node:vm");
const fs = require("node:fs");
const path = require("node:path");
const { createHash } = require("node:crypto");

// The head on a line of its own (and lineOffset -1): errors give the module's own lines and columns.
const WRAPPER = ["(function (exports, require, module, __filename, __dirname) {\n", "\n});"];
/** A dynamic import, however spaced or commented (a Script made here could not run it). */
const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;
const HASH_BYTES = 20;

const sha1 = (...parts) => {
  const hash = createHash("sha1");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest();
};

/** node's makeRequireFunction (lib/internal/modules/helpers.js) for `mod`. */
function requireOf(mod) {
  const require = (id) => mod.require(id);
  const resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Options whose value is a file or code to run, not a setting of V8's: their values do not part the data. */
const RUN_OPTIONS = new Set(["-r", "--require", "--import", "--loader", "--experimental-loader", "-e", "--eval", "-p", "--print"]);

/** A folder name for a process's node and V8 options, the files and code it was told to run left out. */
function optionsKey(execArgv, nodeOptions) {
  const settings = [];
  const words = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  for (let i = 0; i < words.length; i++) {
    const [name] = words[i].split("=", 1);
    if (RUN_OPTIONS.has(name)) {
      if (!words[i].includes("=")) i++;
    } else settings.push(words[i]);
  }
  return sha1(JSON.stringify(settings)).toString("hex").slice(0, 12);
}

/** Folders kept: one per set of options in use, the least recently written removed past this. */
const MAX_FOLDERS = 4;

/** Removes all but the MAX_FOLDERS most recently written folders of `dir` (`kept` among them). */
function pruneFolders(dir, kept) {
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && path.join(dir, e.name) !== kept)
    .map((e) => ({ name: path.join(dir, e.name), written: fs.statSync(path.join(dir, e.name)).mtimeMs }))
    .sort((a, b) => b.written - a.written);
  for (const old of folders.slice(MAX_FOLDERS - 1)) fs.rmSync(old.name, { recursive: true, force: true });
}

/**
 * Installs the cache in this process for modules loaded from now on, its files in `dir`; where
 * node has its own (22.1 and later), that one, unless `nodeCache` is false. Returns false when
 * DELIVERY_CODE_CACHE=0 turns it off.
 */
function installCodeCache(dir, { nodeCache = true } = {}) {
  if (process.env.DELIVERY_CODE_CACHE === "0") return false;
  if (nodeCache && typeof Module.enableCompileCache === "function") {
    Module.enableCompileCache(dir);
    return true;
  }
  const compile = Module.prototype._compile;
  /** Scripts compiled without usable data, and where their data goes. */
  const toWrite = [];
  // V8 refuses data made under other flags. A process that changes its flags while it runs
  // (app/batch-memory.ts sets --expose-gc for a collection) would write data the next process
  // refuses, and that one would write it back: such a process writes nothing. This script's
  // data, taken now, is refused at exit exactly when the flags changed.
  // (Another name for the script at exit: V8 would otherwise take it from its own cache and never look at the data.)
  const probe = new vm.Script("0", { filename: "code-cache-probe-start" }).createCachedData();
  const flagsUnchanged = () => !new vm.Script("0", { filename: "code-cache-probe-exit", cachedData: probe }).cachedDataRejected;
  // Processes started with other options (node's or V8's, on the command line or in NODE_OPTIONS)
  // keep their data apart, so that they never refuse and rewrite each other's.
  const folder = path.join(dir, optionsKey(process.execArgv, process.env.NODE_OPTIONS ?? ""));
  Module.prototype._compile = function cachedCompile(content, filename, format) {
    // Left to node: an ES module (node 20 passes format "module" for .mjs and "type": "module"), a
    // module that may import() (a vm.Script imports only through an experimental option of node
    // 20, which warns on stderr), and any module while source maps are on (node registers each
    // module's map as it compiles it).
    if (format === "module" || process.sourceMapsEnabled || DYNAMIC_IMPORT.test(content)) return compile.apply(this, arguments);
    let script;
    let entry;
    let textHash;
    try {
      entry = path.join(folder, sha1(filename).toString("hex"));
      // The wrapper's text too: data made with another wrapper is another program's.
      textHash = sha1(WRAPPER[0], content);
      let cachedData;
      try {
        const stored = fs.readFileSync(entry);
        if (stored.length > HASH_BYTES && stored.subarray(0, HASH_BYTES).equals(textHash)) cachedData = stored.subarray(HASH_BYTES);
      } catch {
        // not cached yet
      }
      script = new vm.Script(WRAPPER[0] + content + WRAPPER[1], { filename, lineOffset: -1, cachedData });
      if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, entry, textHash });
    } catch {
      return compile.apply(this, arguments);
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireOf(this), this, filename, path.dirname(filename));
  };
  process.once("exit", () => {
    if (toWrite.length === 0 || !flagsUnchanged()) return;
    try {
      if (!fs.existsSync(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        pruneFolders(dir, folder);
      }
    } catch {
      return;
    }
    for (const { script, entry, textHash } of toWrite) {
      const temporary = `${entry}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(temporary, Buffer.concat([textHash, script.createCachedData()]));
        fs.renameSync(temporary, entry);
      } catch {
        try {
          fs.rmSync(temporary, { force: true });
        } catch {
          // nothing to remove
        }
      }
    }
  });
  return true;
}

module.exports = { installCodeCache };
