/*
 * Jest's runtime, with V8's code cache kept across the test files a worker runs. Jest loads
 * every module afresh for each test file (its module registry is per file), and V8 compiled
 * each one afresh too: cdktf and the provider bindings, about 10 MB of JavaScript per file.
 * Here a worker compiles a source once; when a later file needs it, V8's cached data is taken
 * from that first compilation after it has run, so it holds the functions the first file
 * compiled lazily as well (what V8 offers right after compiling holds the top level only), and
 * the later file compiles from it. Modules are still evaluated per file, in each file's own
 * context: only the compilation is shared. Where jest's internals differ from what this
 * expects (another jest version), or a source does not compile this way, it compiles as jest does.
 */
const { Script } = require("node:vm");
const Runtime = require("jest-runtime").default;

/** filename → the source, and the first Script compiled from it or V8's cached data taken from that Script. */
const compiled = new Map();

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    if (!executor || typeof executor.compile !== "function" || !Array.isArray(executor.injectedModuleParameters)) return;
    const jestCompile = executor.compile;
    executor.compile = function compile(scriptSource, filename) {
      const vmContext = this.environment.getVmContext();
      if (vmContext == null || this.resolution.isCoreModule(filename)) return jestCompile.call(this, scriptSource, filename);
      const params = this.injectedModuleParameters;
      const key = `${params.join(",")}\n${filename}`;
      let before = compiled.get(key);
      if (before !== undefined && before.source !== scriptSource) before = undefined;
      if (before?.script) {
        before = { source: scriptSource, data: before.script.createCachedData() };
        compiled.set(key, before);
      }
      let script;
      try {
        // The wrapper on a line of its own, and lineOffset -1: the module's lines and columns as in its file.
        script = new Script(`(function (${params.join(", ")}) {\n${scriptSource}\n})`, {
          filename,
          lineOffset: -1,
          cachedData: before?.data,
          importModuleDynamically: (specifier, _script, importAttributes, phase) => this.dynamicImport(specifier, filename, vmContext, importAttributes, phase),
        });
      } catch {
        // Jest's compile reports syntax errors its own way.
        return jestCompile.call(this, scriptSource, filename);
      }
      if (before === undefined) compiled.set(key, { source: scriptSource, script });
      else if (script.cachedDataRejected) compiled.delete(key);
      return script.runInContext(vmContext);
    };
  }
}

module.exports = CodeCacheRuntime;
