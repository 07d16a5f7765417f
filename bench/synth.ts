/*
 * `gitlab-aws-delivery bench` (cli/bench.ts): wall time and peak memory per process, each
 * figure printed with its goal and its ratio against a yardstick measured in the same run:
 * - the example: the cdktf app command (as `cdktf synth` runs it) and our own `synth` command
 *   against the floor `node -e 'require("cdktf")'` (goal <= 2.5x, <= 150 MiB);
 * - fleets: against the same shape in AWS CDK (bench/cdk-fleet.js) at 200 and 500 projects
 *   (goal >= 5x faster), and 2,000 projects <= 8 s and <= 600 MiB per process;
 * - the plan report command on 10,000 changes (goal <= 1 s).
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

/**
 * Node arguments of a measured command, given the folder it may write its output to; or, as
 * `["npx", ...]`, a command run through npx as a user types it (npm's start-up included).
 */
type Command = string[] | ((out: string) => string[]);

function measure(command: Command, env: NodeJS.ProcessEnv = {}): Sample {
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const rssFile = join(dir, "rss");
  const args = typeof command === "function" ? command(join(dir, "out")) : command;
  const preload = join(root, "bench", "peak-rss.js");
  const [file, argv] = args[0] === "npx" ? ["npx", args.slice(1)] : [process.execPath, ["--require", preload, ...args]];
  const started = process.hrtime.bigint();
  const r = spawnSync(file, argv, {
    cwd: root,
    env: {
      ...process.env,
      BENCH_RSS_FILE: rssFile,
      CDKTF_OUTDIR: join(dir, "out"),
      ...(file === "npx" ? { NODE_OPTIONS: `--require ${JSON.stringify(preload)}` } : {}),
      ...env,
    },
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

function series(label: string, command: Command, env: NodeJS.ProcessEnv, runs: number): Sample {
  measure(command, env); // warm the file cache (and the app's bundle) before timing
  const samples = Array.from({ length: runs }, () => measure(command, env));
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

const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

/** Fleet sizes compared with AWS CDK (goal: ours >= 5x faster), and the size with absolute goals. */
const CDK_SIZES = [200, 500];
const LARGE_FLEET = 2000;

/** Measures and prints; throws when a measured command fails. */
export function runBench(options: BenchOptions): void {
  const floor = series(`floor: node -e 'require("cdktf")'`, ["-e", 'require("cdktf")'], {}, options.runs);
  const app = series("synth delivery.yaml: node scripts/run-app.js", [join(root, "scripts", "run-app.js")], {}, options.runs);
  const cli = series(
    "synth delivery.yaml: gitlab-aws-delivery synth",
    (out) => [join(root, "bin", "gitlab-aws-delivery.js"), "synth", "--output", out],
    {},
    options.runs,
  );
  const npx = series("synth delivery.yaml: npx gitlab-aws-delivery synth", (out) => ["npx", "gitlab-aws-delivery", "synth", "--output", out], {}, options.runs);
  // What npx costs before our command runs: npm's start-up and its search for this package's
  // own bin (npm reads the installed tree: about 1 s here), measured with a command that loads nothing else.
  const npm = series("npx's start-up: npx gitlab-aws-delivery --version", () => ["npx", "gitlab-aws-delivery", "--version"], {}, options.runs);
  for (const [what, s] of [
    ["the cdktf app command (cdktf synth runs it)", app],
    ["the synth command (node bin/gitlab-aws-delivery.js synth)", cli],
  ] as const) {
    const ratio = s.seconds / floor.seconds;
    console.log(
      `${what}: ${s.seconds.toFixed(2)} s = ${ratio.toFixed(2)}x the floor (goal <= 2.5x: ${verdict(ratio <= 2.5)}), ` +
        `${s.peakMiB.toFixed(0)} MiB (goal <= 150 MiB: ${verdict(s.peakMiB <= 150)})`,
    );
  }
  console.log(
    `the synth command through npx, as the README's first line types it: ${npx.seconds.toFixed(2)} s = ${(npx.seconds / floor.seconds).toFixed(2)}x the floor; ` +
      `npx's own start-up (npx gitlab-aws-delivery --version) is ${npm.seconds.toFixed(2)} s of it, the synthesis ${(npx.seconds - npm.seconds).toFixed(2)} s ` +
      `(the goal is the command's own: above)`,
  );

  console.log(
    "\nfleet series (10 top-level groups; processes used: min(cores, projects/750 + 1), app/shards.ts); AWS CDK: bench/cdk-fleet.js, 20 pipelines per stack",
  );
  const fleetDir = mkdtempSync(join(tmpdir(), "bench-fleet-"));
  const fleet: Array<[number, Sample, Sample | undefined]> = [];
  for (const n of options.fleet) {
    const file = join(fleetDir, `fleet-${n}.yaml`);
    writeFileSync(file, fleetConfig(n));
    const ours = series(`fleet of ${n} projects`, [join(root, "scripts", "run-app.js")], { DELIVERY_CONFIG: file }, 3);
    const cdk = CDK_SIZES.includes(n)
      ? series(`fleet of ${n} projects in AWS CDK`, (out) => [join(root, "bench", "cdk-fleet.js"), String(n), out], {}, 3)
      : undefined;
    fleet.push([n, ours, cdk]);
  }
  rmSync(fleetDir, { recursive: true, force: true });
  for (const [n, s, cdk] of fleet) {
    console.log(
      `  ${String(n).padStart(4)} projects: ${s.seconds.toFixed(2)} s, ${s.peakMiB.toFixed(0)} MiB, largest stack ${s.largestStack} resources, ${((s.seconds * 1000) / n).toFixed(1)} ms/project`,
    );
    if (cdk) {
      const faster = cdk.seconds / s.seconds;
      console.log(
        `  ${" ".repeat(4)} AWS CDK: ${cdk.seconds.toFixed(2)} s, ${cdk.peakMiB.toFixed(0)} MiB: ours ${faster.toFixed(2)}x faster (goal >= 5x: ${verdict(faster >= 5)}), ` +
          `${(cdk.peakMiB / s.peakMiB).toFixed(2)}x less memory`,
      );
    }
    if (n === LARGE_FLEET) {
      console.log(
        `  ${" ".repeat(4)} goal for ${LARGE_FLEET}: ${s.seconds.toFixed(2)} s (<= 8 s: ${verdict(s.seconds <= 8)}), ${s.peakMiB.toFixed(0)} MiB per process (<= 600 MiB: ${verdict(s.peakMiB <= 600)})`,
      );
    }
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

  // The plan report on a generated plan of 10,000 changes (goal <= 1 s for the command):
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
      `plan report: ${report.seconds.toFixed(2)} s for 10,000 changes, Mermaid picture and address list included (goal <= 1 s: ${verdict(report.seconds <= 1)}), ` +
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
