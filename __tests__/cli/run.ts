import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

export const root = join(__dirname, "..", "..");
/** package.json `bin`: what `npx gitlab-aws-delivery` runs. */
export const bin = join(root, "bin", "gitlab-aws-delivery.js");

/** The subcommands, in the order `--help` lists them. */
export const COMMANDS = ["synth", "plan-report", "policy", "deployer-policy", "tf-check", "schema", "bench", "doctor", "graph", "rebalance"] as const;

/** Runs `gitlab-aws-delivery <args>` with pipes (not a terminal). */
export function cli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, encoding: "utf8", env: { ...process.env, ...options.env } });
}
