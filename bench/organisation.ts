/*
 * The organisation series of `gitlab-aws-delivery bench` (issue 19): one top-level group with
 * teams as subgroups of 50 projects, synthesized by the cdktf app command as `cdktf synth`
 * runs it (processes: min(cores, projects/100 + 1)); then one project is added to one team
 * and the app runs again with the lock file the first run wrote. Targets: 10,000 projects
 * <= 60 s and <= 600 MiB in every process; after the addition exactly one team stack (and
 * the lock file) differs, the shared stack and every other team stack byte-identical.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OrganisationResult {
  readonly projects: number;
  readonly stacks: number;
  readonly largestStackProjects: number;
  readonly seconds: number;
  /** Peak resident memory of each process of the run, largest first. */
  readonly peaksMiB: readonly number[];
  /** Stacks whose cdk.tf.json differs after one project was added (added or removed stacks included). */
  readonly changedAfterAdding: readonly string[];
  readonly lockChanged: boolean;
}

/** `acme/team-<t>/service-<i>`, 50 projects a team. */
export function organisationConfig(projects: number, extra: string[] = []): string {
  const lines = ["name: acme-org", "aws:", "  region: eu-west-1", "connection:", "  name: acme-org", "projects:"];
  const paths = [...Array.from({ length: projects }, (_, i) => `acme/team-${Math.floor(i / 50) + 1}/service-${i}`), ...extra];
  for (const path of paths) lines.push(`  - path: ${path}`, `    deployToken: { expiresAt: "2030-06-30" }`);
  return `${lines.join("\n")}\n`;
}

function run(root: string, config: string, outdir: string, rssFile: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", join(root, "bench", "peak-rss.js"), join(root, "scripts", "run-app.js")], {
    cwd: root,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, CDKTF_OUTDIR: outdir, DELIVERY_CONFIG: config },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`synth of ${config} failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function stackTexts(outdir: string): Map<string, string> {
  const dir = join(outdir, "stacks");
  return new Map(readdirSync(dir).map((s) => [s, readFileSync(join(dir, s, "cdk.tf.json"), "utf8")]));
}

/** Synthesizes an organisation of `projects`, adds one project, synthesizes again; measures both. */
export function measureOrganisation(root: string, projects: number): OrganisationResult {
  const dir = mkdtempSync(join(tmpdir(), "bench-org-"));
  try {
    const config = join(dir, "org.yaml");
    writeFileSync(config, organisationConfig(projects));
    const rss = join(dir, "rss");
    const seconds = run(root, config, join(dir, "one"), rss);
    const peaksMiB = readFileSync(rss, "utf8")
      .trim()
      .split("\n")
      .map((kib) => Number(kib) / 1024)
      .sort((a, b) => b - a);
    const lock = join(dir, "org.lock.yaml");
    const lockBefore = readFileSync(lock, "utf8");
    const before = stackTexts(join(dir, "one"));
    const counts = [...lockBefore.matchAll(/^ {2}\S+:\n((?: {4}- .*\n)+)/gm)].map((m) => m[1].split("\n").length - 1);

    appendFileSync(config, `  - path: acme/team-7/one-more\n    deployToken: { expiresAt: "2030-06-30" }\n`);
    run(root, config, join(dir, "two"), join(dir, "rss2"));
    const after = stackTexts(join(dir, "two"));
    const names = new Set([...before.keys(), ...after.keys()]);
    const changedAfterAdding = [...names].filter((n) => before.get(n) !== after.get(n)).sort();
    return {
      projects,
      stacks: before.size - 1,
      largestStackProjects: Math.max(...counts),
      seconds,
      peaksMiB,
      changedAfterAdding,
      lockChanged: existsSync(lock) && readFileSync(lock, "utf8") !== lockBefore,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
