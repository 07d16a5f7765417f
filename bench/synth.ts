/*
 * npm run bench: wall time and peak memory of synthesizing the example (the cdktf app
 * command, as `cdktf synth` runs it), next to the floor `node -e 'require("cdktf")'`
 * measured in the same run. Targets (issue #2): <= 2.5x the floor, <= 150 MiB.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

interface Sample {
  seconds: number;
  peakMiB: number;
}

function measure(args: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const rssFile = join(dir, "rss");
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", join(__dirname, "peak-rss.js"), ...args], {
    cwd: root,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, CDKTF_OUTDIR: join(dir, "out"), ...env },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stderr}`);
  const peakKiB = Math.max(...readFileSync(rssFile, "utf8").trim().split("\n").map(Number));
  rmSync(dir, { recursive: true, force: true });
  return { seconds, peakMiB: peakKiB / 1024 };
}

function series(label: string, args: string[]): Sample {
  measure(args); // warm the file cache (and the app's bundle) before timing
  const samples = Array.from({ length: RUNS }, () => measure(args));
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const peak = Math.max(...samples.map((s) => s.peakMiB));
  console.log(`${label.padEnd(44)} median ${median.toFixed(3)} s   peak ${peak.toFixed(0)} MiB   (${RUNS} runs)`);
  return { seconds: median, peakMiB: peak };
}

const floor = series(`floor: node -e 'require("cdktf")'`, ["-e", 'require("cdktf")']);
const synth = series("synth delivery.yaml: node scripts/run-app.js", [join(root, "scripts", "run-app.js")]);
const ratio = synth.seconds / floor.seconds;
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
console.log(`time ratio ${ratio.toFixed(2)}x the floor (target <= 2.5x: ${verdict(ratio <= 2.5)})`);
console.log(`peak memory ${synth.peakMiB.toFixed(0)} MiB (target <= 150 MiB: ${verdict(synth.peakMiB <= 150)})`);
