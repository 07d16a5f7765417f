// Preloaded into a measured process: appends its peak resident memory (KiB) to a file.
"use strict";
const file = process.env.BENCH_RSS_FILE;
if (file) process.on("exit", () => require("node:fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
