/*
 * Preloaded into a synth (`node -r this-file scripts/run-app.js`) to simulate a disk that
 * fails once: the FAULT_AT-th call that creates or moves something under FAULT_ROOT throws
 * ENOSPC instead. FAULT_COUNT_FILE receives the number of such calls the run made (with
 * FAULT_AT=0, a clean run, to know how many points of failure there are). Required by a test
 * before the app's modules, the same faults in its own process: `faults` is set per run
 * (root, at; calls counts), `restore()` puts node's fs back.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const faults = { root: process.env.FAULT_ROOT, at: Number(process.env.FAULT_AT || 0), calls: 0 };
const countFile = process.env.FAULT_COUNT_FILE;
const writeFile = fs.writeFileSync;

function touch(target) {
  if (!faults.root || typeof target !== "string" || !path.resolve(target).startsWith(faults.root + path.sep)) return;
  faults.calls += 1;
  if (faults.calls !== faults.at) return;
  const e = new Error(`ENOSPC: no space left on device, injected fault ${faults.calls}, '${target}'`);
  Object.assign(e, { code: "ENOSPC", errno: -28, syscall: "write", path: target });
  throw e;
}

const writesTo = {
  renameSync: (args) => args[1],
  cpSync: (args) => args[1],
  copyFileSync: (args) => args[1],
  linkSync: (args) => args[1],
  writeFileSync: (args) => args[0],
  mkdirSync: (args) => args[0],
  openSync: (args) => (/[wa+]/.test(String(args[1] ?? "r")) ? args[0] : undefined),
};
const originals = {};
for (const [name, target] of Object.entries(writesTo)) {
  const original = (originals[name] = fs[name]);
  fs[name] = function (...args) {
    touch(target(args));
    return original.apply(this, args);
  };
}
if (countFile) process.on("exit", () => writeFile(countFile, String(faults.calls)));

module.exports = { faults, restore: () => Object.assign(fs, originals) };
