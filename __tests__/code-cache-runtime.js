/*
 * Jest's runtime, with V8's code cache kept across the test files a worker runs. Jest loads
 * every module afresh for each test file (its module registry is per file), and V8 compiled
 * each one afresh too: cdktf and the provider bindings, about 8 MB of JavaScript per file.
 * Here the first compile of a source in a worker keeps V8's cached data, and later files
 * compile the same source from it. Modules are still evaluated per file, in each file's own
 * context: only the compilation is shared. Where jest's internals differ from what this
 * expects (another jest version), it compiles as jest does.
 */
const { compileFunction } = require("node:vm");
const Runtime = require("jest-runtime").default;

/** filename → the source compiled and V8's cached data for it, for the worker's lifetime. */
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
      const before = compiled.get(key);
      const reuse = before !== undefined && before.source === scriptSource;
      let fn;
      try {
        fn = compileFunction(scriptSource, params, {
          filename,
          parsingContext: vmContext,
          cachedData: reuse ? before.data : undefined,
          produceCachedData: !reuse,
          importModuleDynamically: (specifier, _function, importAttributes, phase) =>
            this.dynamicImport(specifier, filename, vmContext, importAttributes, phase),
        });
      } catch {
        // Jest's compile reports syntax errors its own way.
        return jestCompile.call(this, scriptSource, filename);
      }
      if (!reuse && fn.cachedDataProduced) compiled.set(key, { source: scriptSource, data: fn.cachedData });
      if (reuse && fn.cachedDataRejected) compiled.delete(key);
      return fn;
    };
  }
}

module.exports = CodeCacheRuntime;
