/*
 * Preloaded into a synth (`node -r this-file scripts/run-app.js`; its workers inherit it) to
 * hold it in the middle of its synthesis without using CPU: the process's first write of a
 * stack's cdk.tf.json blocks, as cdktf's synthesis blocks the event loop. The synth that was
 * started goes on once the file HOLD_RELEASE names exists; a worker process (of a synth in
 * several processes) goes on only after HOLD_MAX_MS (20 s), so it is still synthesizing when
 * it is stopped. A test that stops or races a synth then needs no fleet large enough to be
 * still synthesizing when it acts.
 */
"use strict";
const fs = require("node:fs");

const release = process.env.HOLD_RELEASE;
const worker = Boolean(process.env.DELIVERY_SYNTH_SHARD);
const maxMs = Number(process.env.HOLD_MAX_MS || 20_000);
const writeFileSync = fs.writeFileSync;
const cell = new Int32Array(new SharedArrayBuffer(4));
let held = false;

fs.writeFileSync = function (file, ...rest) {
  if (release && !held && typeof file === "string" && file.endsWith("cdk.tf.json")) {
    held = true;
    const deadline = Date.now() + maxMs;
    // Signals that arrive meanwhile are handled after this write, as after a long synthesis.
    while (Date.now() < deadline && (worker || !fs.existsSync(release))) Atomics.wait(cell, 0, 0, 20);
  }
  return writeFileSync.call(this, file, ...rest);
};
