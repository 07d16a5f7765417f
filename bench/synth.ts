/*
 * `gitlab-aws-delivery bench` (cli/bench.ts): wall time and peak memory of synthesizing the
 * example (the cdktf app command, as `cdktf synth` runs it), next to the floor
 * `node -e 'require("cdktf")'` measured in the same run, then a fleet series, then the plan
 * report command on 10,000 changes. Targets: the example <= 2.5x the floor and
 * <= 150 MiB; 500 projects <= 5 s and <= 800 MiB, growing about linearly.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { measureOrganisation } from "./organisation";

/** The project root (where package.json is), from the sources or from a bundle in .build/. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const root = projectRoot();

interface Sample {
  seconds: number;
  peakMiB: number;
  /** Resources in the largest stack written. */
  largestStack?: number;
}

function measure(args: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const rssFile = join(dir, "rss");
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", join(root, "bench", "peak-rss.js"), ...args], {
    cwd: root,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, CDKTF_OUTDIR: join(dir, "out"), ...env },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stderr}`);
  // Every process of the run (workers included) appends its peak; the largest is reported.
  const peakKiB = Math.max(...readFileSync(rssFile, "utf8").trim().split("\n").map(Number));
  let largestStack: number | undefined;
  try {
    largestStack = Math.max(
      ...readdirSync(join(dir, "out", "stacks")).map((s) => {
        const stack = JSON.parse(readFileSync(join(dir, "out", "stacks", s, "cdk.tf.json"), "utf8"));
        return Object.values<Record<string, unknown>>(stack.resource ?? {}).reduce((n, blocks) => n + Object.keys(blocks).length, 0);
      }),
    );
  } catch {
    largestStack = undefined;
  }
  rmSync(dir, { recursive: true, force: true });
  return { seconds, peakMiB: peakKiB / 1024, largestStack };
}

function series(label: string, args: string[], env: NodeJS.ProcessEnv, runs: number): Sample {
  measure(args, env); // warm the file cache (and the app's bundle) before timing
  const samples = Array.from({ length: runs }, () => measure(args, env));
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const peak = Math.max(...samples.map((s) => s.peakMiB));
  console.log(`${label.padEnd(44)} median ${median.toFixed(3)} s   peak ${peak.toFixed(0)} MiB   (${runs} runs)`);
  return { seconds: median, peakMiB: peak, largestStack: samples[0].largestStack };
}

/** A fleet config of n projects over 10 top-level groups (so 10 team stacks at scale). */
function fleetConfig(n: number): string {
  const lines = ["name: bench-fleet", "aws:", "  region: eu-west-1", "connection:", "  name: bench-fleet", "projects:"];
  for (let i = 0; i < n; i++) {
    lines.push(`  - path: group-${i % 10}/team-${i % 7}/service-${i}`, `    deployToken: { expiresAt: "2030-06-30" }`);
  }
  return `${lines.join("\n")}\n`;
}

export interface BenchOptions {
  /** Timed runs per measurement of the example (the fleet series uses 3). @default 7 */
  readonly runs: number;
  /** Fleet sizes, in projects. @default [1, 50, 200, 500] */
  readonly fleet: readonly number[];
  /** Projects of the organisation series (one top-level group, teams of 50); 0 skips it. @default 10000 */
  readonly org: number;
}

/** Measures and prints; throws when a measured command fails. */
export function runBench(options: BenchOptions): void {
  const floor = series(`floor: node -e 'require("cdktf")'`, ["-e", 'require("cdktf")'], {}, options.runs);
  const synth = series("synth delivery.yaml: node scripts/run-app.js", [join(root, "scripts", "run-app.js")], {}, options.runs);
  const ratio = synth.seconds / floor.seconds;
  const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
  console.log(`time ratio ${ratio.toFixed(2)}x the floor (target <= 2.5x: ${verdict(ratio <= 2.5)})`);
  console.log(`peak memory ${synth.peakMiB.toFixed(0)} MiB (target <= 150 MiB: ${verdict(synth.peakMiB <= 150)})`);

  console.log("\nfleet series (10 top-level groups; processes used: min(cores, projects/100 + 1))");
  const fleetDir = mkdtempSync(join(tmpdir(), "bench-fleet-"));
  const fleet: Array<[number, Sample]> = [];
  for (const n of options.fleet) {
    const file = join(fleetDir, `fleet-${n}.yaml`);
    writeFileSync(file, fleetConfig(n));
    const sample = series(`fleet of ${n} projects`, [join(root, "scripts", "run-app.js")], { DELIVERY_CONFIG: file }, 3);
    fleet.push([n, sample]);
  }
  rmSync(fleetDir, { recursive: true, force: true });
  for (const [n, s] of fleet) {
    console.log(
      `  ${String(n).padStart(4)} projects: ${s.seconds.toFixed(2)} s, ${s.peakMiB.toFixed(0)} MiB, largest stack ${s.largestStack} resources, ${((s.seconds * 1000) / n).toFixed(1)} ms/project`,
    );
  }
  const last = fleet.at(-1);
  if (last?.[0] === 500) {
    console.log(
      `500 projects: ${last[1].seconds.toFixed(2)} s (target <= 5 s: ${verdict(last[1].seconds <= 5)}), ${last[1].peakMiB.toFixed(0)} MiB (target <= 800 MiB: ${verdict(last[1].peakMiB <= 800)})`,
    );
  }

  if (options.org > 0) {
    console.log(`\norganisation series (${options.org} projects under one top-level group, teams of 50; run once, then once more after adding one project)`);
    const o = measureOrganisation(root, options.org);
    console.log(
      `  ${o.projects} projects: ${o.seconds.toFixed(1)} s, ${o.stacks} team stacks of at most ${o.largestStackProjects} projects, peak per process ${o.peaksMiB.map((m) => m.toFixed(0)).join(" / ")} MiB`,
    );
    const fast = o.projects !== 10_000 || o.seconds <= 60;
    console.log(
      `  targets (10,000 projects): <= 60 s: ${verdict(fast)}; <= 600 MiB per process: ${verdict(o.peaksMiB[0] <= 600)} (the machine's other load counts in the time)`,
    );
    const one = o.changedAfterAdding.length === 1 && !o.changedAfterAdding[0].endsWith("-shared");
    console.log(
      `  after adding one project: stacks changed ${o.changedAfterAdding.join(", ") || "none"}; lock file changed: ${o.lockChanged} (target: exactly one team stack and the lock: ${verdict(one && o.lockChanged)})`,
    );
  }

  // The plan report on a generated plan of 10,000 changes (target <= 1 s for the command):
  // risks, the Mermaid picture (each object references another, so the picture is grouped)
  // and the list of every address.
  {
    const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
    const plan = benchPlan(10_000);
    const file = join(dir, "plan.json");
    writeFileSync(file, JSON.stringify(plan));
    const args = [join(root, "bin", "gitlab-aws-delivery.js"), "plan-report", file, "--report", join(dir, "r.json"), "--markdown", join(dir, "r.md")];
    const report = series("plan-report on 10,000 changes", args, {}, 5);
    const note = readFileSync(join(dir, "r.md"), "utf8");
    console.log(
      `plan report: ${report.seconds.toFixed(2)} s for 10,000 changes, Mermaid picture and address list included (target <= 1 s: ${verdict(report.seconds <= 1)}), ` +
        `peak ${report.peakMiB.toFixed(0)} MiB; summary ${note.split("\n").length} lines, ${note.length} characters`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plan of n changes over 50 module instances and 4 types; each object references the one 50 before it in its module. */
export function benchPlan(n: number): Record<string, unknown> {
  const types = ["aws_codebuild_project", "aws_s3_bucket", "gitlab_project_deploy_token", "aws_iam_role_policy"];
  const calls: Record<string, { module: { resources: unknown[] } }> = {};
  const resource_changes = Array.from({ length: n }, (_, i) => {
    const type = types[i % 4];
    const team = `team${i % 50}`;
    calls[team] ??= { module: { resources: [] } };
    const previous = i >= 50 ? [`${types[(i - 50) % 4]}.p${i - 50}.arn`, `${types[(i - 50) % 4]}.p${i - 50}`] : [];
    calls[team].module.resources.push({ address: `${type}.p${i}`, mode: "managed", type, name: `p${i}`, expressions: { ref: { references: previous } } });
    return {
      address: `module.${team}.${type}.p${i}`,
      module_address: `module.${team}`,
      mode: "managed",
      type,
      name: `p${i}`,
      provider_name: i % 4 === 2 ? "registry.terraform.io/gitlabhq/gitlab" : "registry.terraform.io/hashicorp/aws",
      change: {
        actions: [["create"], ["update"], ["delete", "create"], ["delete"], ["no-op"]][i % 5],
        before: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }] }) },
        after: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:GetObject", i % 7 ? "s3:PutObject" : "s3:*"], Resource: "*" }] }) },
      },
    };
  });
  return { format_version: "1.2", resource_changes, configuration: { root_module: { module_calls: calls } } };
}
